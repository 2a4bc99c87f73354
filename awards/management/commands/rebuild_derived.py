"""Recompute every kept number from the records: the events per month (partners) and the
cooperation tallies and nomination scores of every cycle (awards). Kept numbers are updated in
the transaction of every change, so this is for after a bulk load that went around the
services, or an upgrade that adds a kept number (docs/deployment.md)."""

import time

from django.core.management.base import BaseCommand

from awards.models import CooperationTally, NominationScore
from awards.services.scores import scores_rebuild
from partners.services.counts import month_counts_rebuild


class Command(BaseCommand):
    help = "Recompute the kept counts and scores from the events and reviews."

    def handle(self, *args, **options):
        started = time.monotonic()
        months = month_counts_rebuild()
        cycles = scores_rebuild()
        self.stdout.write(
            f"Events per month: {months} rows. Cycles: {cycles}, "
            f"{CooperationTally.objects.count()} tallies, "
            f"{NominationScore.objects.count()} nomination scores. "
            f"Done in {time.monotonic() - started:.1f} s."
        )
