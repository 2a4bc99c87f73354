"""Recompute every kept number from the records: the events per month (partners), the
cooperation tallies and nomination scores of every cycle, the panel assignments' states and the
nominations' sort names (awards). Kept numbers are updated in
the transaction of every change, so this is for after a bulk load that went around the
services, or an upgrade that adds a kept number (docs/deployment.md)."""

import time

from django.core.management.base import BaseCommand

from awards.models import CooperationTally, NominationScore
from awards.services.nominations import nomination_names_rebuild
from awards.services.panel import assignment_states_rebuild
from awards.services.scores import scores_rebuild
from partners.services.counts import month_counts_rebuild


class Command(BaseCommand):
    help = "Recompute the kept counts, scores, assignment states and sort names."

    def handle(self, *args, **options):
        started = time.monotonic()
        months = month_counts_rebuild()
        cycles = scores_rebuild()
        states = assignment_states_rebuild()
        names = nomination_names_rebuild()
        self.stdout.write(
            f"Events per month: {months} rows. Cycles: {cycles}, "
            f"{CooperationTally.objects.count()} tallies, "
            f"{NominationScore.objects.count()} nomination scores. "
            f"Panel assignments: {states} states corrected. "
            f"Nominations: {names} sort names corrected. "
            f"Done in {time.monotonic() - started:.1f} s."
        )
