"""Generate a large dataset into an empty database, to measure the portal at an administration's
volume (seeds/dataset.py, docs/performance.md): `make bench` runs it with
--enterprises 10000 --events 1000000 --nominations 2000."""

import time

from django.core.management.base import BaseCommand

from seeds.commands import require_demo
from seeds.dataset import Sizes, generate


class Command(BaseCommand):
    help = (
        "Fill the migrated, empty database with N enterprises, M cooperation events over four "
        "years, last year's cycle published and this year's in review with K nominees "
        "(deterministic for a seed)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, required=True, metavar="N")
        parser.add_argument("--events", type=int, required=True, metavar="M")
        parser.add_argument("--nominations", type=int, required=True, metavar="K")
        parser.add_argument("--seed", type=int, default=1, metavar="S")

    def handle(self, *args, **options):
        require_demo()
        started = time.monotonic()
        sizes = Sizes(
            enterprises=options["enterprises"],
            events=options["events"],
            nominations=options["nominations"],
            seed=options["seed"],
        )
        counts = generate(sizes, report=lambda line: self.stdout.write(line))
        for table, rows in counts.items():
            self.stdout.write(f"  {table}: {rows:,} rows")
        self.stdout.write(f"Generated in {time.monotonic() - started:.1f} s.")
