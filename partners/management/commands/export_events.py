from pathlib import Path

from django.core.management.base import BaseCommand

from partners.exports import EXPORT_COLUMNS, event_export_rows
from partners.models import CooperationEvent
from portal.commands import write_export
from portal.exports import FORMATS, render_table


class Command(BaseCommand):
    help = (
        "Export every cooperation event as CSV or XLSX (never the restricted details). "
        "Without --output the file goes to standard output, and nothing else does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", dest="fmt", choices=FORMATS, default="csv")
        parser.add_argument("--output", type=Path, metavar="FILE")

    def handle(self, *args, fmt, output, **options):
        events = CooperationEvent.objects.all()
        count = events.count()
        content = render_table(list(EXPORT_COLUMNS), event_export_rows(events), fmt)
        write_export(self, content, output)
        # Messages go to stderr so that standard output stays a clean file.
        self.stderr.write(f"{count} events exported as {fmt}.", style_func=self.style.SUCCESS)
