"""What the partners app tells the apps above it, without knowing them.

`verified_events_changed` is sent inside the transaction of every change that makes verified
events start or stop counting (a verification, the withdrawal of a verified event, an import of
verified events), with `changes`: a list of CountedChange. The awards app keeps its cooperation
tallies with it (awards.services.scores), in the same transaction.
"""

import datetime
from dataclasses import dataclass

from django.dispatch import Signal

verified_events_changed = Signal()


@dataclass(frozen=True)
class CountedChange:
    enterprise_id: int
    event_type: str
    significance: str
    occurred_on: datetime.date
    delta: int  # +1: now counts; -1: no longer counts
