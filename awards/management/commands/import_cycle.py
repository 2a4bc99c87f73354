import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from awards.services.cycle_files import CycleFileInvalid
from awards.services.cycles import cycle_import


class Command(BaseCommand):
    help = (
        "Create a cycle from a settings file written by export_cycle (FILE, or - for standard "
        "input). The file must have exactly export_cycle's keys; every value is checked first, "
        "every problem is reported, and nothing is created if there is any. The new cycle "
        "always starts as a draft: the file's status and finalised_at must be valid but are "
        "ignored. Panel criteria get no descriptions (the file has none); deadlines are left "
        "empty."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--year", type=int, help="Create the cycle for this year instead of the file's."
        )

    def handle(self, *args, file, year, **options):
        text = self._read(file)
        try:
            cycle = cycle_import(text=text, year=year)
        except CycleFileInvalid as invalid:
            for problem in invalid.problems:
                self.stderr.write(problem)
            count = len(invalid.problems)
            raise CommandError(
                f"{file}: {count} problem{'s' if count != 1 else ''}; no cycle was created."
            ) from None
        self.stdout.write(
            self.style.SUCCESS(f"Cycle {cycle.year} created as a draft: {cycle.title_en}.")
        )

    def _read(self, file: str) -> str:
        if file == "-":
            return sys.stdin.read()
        try:
            return Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}.") from exc
