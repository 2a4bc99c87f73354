"""Exports and imports of cooperation events at a whole administration's volume (issue 12).

    .venv/bin/python bench/exports_imports.py [--events N] [--rows N] [--repeat R] [--reuse]
                                              [--checkout PATH] [--only export|import]
                                              [--formats csv xlsx] [--json PATH]

A benchmark, not a test: it prints figures for docs/performance.md. It creates (drops first) its
own PostgreSQL database `eepa_bench_io`, migrates it with the code of `--checkout` (this
repository by default) and fills it in SQL (INSERT ... SELECT over generate_series: a few
seconds) with 10,000 enterprises and `--events` cooperation events (1,000,000 by default), in
the statuses and sizes of real ones. `--reuse` keeps a database filled by an earlier run.

Every measured step runs as a child process, as in production (DEBUG off), and reports its
wall-clock time and its peak memory (maximum resident set size, from wait4's rusage):

  export   the floor: psql \\copy of the same columns, joined and ordered the same way
           export_events to a file (CSV, XLSX) and to standard output (CSV)
           the HTTP download of the event list (partners:event-export, CSV and XLSX), through
           Django's whole request handler (the test client), the body read chunk by chunk
  import   the floor: COPY of the file into a temporary table + INSERT ... SELECT (rolled back)
           import_events of a file of `--rows` new events (100,000 by default), then removed
           again so that every run starts from the same table
           the same file with 100 rows that repeat recorded events and 10 that repeat a row of
           the file: rejected, every problem reported

`--checkout PATH` runs the commands with another checkout's code (e.g. the main branch, for the
figures before a change); the database is migrated by that checkout's migrations. Files go to a
temporary folder, removed at the end.
"""

import argparse
import csv
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = "eepa_bench_io"
SERVER_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
ENTERPRISES = 10_000
FIRST_BR = 30_000_000
SECTORS = [
    "cargo_terminal",
    "shipping_line",
    "air_cargo",
    "freight_forwarder",
    "express_courier",
    "warehousing",
    "rights_owner",
    "trade_association",
    "online_marketplace",
]
TYPES = [
    "controlled_delivery",
    "intelligence_tip",
    "detection_assistance",
    "facilitation",
    "data_sharing",
    "security_practice",
    "training",
]
# Targets of issue 12 (at 1M events): multiples of the floors, and peak memory.
EXPORT_TARGET, EXPORT_MEMORY_MB = 6, 150
IMPORT_TARGET, IMPORT_MEMORY_MB = 5, 250

EXPORT_COLUMNS_SQL = """
    SELECT e.id, en.br_number, en.name_en, e.event_type, e.occurred_on, e.significance,
           e.status, e.title, e.seizure_value_hkd,
           (e.verified_at AT TIME ZONE 'Asia/Hong_Kong')::date
    FROM partners_cooperationevent e JOIN partners_enterprise en ON en.id = e.enterprise_id
    ORDER BY e.occurred_on, e.id
"""


def database_url(name: str = DATABASE) -> str:
    return f"{SERVER_URL.rstrip('/')}/{name}"


def child_env(checkout: Path) -> dict:
    """Production settings (DEBUG off: no query log growing with every batch)."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
        "ALLOWED_HOSTS": "testserver",
        "PUBLIC_BASE_URL": "https://eepa.bench.example",
        "SECURE_SSL_REDIRECT": "false",
        "DATABASE_URL": database_url(),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(checkout),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }


def run(args, *, checkout: Path, stdout=None, stdin=None, check=True):
    """(seconds, peak MB, exit status, standard error, CPU seconds) of one child process. The
    CPU time varies less than the wall-clock time on a shared machine."""
    start = time.perf_counter()
    process = subprocess.Popen(
        args,
        cwd=checkout,
        env=child_env(checkout),
        stdout=stdout if stdout is not None else subprocess.DEVNULL,
        stdin=stdin,
        stderr=subprocess.PIPE,
    )
    # wait4 gives this child's own rusage (RUSAGE_CHILDREN would be the largest child so far).
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    error = process.stderr.read().decode()
    process.stderr.close()
    if check and process.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{error}")
    return (
        seconds,
        usage.ru_maxrss / 1024,
        process.returncode,
        error,
        usage.ru_utime + usage.ru_stime,
    )


def psql(*commands: str, database: str = DATABASE, checkout: Path = ROOT):
    """run() of psql running each command in turn (-c)."""
    options = [option for command in commands for option in ("-c", command)]
    return run(
        ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", database_url(database), *options],
        checkout=checkout,
    )


def psql_script(script: str, checkout: Path):
    with tempfile.TemporaryFile() as handle:
        handle.write(script.encode())
        handle.seek(0)
        return run(
            ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", database_url(), "-f", "-"],
            checkout=checkout,
            stdin=handle,
        )


def query(sql: str, database: str = DATABASE) -> str:
    result = subprocess.run(
        ["psql", "-X", "-tA", database_url(database), "-c", sql],
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout.strip()


# The database


def fill(events: int, checkout: Path) -> None:
    print(f"Creating {DATABASE} with {ENTERPRISES:,} enterprises and {events:,} events...")
    psql(f"DROP DATABASE IF EXISTS {DATABASE}", database="postgres")
    psql(f"CREATE DATABASE {DATABASE}", database="postgres")
    run([sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"], checkout=checkout)
    start = time.perf_counter()
    sectors = "ARRAY[" + ",".join(f"'{code}'" for code in SECTORS) + "]"
    types = "ARRAY[" + ",".join(f"'{t}'" for t in TYPES) + "]"
    psql_script(
        textwrap.dedent(
            f"""
            INSERT INTO auth_user (username, password, is_superuser, first_name, last_name,
                                   email, is_staff, is_active, date_joined)
            SELECT name, '!', false, name, 'Bench', '', false, true, now()
            FROM unnest(ARRAY['bench-officer', 'bench-verifier', 'bench-secretariat']) name;
            INSERT INTO auth_user_groups (user_id, group_id)
            SELECT u.id, g.id FROM auth_user u JOIN auth_group g
              ON (u.username, g.name) IN (('bench-officer', 'Officer'),
                  ('bench-verifier', 'Verifier'), ('bench-secretariat', 'Secretariat'));
            INSERT INTO partners_enterprise (name_en, name_zh, br_number, sector, status, address,
                contact_name, contact_title, contact_email, contact_phone, created_at, updated_at)
            SELECT 'Harbour Logistics Enterprise ' || i, '港灣物流企業' || i,
                   ({FIRST_BR} + i)::text, ({sectors})[1 + i % 9], 'active', '', '', '', '', '',
                   now(), now()
            FROM generate_series(1, {ENTERPRISES}) i;
            CREATE TEMP TABLE ids AS SELECT
                (SELECT min(id) FROM partners_enterprise) AS first_enterprise,
                (SELECT id FROM auth_user WHERE username = 'bench-officer') AS officer,
                (SELECT id FROM auth_user WHERE username = 'bench-verifier') AS verifier;
            -- 85% verified, 6% submitted, 4% draft, 3% returned, 2% withdrawn.
            INSERT INTO partners_cooperationevent (enterprise_id, event_type, occurred_on, title,
                partner_summary, restricted_details, significance, seizure_value_hkd, cases,
                arrests, status, logged_by_id, submitted_at, verified_by_id, verified_at,
                return_reason, withdrawal_reason, created_at, updated_at)
            SELECT ids.first_enterprise + (i::bigint * 7919) % {ENTERPRISES},
                   ({types})[1 + i % 7],
                   date '2018-01-01' + (i * 31) % 2900,
                   'Cooperation record ' || i || ': container inspection at Kwai Chung',
                   'The enterprise provided manifest data and on-site assistance, ref ' || i,
                   'Case HK-' || i || ' restricted officer notes, informant reference kept',
                   (ARRAY['routine','routine','notable','major'])[1 + i % 4],
                   CASE WHEN i % 5 = 0 THEN (i % 977) * 1000.25 END,
                   CASE WHEN i % 7 = 0 THEN i % 4 END, NULL,
                   s.status, ids.officer,
                   CASE WHEN s.status <> 'draft' THEN now() - (i % 2000) * interval '1 day' END,
                   CASE WHEN s.status = 'verified' THEN ids.verifier END,
                   CASE WHEN s.status = 'verified'
                        THEN now() - (i % 1900) * interval '1 day' END,
                   '', '', now(), now()
            FROM generate_series(1, {events}) i, ids,
                 LATERAL (SELECT CASE WHEN i % 100 < 85 THEN 'verified'
                                      WHEN i % 100 < 91 THEN 'submitted'
                                      WHEN i % 100 < 95 THEN 'draft'
                                      WHEN i % 100 < 98 THEN 'returned'
                                      ELSE 'withdrawn' END AS status) s;
            VACUUM ANALYZE;
            """
        ),
        checkout,
    )
    print(f"  filled in {time.perf_counter() - start:.1f} s")


def forget_new_rows(mark: tuple[int, int]) -> None:
    """Remove what an import added (events and audit entries past `mark`)."""
    events, audit = mark
    psql(
        f"DELETE FROM portal_auditentry WHERE id > {audit}; "
        f"DELETE FROM partners_cooperationevent WHERE id > {events};"
    )
    psql("VACUUM ANALYZE partners_cooperationevent", "VACUUM ANALYZE portal_auditentry")


def high_water() -> tuple[int, int]:
    events = query("SELECT coalesce(max(id), 0) FROM partners_cooperationevent")
    audit = query("SELECT coalesce(max(id), 0) FROM portal_auditentry")
    return int(events), int(audit)


# The files to import


def import_file(path: Path, rows: int, *, seed: int, duplicates: bool = False) -> None:
    """`rows` new events for existing enterprises; with `duplicates`, rows 101-200 repeat
    recorded events (neither withdrawn) and rows 1001-1010 repeat earlier rows."""
    rng = random.Random(seed)
    recorded = []
    if duplicates:
        recorded = query(
            "SELECT en.br_number || '|' || e.event_type || '|' || e.occurred_on || '|' || e.title"
            " FROM partners_cooperationevent e JOIN partners_enterprise en"
            " ON en.id = e.enterprise_id WHERE e.status <> 'withdrawn' ORDER BY e.id LIMIT 100"
        ).splitlines()
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "br_number",
                "event_type",
                "occurred_on",
                "significance",
                "title",
                "partner_summary",
                "restricted_details",
                "seizure_value_hkd",
                "cases",
            ]
        )
        written = []
        for n in range(rows):
            if duplicates and 100 <= n < 100 + len(recorded):
                br, kind, day, title = recorded[n - 100].split("|", 3)
            elif duplicates and 1000 <= n < 1010:
                br, kind, day, title = written[n - 1000]
            else:
                br = str(FIRST_BR + rng.randint(1, ENTERPRISES))
                kind = rng.choice(TYPES)
                day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                title = f"Imported record {seed}-{n}: shipment tracking at Tsing Yi"
            written.append((br, kind, day, title))
            writer.writerow(
                [
                    br,
                    kind,
                    day,
                    rng.choice(["", "routine", "notable", "major"]),
                    title,
                    f"Manifest data shared on request for consignment {n}",
                    f"Officer notes {n}, restricted",
                    f"{rng.randint(0, 5_000_000)}.{rng.randint(0, 99):02d}" if n % 4 == 0 else "",
                    str(rng.randint(0, 3)) if n % 6 == 0 else "",
                ]
            )


# The measurements


def best(samples: list[tuple]) -> str:
    times = [s[0] for s in samples]
    memory = max(s[1] for s in samples)
    spread = f"{min(times):.2f}–{max(times):.2f}" if len(times) > 1 else f"{times[0]:.2f}"
    cpu = statistics.median(s[4] for s in samples)
    return (
        f"{statistics.median(times):6.2f} s (runs {spread}), peak {memory:6.0f} MB, CPU {cpu:.1f} s"
    )


def measure(label: str, repeat: int, step, floor=None) -> tuple[str, list, list]:
    """`repeat` runs of `step`, each right after a run of `floor` if given: the machine is
    shared, and a ratio is only fair between runs made under the same load."""
    samples, floors = [], []
    for _ in range(repeat):
        if floor is not None:
            floors.append(floor())
        samples.append(step())
    print(f"  {label:<52} {best(samples)}")
    return label, samples, floors


# What verdict() found, for --json: one entry per step measured against its floor.
FIGURES = []


def verdict(label, samples, floors, target: float, memory_mb: float) -> None:
    floor = statistics.median(s[0] for s in floors)
    ratio = statistics.median(s[0] for s in samples) / floor
    memory = max(s[1] for s in samples)
    met = "met" if ratio <= target and memory < memory_mb else "NOT MET"
    FIGURES.append(
        {
            "step": label,
            "median_s": statistics.median(s[0] for s in samples),
            "floor_median_s": floor,
            "ratio": ratio,
            "peak_mb": memory,
            "cpu_s": statistics.median(s[4] for s in samples),
            "target_ratio": target,
            "target_mb": memory_mb,
            "met": met == "met",
        }
    )
    print(
        f"    {ratio:.1f}× the floor measured alongside ({floor:.2f} s; target ≤ {target}×, "
        f"< {memory_mb} MB): {met}"
    )


HTTP_CHILD = """
import os, sys, django
django.setup()
from django.contrib.auth import get_user_model
from django.test import Client
client = Client()
client.force_login(get_user_model().objects.get(username="bench-secretariat"))
response = client.get("/events/export/", {"format": sys.argv[1]}, secure=True)
assert response.status_code == 200, response.status_code
size = 0
with open(sys.argv[2], "wb") as out:
    for chunk in (response.streaming_content if response.streaming else [response.content]):
        size += len(chunk)
        out.write(chunk)
response.close()
"""


def exports(checkout: Path, folder: Path, repeat: int, formats=("csv", "xlsx")) -> None:
    events = int(query("SELECT count(*) FROM partners_cooperationevent"))
    print(f"\nExport of {events:,} events")
    target = folder / "export.csv"

    def floor():
        return psql(f"\\copy ({' '.join(EXPORT_COLUMNS_SQL.split())}) TO '{target}' CSV HEADER")

    measure("floor: psql \\copy (same columns, join, order)", repeat, floor)
    python = [sys.executable, "manage.py"]
    cases = [
        ("export_events --output events.csv", [*python, "export_events", "--output", target]),
        ("export_events > events.csv (standard output)", None),
        (
            "export_events --format xlsx --output events.xlsx",
            [*python, "export_events", "--format", "xlsx", "--output", folder / "export.xlsx"],
        ),
        ("HTTP download, CSV", [sys.executable, "-c", HTTP_CHILD, "csv", target]),
        ("HTTP download, XLSX", [sys.executable, "-c", HTTP_CHILD, "xlsx", folder / "x.xlsx"]),
    ]
    for label, args in cases:
        if ("xlsx" if "xlsx" in label.lower() else "csv") not in formats:
            continue
        if args is None:

            def step():
                with target.open("wb") as out:
                    return run([*python, "export_events"], checkout=checkout, stdout=out)

        else:

            def step(args=args):
                return run(args, checkout=checkout)

        verdict(*measure(label, repeat, step, floor), EXPORT_TARGET, EXPORT_MEMORY_MB)


def imports(checkout: Path, folder: Path, rows: int, repeat: int) -> None:
    events = int(query("SELECT count(*) FROM partners_cooperationevent"))
    print(f"\nImport of {rows:,} rows into {events:,} events")
    good, bad = folder / "import.csv", folder / "import-duplicates.csv"
    import_file(good, rows, seed=rows)
    import_file(bad, rows, seed=rows + 1, duplicates=True)
    officer = query("SELECT id FROM auth_user WHERE username = 'bench-officer'")
    floor_sql = textwrap.dedent(
        f"""
        BEGIN;
        CREATE TEMP TABLE incoming (br_number text, event_type text, occurred_on text,
            significance text, title text, partner_summary text, restricted_details text,
            seizure_value_hkd text, cases text) ON COMMIT DROP;
        \\copy incoming FROM '{good}' CSV HEADER
        INSERT INTO partners_cooperationevent (enterprise_id, event_type, occurred_on, title,
            partner_summary, restricted_details, significance, seizure_value_hkd, cases, status,
            logged_by_id, submitted_at, return_reason, withdrawal_reason, created_at, updated_at)
        SELECT en.id, i.event_type, i.occurred_on::date, i.title, i.partner_summary,
               i.restricted_details, coalesce(nullif(i.significance, ''), 'routine'),
               nullif(i.seizure_value_hkd, '')::numeric, nullif(i.cases, '')::integer,
               'submitted', {officer}, now(), '', '', now(), now()
        FROM incoming i JOIN partners_enterprise en ON en.br_number = i.br_number;
        ROLLBACK;
        """
    )

    def floor():
        return psql_script(floor_sql, checkout)

    measure("floor: COPY + INSERT ... SELECT (rolled back)", repeat, floor)
    command = [sys.executable, "manage.py", "import_events", "--officer", "bench-officer"]

    def good_import():
        mark = high_water()
        result = run([*command, good], checkout=checkout, check=False)
        added = int(query(f"SELECT count(*) FROM partners_cooperationevent WHERE id > {mark[0]}"))
        audit = int(query(f"SELECT count(*) FROM portal_auditentry WHERE id > {mark[1]}"))
        forget_new_rows(mark)
        if result[2] != 0 or added != rows or audit != rows:
            print(f"    exit {result[2]}, {added} events and {audit} audit entries written")
            print(textwrap.indent(result[3][-2000:], "    "))
        return result

    label = f"import_events, {rows:,} new rows"
    verdict(*measure(label, repeat, good_import, floor), IMPORT_TARGET, IMPORT_MEMORY_MB)

    def rejected_import():
        mark = high_water()
        result = run([*command, bad], checkout=checkout, check=False)
        if result[2] == 0 or high_water() != mark:
            print("    the file with duplicates was not rejected cleanly")
            forget_new_rows(mark)
        return result

    label = f"import_events, {rows:,} rows with 110 duplicates (rejected)"
    verdict(*measure(label, repeat, rejected_import, floor), IMPORT_TARGET, IMPORT_MEMORY_MB)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the imported file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--reuse", action="store_true", help="keep the filled database")
    parser.add_argument("--checkout", type=Path, default=ROOT, help="the code to measure")
    parser.add_argument("--only", choices=["export", "import"])
    parser.add_argument(
        "--formats",
        nargs="+",
        choices=["csv", "xlsx"],
        default=["csv", "xlsx"],
        help="the export formats to measure (XLSX takes minutes)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    options = parser.parse_args()
    checkout = options.checkout.resolve()
    commit = subprocess.run(
        ["git", "-C", checkout, "log", "-1", "--format=%h %s"], capture_output=True, text=True
    ).stdout.strip()
    print(f"Code: {checkout} ({commit}); load average {os.getloadavg()[0]:.2f}")
    exists = query(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}'", "postgres")
    if not (options.reuse and exists):
        fill(options.events, checkout)
    folder = Path(tempfile.mkdtemp(prefix="eepa-bench-io-"))
    try:
        if options.only != "import":
            exports(checkout, folder, options.repeat, options.formats)
        if options.only != "export":
            imports(checkout, folder, options.rows, options.repeat)
    finally:
        shutil.rmtree(folder)
    print(f"\nLoad average at the end {os.getloadavg()[0]:.2f}")
    if options.json:
        events = int(query("SELECT count(*) FROM partners_cooperationevent"))
        options.json.write_text(
            json.dumps({"events": events, "rows": options.rows, "steps": FIGURES}, indent=1)
        )


if __name__ == "__main__":
    main()
