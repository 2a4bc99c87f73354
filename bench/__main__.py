"""`make bench`: the portal at a whole administration's volume (issue 12), against its targets.

    .venv/bin/python -m bench [--rebuild] [--runs 5] [--skip pages scoring io] ...

1. Datasets (bench/datasets.py): the large one (10,000 enterprises, 1,000,000 events, 2,000
   nominations) and the small one (100 / 10,000 / 20), each in a PostgreSQL database of its
   own, built by `manage.py generate_dataset` or reused when built with the same parameters
   and migrations.
2. Pages (bench/pages.py), one child process per dataset: each main page's median time of 5
   rounds after a warm-up, and its query count, beside a bare page rendering the base
   template. Targets: ≤ 8× the bare page, ≤ 1.5× its own time on the small dataset, the same
   query count on both.
3. Scoring a whole cycle (bench/scoring_floor.py), one child per dataset: score_nominations
   against a hand-written SQL GROUP BY giving the same numbers to the cent. Target ≤ 1.5×.
4. Exports and imports (bench/exports_imports.py, database eepa_bench_io, reused while its
   marker fits): export_events and the HTTP download against psql \\copy (≤ 6×, < 150 MB),
   import_events of 100,000 rows against COPY + INSERT ... SELECT (≤ 5×, < 250 MB).
5. Alerts (bench/alerts.py, database eepa_bench_alerts, reused while its marker fits): batches
   of 500 alerts through POST /api/v1/alerts/ (alerts per second), and matching an alert
   against 1,000,000 manifest lines, with EXPLAIN (ANALYZE, BUFFERS) showing an index scan.

Every child runs with production settings (DEBUG off). The tables are printed; every figure
goes to var/bench/results.json (and a copy named after the time of the run).
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys

from bench import alerts, datasets
from bench.common import RESULTS, ROOT, child_env, run_child, server_reachable

PAGE_TARGET_BARE, PAGE_TARGET_SMALL, SCORING_TARGET = 8, 1.5, 1.5
IO_DATABASE = "eepa_bench_io"


def mark(met: bool) -> str:
    return "ok" if met else "MISSED"


# 2. and 3.: the child processes


def pages(sets: list[datasets.Dataset], runs: int) -> dict[str, dict]:
    """The pages of every dataset, a child process each (bench/pages.py --serve), their timed
    rounds alternated (large, small, small, large, ...): the large/small ratios then compare
    moments of the same load, as the ×bare ratios do inside one child."""
    children = {}
    for dataset in sets:
        print(f"{dataset.label}: warming up the pages...")
        child = subprocess.Popen(
            [sys.executable, "-m", "bench.pages", "--serve", "--output", output(dataset)],
            cwd=ROOT,
            env=child_env(dataset.database, DJANGO_SETTINGS_MODULE="bench.settings"),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        children[dataset.label] = child
        expect(child, "ready", dataset)
    print(f"Measuring the pages: {runs} rounds on each dataset, alternated...")
    for run in range(runs):
        for dataset in sets if run % 2 == 0 else reversed(sets):
            child = children[dataset.label]
            child.stdin.write("round\n")
            child.stdin.flush()
            expect(child, "done", dataset)
    measured = {}
    for dataset in sets:
        child = children[dataset.label]
        child.stdin.close()
        if child.wait() != 0:
            raise SystemExit(f"bench.pages on {dataset.database} failed (exit {child.returncode})")
        measured[dataset.label] = json.loads(output(dataset).read_text())
    return measured


def output(dataset: datasets.Dataset):
    return RESULTS / f"pages-{dataset.label}.json"


def expect(child: subprocess.Popen, word: str, dataset: datasets.Dataset) -> None:
    line = child.stdout.readline().strip()
    if line != word:
        child.kill()
        raise SystemExit(f"bench.pages on {dataset.database} stopped (said {line!r})")


def scoring(dataset: datasets.Dataset, runs: int) -> dict:
    output = RESULTS / f"scoring-{dataset.label}.json"
    print(f"{dataset.label}: scoring the current cycle, portal and SQL floor...")
    run_child(["-m", "bench.scoring_floor", "--output", output, "--runs", runs], dataset.database)
    return json.loads(output.read_text())


def exports_imports(repeat: int, formats: list[str], rebuild: bool) -> dict:
    """bench/exports_imports.py in a child process (its output passes through), reusing its
    database while the marker of bench/datasets.py fits."""
    parameters = {"generator": "bench/exports_imports.py", "events": 1_000_000}
    reuse = not rebuild and datasets.is_current(IO_DATABASE, parameters)
    output = RESULTS / "exports-imports.json"
    args = [
        sys.executable,
        "bench/exports_imports.py",
        "--repeat",
        str(repeat),
        "--formats",
        *formats,
        "--json",
        str(output),
        *(["--reuse"] if reuse else []),
    ]
    print(f"\nExports and imports ({'reusing' if reuse else 'building'} {IO_DATABASE})...")
    # Its children get their settings from it; from us it only needs the server's address.
    env = {k: v for k, v in child_env(IO_DATABASE).items() if k != "DATABASE_URL"}
    if subprocess.run(args, cwd=ROOT, env=env).returncode != 0:
        raise SystemExit("bench/exports_imports.py failed")
    if not reuse:
        datasets.mark(IO_DATABASE, parameters)
    return json.loads(output.read_text())


# The tables


def page_rows(large: dict, small: dict) -> list[dict]:
    """One row per page: the figures of both datasets and the targets."""
    by_key = {page["key"]: page for page in small["pages"]}
    bare = next(page for page in large["pages"] if page["key"] == "bare")["median_ms"]
    rows = []
    for page in large["pages"]:
        other = by_key[page["key"]]
        times_bare = page["median_ms"] / bare
        times_small = page["median_ms"] / other["median_ms"]
        rows.append(
            {
                "key": page["key"],
                "page": page["label"],
                "user": page["username"],
                "large_ms": page["median_ms"],
                "times_bare": times_bare,
                "small_ms": other["median_ms"],
                "times_small": times_small,
                "queries_large": page["queries"],
                "queries_small": other["queries"],
                "bytes_large": page["bytes"],
                "met_bare": times_bare <= PAGE_TARGET_BARE,
                "met_small": times_small <= PAGE_TARGET_SMALL,
                "met_queries": page["queries"] == other["queries"],
            }
        )
    return rows


def print_pages(rows: list[dict]) -> None:
    print(
        f"\nPages (median ms; targets: ≤ {PAGE_TARGET_BARE}× bare, ≤ {PAGE_TARGET_SMALL}× small, "
        "same query count)"
    )
    header = (
        f"{'page':<34} {'large':>9} {'× bare':>8} {'small':>8} {'L/S':>6} "
        f"{'q large':>7} {'q small':>7}  targets: bare / small / queries"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        targets = (
            "(yardstick)"
            if row["key"] == "bare"
            else " / ".join(mark(row[k]) for k in ("met_bare", "met_small", "met_queries"))
        )
        print(
            f"{row['page']:<34} {row['large_ms']:>9.1f} {row['times_bare']:>7.1f}× "
            f"{row['small_ms']:>8.1f} {row['times_small']:>5.2f}× "
            f"{row['queries_large']:>7} {row['queries_small']:>7}  {targets}"
        )


def scoring_row(figures: dict) -> dict:
    ratio = figures["portal_median_ms"] / figures["floor_median_ms"]
    return {**figures, "ratio": ratio, "met": ratio <= SCORING_TARGET}


def print_scoring(by_label: dict) -> None:
    print(
        f"\nScoring a whole cycle from the events (median ms; target at 1M events: "
        f"≤ {SCORING_TARGET}× floor)"
    )
    for label, row in by_label.items():
        # The target is the large dataset's; on the small one, fixed costs (a few small
        # queries, Python) outweigh the counting, and the ratio is shown for reference.
        verdict = mark(row["met"]) if label == "large" else "(for reference)"
        print(
            f"  {label:<6} {row['cycle_year']}: {row['nominees']:,} nominees "
            f"({row['reviewed']:,} with reviews), same numbers to the cent: "
            f"score_nominations {row['portal_median_ms']:.0f} ms, SQL floor "
            f"{row['floor_median_ms']:.0f} ms: {row['ratio']:.2f}× {verdict}"
        )


def print_io(figures: dict) -> None:
    print(f"\nExports and imports at {figures['events']:,} events (median s, peak memory)")
    for step in figures["steps"]:
        print(
            f"  {step['step']:<58} {step['median_s']:6.2f} s vs floor "
            f"{step['floor_median_s']:5.2f} s = {step['ratio']:4.1f}× (≤ {step['target_ratio']}×), "
            f"{step['peak_mb']:4.0f} MB (< {step['target_mb']}): {mark(step['met'])}"
        )


def markdown(results: dict) -> str:
    """The tables of a run in Markdown, for docs/performance.md."""
    lines = [
        f"Code: {results['commit']}; load average {results['load_at_start']:.1f} at the "
        f"start, {results['load_at_end']:.1f} at the end.",
        "",
    ]
    if "pages" in results:
        lines += [
            "| page | at 1M events | × bare | small | large / small | queries (large / small) "
            "| targets: ≤ 8× bare / ≤ 1.5× small / same queries |",
            "|---|---:|---:|---:|---:|---:|---|",
        ]
        for row in results["pages"]["rows"]:
            targets = (
                ""
                if row["key"] == "bare"
                else " / ".join(mark(row[k]) for k in ("met_bare", "met_small", "met_queries"))
            )
            lines.append(
                f"| {row['page']} | {row['large_ms']:,.1f} ms | {row['times_bare']:.1f}× "
                f"| {row['small_ms']:,.1f} ms | {row['times_small']:.2f}× "
                f"| {row['queries_large']} / {row['queries_small']} | {targets} |"
            )
        lines.append("")
    for label, row in results.get("scoring", {}).items():
        verdict = mark(row["met"]) if label == "large" else "for reference"
        lines.append(
            f"- scoring a whole cycle ({label}, {row['nominees']:,} nominees): "
            f"score_nominations {row['portal_median_ms']:,.0f} ms, SQL floor "
            f"{row['floor_median_ms']:,.0f} ms, {row['ratio']:.2f}× ({verdict}; "
            "same numbers to the cent)"
        )
    if "exports_imports" in results:
        lines += [
            "",
            "| step | median | floor | ratio | peak memory | target |",
            "|---|---:|---:|---:|---:|---|",
        ]
        for step in results["exports_imports"]["steps"]:
            lines.append(
                f"| {step['step']} | {step['median_s']:.2f} s | {step['floor_median_s']:.2f} s "
                f"| {step['ratio']:.1f}× | {step['peak_mb']:.0f} MB | ≤ {step['target_ratio']}×, "
                f"< {step['target_mb']} MB: {mark(step['met'])} |"
            )
    if "alerts" in results:
        lines += alerts.markdown(results["alerts"])
    return "\n".join(lines) + "\n"


# The run


def main():
    parser = argparse.ArgumentParser(
        prog="python -m bench",
        description=__doc__.split("\n\n")[0],
        epilog="See bench/__init__.py and docs/performance.md.",
    )
    parser.add_argument(
        "--rebuild", action="store_true", help="build the datasets again even if they fit"
    )
    parser.add_argument("--runs", type=int, default=5, help="timed rounds of each page")
    parser.add_argument(
        "--skip",
        nargs="+",
        default=[],
        choices=["pages", "scoring", "io", "alerts"],
        help="leave these measurements out",
    )
    parser.add_argument(
        "--large",
        nargs=3,
        type=int,
        metavar=("ENTERPRISES", "EVENTS", "NOMINATIONS"),
        help="another size of the large dataset (default 10000 1000000 2000)",
    )
    parser.add_argument(
        "--small",
        nargs=3,
        type=int,
        metavar=("ENTERPRISES", "EVENTS", "NOMINATIONS"),
        help="another size of the small dataset (default 100 10000 20)",
    )
    parser.add_argument("--alert-batches", type=int, default=10, help="timed batches of 500 alerts")
    parser.add_argument("--io-repeat", type=int, default=3, help="runs of each export and import")
    parser.add_argument(
        "--io-formats",
        nargs="+",
        choices=["csv", "xlsx"],
        default=["csv", "xlsx"],
        help="export formats to measure (both by default)",
    )
    options = parser.parse_args()
    problem = server_reachable()
    if problem:
        raise SystemExit(
            f"PostgreSQL is not reachable ({problem}); start it, or set BENCH_POSTGRES_URL."
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    large, small = datasets.LARGE, datasets.SMALL
    if options.large:
        large = datasets.Dataset("large", large.database, *options.large)
    if options.small:
        small = datasets.Dataset("small", small.database, *options.small)

    started = datetime.datetime.now(datetime.UTC)
    commit = subprocess.run(
        ["git", "-C", ROOT, "log", "-1", "--format=%h %s"], capture_output=True, text=True
    ).stdout.strip()
    results = {
        "started": started.isoformat(timespec="seconds"),
        "commit": commit,
        "cpus": os.cpu_count(),
        "load_at_start": os.getloadavg()[0],
        "datasets": {},
    }
    if not {"pages", "scoring"} <= set(options.skip):
        for dataset in (large, small):
            marker = datasets.ensure(dataset, rebuild=options.rebuild)
            results["datasets"][dataset.label] = {"database": dataset.database, **marker}
    if "pages" not in options.skip:
        run_child(["manage.py", "collectstatic", "--noinput", "-v", "0"], small.database)
        measured = pages([large, small], options.runs)
        results["pages"] = {
            "found": {label: m["found"] for label, m in measured.items()},
            "rows": page_rows(measured["large"], measured["small"]),
        }
    if "scoring" not in options.skip:
        results["scoring"] = {
            d.label: scoring_row(scoring(d, options.runs)) for d in (large, small)
        }
    if "io" not in options.skip:
        results["exports_imports"] = exports_imports(
            options.io_repeat, options.io_formats, options.rebuild
        )
    if "alerts" not in options.skip:
        results["alerts"] = alerts.run(options.rebuild, options.alert_batches)
    results["load_at_end"] = os.getloadavg()[0]

    print(
        f"\nCode: {commit}; load average {results['load_at_start']:.2f} at the start, "
        f"{results['load_at_end']:.2f} at the end"
    )
    for d in (large, small):
        if d.label in results["datasets"]:
            print(f"  {d.label}: {d.database}, {d.describe()}")
    if "pages" in results:
        for label, found in results["pages"]["found"].items():
            print(
                f"  {label}: cycle {found['cycle_year']} ({found['cycle_status']}); enterprise "
                f"{found['enterprise_id']} has the most events ({found['enterprise_events']:,}); "
                f"the dossier's nominee {found['nominee_verified_events_in_window']:,} verified "
                f"in the window; search {found['search']!r}; "
                f"{found['notifications']} notifications of {found['notifications_reader']}"
            )
        print_pages(results["pages"]["rows"])
    if "scoring" in results:
        print_scoring(results["scoring"])
    if "exports_imports" in results:
        print_io(results["exports_imports"])
    if "alerts" in results:
        alerts.print_figures(results["alerts"])
    latest = RESULTS / "results.json"
    latest.write_text(json.dumps(results, indent=1, default=str))
    stamped = RESULTS / f"results-{started:%Y%m%dT%H%M%SZ}.json"
    shutil.copyfile(latest, stamped)
    (RESULTS / "results.md").write_text(markdown(results))
    print(
        f"\nFigures written to {latest.relative_to(ROOT)} and {stamped.name}; "
        "the tables in Markdown to results.md"
    )


if __name__ == "__main__":
    main()
