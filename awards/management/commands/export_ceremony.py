from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from awards.models import Cycle
from awards.run_sheet import EXPORT_FORMATS, ceremony_export
from awards.services.ceremony import ceremony_entries
from portal.commands import write_export


class Command(BaseCommand):
    help = (
        "Export a finalised cycle's ceremony list: the bilingual run sheet for the master of "
        "ceremonies (pdf) or the list as CSV (the default) or XLSX, in the running order. "
        "Without --output the file goes to standard output, and nothing else does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, metavar="YEAR")
        parser.add_argument("--format", dest="fmt", choices=EXPORT_FORMATS, default="csv")
        parser.add_argument("--output", type=Path, metavar="FILE")

    def handle(self, *args, cycle, fmt, output, **options):
        try:
            cycle = Cycle.objects.get(year=cycle)
        except Cycle.DoesNotExist:
            raise CommandError(f"There is no cycle {cycle}.") from None
        if not cycle.is_frozen:
            raise CommandError(
                f"The {cycle.year} cycle is still in {cycle.get_status_display().lower()}: its "
                "ceremony list is drawn up once it is finalised."
            )
        content = ceremony_export(cycle, fmt)
        write_export(self, content, output)
        # Messages go to stderr so that standard output stays a clean file.
        awardees = len(ceremony_entries(cycle))
        self.stderr.write(
            f"{awardees} awardee{'s' if awardees != 1 else ''} of {cycle.year} exported as {fmt}.",
            style_func=self.style.SUCCESS,
        )
