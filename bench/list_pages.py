"""The list pages at a whole administration's volume (issue 12): median times, query counts.

    .venv/bin/python bench/list_pages.py [--fill] [--database NAME] [--repeat 5]
                                         [--checkout PATH] [--only LABEL ...]

A benchmark, not a test: it prints figures for docs/performance.md. `--fill` (re)creates the
database (`eepa_lists_large` by default) with the code of `--checkout`: 10,000 enterprises and
1,000,000 events in SQL (bench/exports_imports.py's fill), then, with the ORM, what the award
pages need: the current year's cycle in panel review with 2,000 active nominations, three panel
members assigned to each (a few conflicts declared, a few still to declare, most reviews
submitted), one enterprise with 17,000 more events whose manager is `bench-partner`, and
20,000 notifications for the officer; the kept numbers are then rebuilt (rebuild_derived).

Each page is read through Django's whole request handler (the test client, DEBUG off) `--repeat`
times after one warm-up read; it prints the median, the fastest and the query count.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "eepa_lists_large"
YEAR = 2025
NOMINEES = 2_000
BIG_ENTERPRISE_EVENTS = 17_000


def _fill(database: str, checkout: Path, events: int) -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    import exports_imports as io

    io.DATABASE = database
    server = io.SERVER_URL.rstrip("/")
    io.database_url = lambda name=database: (
        f"{server}/{database if name == 'eepa_bench_io' else name}"
    )
    io.fill(events, checkout)
    env = {**io.child_env(checkout), "BENCH_LIST_DATABASE": database}
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--populate"],
        cwd=checkout,
        env=env,
        check=True,
    )
    print(f"  award data, notifications and kept numbers in {time.perf_counter() - start:.1f} s")


def _populate() -> None:
    """With the ORM (DJANGO_SETTINGS_MODULE and DATABASE_URL set by the parent)."""
    import datetime
    import random
    from decimal import Decimal

    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from awards.models import (
        Assignment,
        Cycle,
        EventTypeRule,
        Nomination,
        PanelCriterion,
        Review,
        ReviewScore,
    )
    from awards.services.cycles import DEFAULT_RULES
    from partners.models import Enterprise, Membership
    from portal.models import Notification

    rng = random.Random(12)
    groups = {group.name: group for group in Group.objects.all()}

    def user(name, role):
        account = User.objects.create(username=name, first_name=name, last_name="Bench")
        account.groups.add(groups[role])
        return account

    secretariat = User.objects.get(username="bench-secretariat")
    officer = User.objects.get(username="bench-officer")
    panel = [user(f"bench-panel{i}", "Panel") for i in (1, 2, 3)]
    partner = user("bench-partner", "Partner")
    big = Enterprise.objects.order_by("pk").first()
    Membership.objects.create(enterprise=big, user=partner, is_manager=True)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO partners_cooperationevent (enterprise_id, event_type, occurred_on, title,
                partner_summary, restricted_details, significance, seizure_value_hkd, cases,
                arrests, status, logged_by_id, submitted_at, verified_by_id, verified_at,
                return_reason, withdrawal_reason, created_at, updated_at)
            SELECT %s, event_type, occurred_on, title, partner_summary, restricted_details,
                   significance, seizure_value_hkd, cases, arrests, status, logged_by_id,
                   submitted_at, verified_by_id, verified_at, '', '', now(), now()
            FROM partners_cooperationevent WHERE enterprise_id <> %s ORDER BY id LIMIT %s
            """,
            [big.pk, big.pk, BIG_ENTERPRISE_EVENTS],
        )
    cycle = Cycle.objects.create(
        year=YEAR,
        title_en=f"Elite Enterprise Partnership Award {YEAR}",
        title_zh=f"{YEAR}年卓越企業夥伴嘉許計劃",
        window_start=datetime.date(YEAR, 1, 1),
        window_end=datetime.date(YEAR, 12, 31),
        scoring_deadline=datetime.date(YEAR + 1, 12, 31),
        quorum=3,
        cooperation_weight=Decimal("0.60"),
        awards_planned=10,
        status=Cycle.Status.REVIEW,
    )
    EventTypeRule.objects.bulk_create(
        EventTypeRule(cycle=cycle, event_type=t, points=p, cap=c)
        for t, (p, c) in DEFAULT_RULES.items()
    )
    criteria = PanelCriterion.objects.bulk_create(
        [
            PanelCriterion(cycle=cycle, name_en=n, name_zh=n, weight=w, position=i)
            for i, (n, w) in enumerate([("Impact", Decimal("2")), ("Commitment", Decimal("1"))])
        ]
    )
    nominees = Enterprise.objects.order_by("pk")[:NOMINEES]
    nominations = Nomination.objects.bulk_create(
        Nomination(cycle=cycle, enterprise=e, nominated_by=secretariat) for e in nominees
    )
    assignments = []
    for i, nomination in enumerate(nominations):
        for j, member in enumerate(panel):
            declaration, reason = Assignment.Declaration.NO_CONFLICT, ""
            if (i + j) % 97 == 0:
                declaration, reason = Assignment.Declaration.CONFLICT, "Former employer"
            elif (i + j) % 41 == 0:
                declaration = Assignment.Declaration.PENDING
            assignments.append(
                Assignment(
                    nomination=nomination,
                    member=member,
                    declaration=declaration,
                    conflict_reason=reason,
                    declared_at=None if declaration == "pending" else timezone.now(),
                )
            )
    free = [a for a in assignments if a.declaration == Assignment.Declaration.NO_CONFLICT]
    for k, a in enumerate(free):  # kept as Review.save keeps it: see the reviews below
        a.state = Assignment.state_of(a.declaration, Review.Status.SUBMITTED if k % 6 else None)
    for a in assignments:
        if a.declaration != Assignment.Declaration.NO_CONFLICT:
            a.state = Assignment.state_of(a.declaration, None)
    Assignment.objects.bulk_create(assignments, batch_size=2000)
    reviews = Review.objects.bulk_create(
        (
            Review(
                assignment=a,
                status=Review.Status.SUBMITTED if k % 6 else Review.Status.DRAFT,
                submitted_at=timezone.now() if k % 6 else None,
            )
            for k, a in enumerate(free)
        ),
        batch_size=2000,
    )
    ReviewScore.objects.bulk_create(
        (
            ReviewScore(review=r, criterion=c, score=rng.randint(3, 10))
            for r in reviews
            for c in criteria
        ),
        batch_size=5000,
    )
    Notification.objects.bulk_create(
        (
            Notification(
                recipient=officer,
                kind="event_returned",
                params={
                    "enterprise": "Harbour Logistics Enterprise 1",
                    "event_type": "training",
                    "occurred_on": "2025-03-01",
                    "reason": "Add the case number",
                },
                link="/",
            )
            for _ in range(20_000)
        ),
        batch_size=5000,
    )
    call_command("rebuild_derived")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


PAGES = [
    # (label, user, address)
    ("event list", "bench-officer", "/events/"),
    ("event list page 200", "bench-officer", "/events/?page=200"),
    ("event list search", "bench-officer", "/events/?q=Enterprise+4711"),
    ("event list search title", "bench-officer", "/events/?q=record+99999"),
    ("event list filtered", "bench-officer", "/events/?event_type=training&significance=major"),
    ("verifier's queue", "bench-verifier", "/events/?status=submitted&ordering=submitted_at"),
    ("my open events", "bench-officer", "/events/?mine=on&needs_action=on&ordering=-updated_at"),
    ("notifications", "bench-officer", "/notifications/"),
    ("enterprise detail (17k events)", "bench-officer", "/enterprises/{big}/"),
    ("enterprise list", "bench-officer", "/enterprises/"),
    ("dashboard", "bench-secretariat", "/dashboard/"),
    ("partner home", "bench-partner", "/my-enterprise/"),
    ("report queue", "bench-officer", "/reports/"),
    ("panel home", "bench-panel1", "/awards/panel/"),
    ("nominations", "bench-secretariat", f"/awards/cycles/{YEAR}/nominations/"),
    ("dossier", "bench-secretariat", f"/awards/cycles/{YEAR}/nominations/{{nomination}}/"),
    ("panel progress", "bench-secretariat", f"/awards/cycles/{YEAR}/panel/"),
    ("ranking", "bench-secretariat", f"/awards/cycles/{YEAR}/ranking/"),
    ("decisions", "bench-secretariat", f"/awards/cycles/{YEAR}/decisions/"),
    ("bare base page", "bench-officer", "/notifications/preferences/"),
]


def _plan_shape(node: dict, depth: int = 0) -> list[str]:
    what = node["Node Type"]
    if "Index Name" in node:
        what += f" using {node['Index Name']}"
    elif "Relation Name" in node:
        what += f" on {node['Relation Name']}"
    if node.get("Sort Key"):
        what += f" by {', '.join(node['Sort Key'])}"
    line = f"{'  ' * depth}{what} (rows {node['Actual Rows']}, loops {node['Actual Loops']})"
    return [line] + [
        part for child in node.get("Plans", []) for part in _plan_shape(child, depth + 1)
    ]


def _explained(connection, sql: str) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of one query: its time, its buffers and its plan's shape."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()[0]
    top = plan["Plan"]
    buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    shape = "\n".join("      " + line for line in _plan_shape(top))
    return (
        f"    {plan['Execution Time']:.1f} ms, {buffers} buffers "
        f"({top.get('Shared Read Blocks', 0)} read): {sql[:160]}\n{shape}"
    )


def _measure(repeat: int, only: list[str], explain: int) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.db import connection
    from django.test import Client
    from django.test.utils import (
        CaptureQueriesContext,
        override_settings,
        setup_test_environment,
    )

    from awards.models import Nomination
    from partners.models import Enterprise

    setup_test_environment()
    # No collectstatic here: plain static addresses (the manifest is a deployment's).
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    override_settings(STORAGES={**settings.STORAGES, "staticfiles": plain}).enable()
    values = {
        "big": Enterprise.objects.order_by("pk").values_list("pk", flat=True).first(),
        "nomination": Nomination.objects.filter(cycle__year=YEAR)
        .order_by("pk")
        .values_list("pk", flat=True)
        .first(),
    }
    print(f"{'page':34} {'median ms':>10} {'best ms':>9} {'queries':>8} {'KB':>7}")
    for label, username, address in PAGES:
        if only and label not in only:
            continue
        client = Client()
        client.force_login(User.objects.get(username=username))
        url = address.format(**values)
        response = client.get(url)
        if response.status_code != 200:
            print(f"{label:34} HTTP {response.status_code} for {url}")
            continue
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        queries = list(captured.captured_queries)  # before the next request clears the log
        samples = []
        for _ in range(repeat):
            start = time.perf_counter()
            response = client.get(url)
            samples.append((time.perf_counter() - start) * 1000)
        print(
            f"{label:34} {statistics.median(samples):10.1f} {min(samples):9.1f} "
            f"{len(queries):8d} {len(response.content) / 1024:7.0f}"
        )
        if explain:
            for query in sorted(queries, key=lambda q: -float(q["time"]))[:explain]:
                print(_explained(connection, query["sql"]))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fill", action="store_true")
    parser.add_argument("--populate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database", default=DEFAULT_DATABASE)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--checkout", type=Path, default=ROOT)
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument(
        "--explain", type=int, default=0, help="EXPLAIN the N slowest queries of each page"
    )
    options = parser.parse_args()
    if options.populate:
        return _populate()
    if options.measure:
        return _measure(options.repeat, options.only, options.explain)
    checkout = options.checkout.resolve()
    if options.fill:
        _fill(options.database, checkout, options.events)
    sys.path.insert(0, str(ROOT / "bench"))
    import exports_imports as io

    server = io.SERVER_URL.rstrip("/")
    env = {**io.child_env(checkout), "DATABASE_URL": f"{server}/{options.database}"}
    commit = subprocess.run(
        ["git", "-C", checkout, "log", "-1", "--format=%h %s"], capture_output=True, text=True
    ).stdout.strip()[:100]
    print(f"Code: {checkout} ({commit}); load average {os.getloadavg()[0]:.2f}")
    args = ["--measure", "--repeat", str(options.repeat), "--explain", str(options.explain)]
    if options.only:
        args += ["--only", *options.only]
    subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), *args], cwd=checkout, env=env, check=True
    )


if __name__ == "__main__":
    main()
