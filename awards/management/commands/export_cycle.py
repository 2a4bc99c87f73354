import json

from django.core.management.base import BaseCommand, CommandError

from awards.models import Cycle
from awards.services.cycle_files import cycle_export


class Command(BaseCommand):
    help = (
        "Print a cycle's settings as JSON: year, titles, window, cooperation weight, quorum, "
        "awards planned, significance multipliers, event-type rules, panel criteria, status and "
        "finalised_at. Decimals are strings, dates and times ISO 8601. Nothing else goes to "
        "standard output, so it can be redirected to a file for import_cycle."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)

    def handle(self, *args, year, **options):
        cycle = Cycle.objects.filter(year=year).first()
        if cycle is None:
            raise CommandError(f"There is no cycle for {year}.")
        self.stdout.write(json.dumps(cycle_export(cycle), ensure_ascii=False, indent=2))
