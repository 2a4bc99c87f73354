"""The benchmark's datasets: one PostgreSQL database each, built by the demo app's generator
(`manage.py generate_dataset`) and reused while it still fits.

A database is built in three child processes with production settings (DEBUG off): `migrate`,
then `generate_dataset` (DEMO=true, which installs the demo app), then VACUUM ANALYZE so that
the planner knows the tables' sizes. Last, a one-row table `bench_dataset` records what was
built: the generator's parameters and a fingerprint of the migrations (the names and contents of
every migration file). Written only after everything else succeeded, it marks a complete
build; the next run reuses the database when the row matches the parameters asked for and the
migrations of the code, and builds it again otherwise (or when asked: `--rebuild`,
`make bench BENCH_REBUILD=1`).
"""

import hashlib
import json
import time
from dataclasses import asdict, dataclass

from bench.common import ROOT, psql, run_child

MARKER = "bench_dataset"


@dataclass(frozen=True)
class Dataset:
    label: str
    database: str
    enterprises: int
    events: int
    nominations: int
    seed: int = 12

    def parameters(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k not in ("label", "database")}

    def describe(self) -> str:
        return (
            f"{self.enterprises:,} enterprises, {self.events:,} events, "
            f"{self.nominations:,} nominations"
        )


LARGE = Dataset(
    "large", "eepa_bench_large", enterprises=10_000, events=1_000_000, nominations=2_000
)
SMALL = Dataset("small", "eepa_bench_small", enterprises=100, events=10_000, nominations=20)


def migrations_fingerprint() -> str:
    """SHA-256 over the path and content of every migration file of the project's apps."""
    digest = hashlib.sha256()
    files = sorted(
        path
        for folder in ROOT.iterdir()
        if folder.is_dir() and not folder.name.startswith(".") and folder.name != "var"
        for path in folder.glob("**/migrations/*.py")
    )
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def _exists(database: str) -> bool:
    return psql(f"SELECT 1 FROM pg_database WHERE datname = '{database}'") == "1"


def recorded(database: str) -> dict | None:
    """What the marker of `database` records ({"parameters", "migrations", "built_at"}), or
    None: no such database, or no complete build in it."""
    if not _exists(database):
        return None
    found = psql(f"SELECT to_regclass('{MARKER}') IS NOT NULL", database)
    if found != "t":
        return None
    row = psql(
        f"SELECT json_build_object('parameters', parameters, 'migrations', migrations, "
        f"'built_at', built_at) FROM {MARKER}",
        database,
    )
    return json.loads(row) if row else None


def is_current(database: str, parameters: dict) -> bool:
    marker = recorded(database)
    return (
        marker is not None
        and marker["parameters"] == parameters
        and marker["migrations"] == migrations_fingerprint()
    )


def mark(database: str, parameters: dict, migrations: str | None = None) -> None:
    """Record a complete build of `database` with `parameters` and `migrations` (the
    fingerprint taken before migrating; by default the current one)."""
    migrations = migrations or migrations_fingerprint()
    psql(
        f"DROP TABLE IF EXISTS {MARKER}; "
        f"CREATE TABLE {MARKER} (parameters jsonb NOT NULL, migrations text NOT NULL, "
        f"built_at timestamptz NOT NULL DEFAULT now()); "
        f"INSERT INTO {MARKER} (parameters, migrations) VALUES "
        f"('{json.dumps(parameters)}', '{migrations}')",
        database,
    )


def recreate(database: str) -> None:
    """Drop `database` (closing its connections) and create it empty."""
    psql(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
    psql(f"CREATE DATABASE {database}")


def ensure(dataset: Dataset, rebuild: bool = False) -> dict:
    """Reuse or build `dataset`'s database; what its marker records."""
    if not rebuild and is_current(dataset.database, dataset.parameters()):
        marker = recorded(dataset.database)
        print(f"{dataset.label}: reusing {dataset.database} (built {marker['built_at']})")
        return marker
    if not (ROOT / "seeds" / "management" / "commands" / "generate_dataset.py").exists():
        raise SystemExit("This checkout has no `manage.py generate_dataset` to build the datasets.")
    print(f"{dataset.label}: building {dataset.database} with {dataset.describe()}...")
    start = time.perf_counter()
    migrations = migrations_fingerprint()
    recreate(dataset.database)
    run_child(["manage.py", "migrate", "--noinput", "-v", "0"], dataset.database)
    migrated = time.perf_counter()
    p = dataset.parameters()
    run_child(
        [
            "manage.py",
            "generate_dataset",
            "--enterprises",
            p["enterprises"],
            "--events",
            p["events"],
            "--nominations",
            p["nominations"],
            "--seed",
            p["seed"],
        ],
        dataset.database,
        DEMO="true",
    )
    generated = time.perf_counter()
    psql("VACUUM ANALYZE", dataset.database)
    mark(dataset.database, p, migrations)
    print(
        f"  migrated in {migrated - start:.0f} s, generated in {generated - migrated:.0f} s, "
        f"analysed in {time.perf_counter() - generated:.0f} s"
    )
    return recorded(dataset.database)
