from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from awards.exports import RANKING_COLUMNS, ranking_export_rows
from awards.models import Cycle
from awards.selectors.ranking import ranking_of
from portal.commands import write_export
from portal.exports import FORMATS, export_table


class Command(BaseCommand):
    help = (
        "Export a cycle's ranking as CSV or XLSX: one row per nomination, pending ones without "
        "a rank; the frozen snapshot once the cycle is finalised. Without --output the file "
        "goes to standard output, and nothing else does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--cycle", type=int, required=True, metavar="YEAR")
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv")
        parser.add_argument("--output", type=Path, metavar="FILE")

    def handle(self, *args, cycle, fmt, output, **options):
        try:
            cycle = Cycle.objects.get(year=cycle)
        except Cycle.DoesNotExist:
            raise CommandError(f"There is no cycle {cycle}.") from None
        ranking = ranking_of(cycle)
        content = export_table(RANKING_COLUMNS, ranking_export_rows(ranking), fmt)
        write_export(self, content, output)
        # Messages go to stderr so that standard output stays a clean file.
        kind = "frozen snapshot" if ranking.frozen else "live ranking"
        self.stderr.write(
            f"{len(ranking.rows)} nominations of {cycle.year} exported as {fmt} ({kind}).",
            style_func=self.style.SUCCESS,
        )
