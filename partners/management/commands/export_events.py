from pathlib import Path

from django.core.management.base import BaseCommand

from partners.exports import EXPORT_COLUMNS, event_export_rows
from partners.models import CooperationEvent
from portal.commands import write_export
from portal.exports import FORMATS, export_table


class Command(BaseCommand):
    help = (
        "Export every cooperation event as CSV or XLSX (never the restricted details). "
        "Without --output the file goes to standard output, and nothing else does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv")
        parser.add_argument("--output", type=Path, metavar="FILE")

    def handle(self, *args, fmt, output, **options):
        exported = 0

        def counted(rows):
            nonlocal exported
            for row in rows:
                exported += 1
                yield row

        # The rows are read from the database and written in chunks, never all in memory.
        rows = counted(event_export_rows(CooperationEvent.objects.all()))
        write_export(self, export_table(list(EXPORT_COLUMNS), rows, fmt), output)
        # Messages go to stderr so that standard output stays a clean file.
        self.stderr.write(f"{exported} events exported as {fmt}.", style_func=self.style.SUCCESS)
