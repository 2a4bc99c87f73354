"""An enterprise's award history: every cycle it was nominated in, with the frozen outcome of
the finalised ones, and its current streak."""

import contextlib
from dataclasses import dataclass

from django.core.exceptions import ObjectDoesNotExist

from awards.models import Cycle, Nomination, NominationResult
from awards.selectors import awarded_streaks
from partners.models import Enterprise


@dataclass(frozen=True)
class AwardHistoryRow:
    nomination: Nomination
    cycle: Cycle
    result: NominationResult | None  # the frozen snapshot, once the cycle is finalised

    @property
    def awarded(self) -> bool | None:
        """The frozen decision once finalised; before that the secretariat's current one
        (None while undecided), which may still change."""
        if self.result is not None:
            return self.result.awarded
        return self.nomination.awarded


@dataclass(frozen=True)
class AwardHistory:
    rows: list[AwardHistoryRow]  # the latest cycle first
    streak: int  # consecutive awards ending with `streak_cycle`
    streak_cycle: Cycle | None  # the latest finalised (or published) cycle


def enterprise_award_history(enterprise: Enterprise) -> AwardHistory:
    """Four queries, whatever the number of cycles (one if it was never nominated)."""
    rows = []
    for nomination in (
        Nomination.objects.filter(enterprise=enterprise)
        .select_related("cycle", "result")
        .order_by("-cycle__year")
    ):
        result = None
        if nomination.cycle.is_frozen:
            with contextlib.suppress(ObjectDoesNotExist):
                result = nomination.result
        rows.append(AwardHistoryRow(nomination=nomination, cycle=nomination.cycle, result=result))
    if not rows:
        return AwardHistory(rows=[], streak=0, streak_cycle=None)
    latest = Cycle.objects.filter(status__in=Cycle.FROZEN_STATUSES).order_by("-year").first()
    streak = awarded_streaks(latest, [enterprise.pk])[enterprise.pk] if latest else 0
    return AwardHistory(rows=rows, streak=streak, streak_cycle=latest)
