"""Alerts and manifests at volume (issue 15): how many alerts a second the API accepts in
batches of 500, and what matching an alert against 1,000,000 manifest lines costs, with the
plan that shows it is an index lookup (EXPLAIN (ANALYZE, BUFFERS)), never a scan.

    python -m bench --skip pages scoring io          # this part alone, through `make bench`
    python -m bench.alerts --load 1000000            # (child) fill the database by COPY
    python -m bench.alerts --measure --output F.json # (child) the measurements

Its database, eepa_bench_alerts, is the bench's own: migrated, then one manifest of N lines
written by COPY (container numbers with their check digits, a tenth air waybills), reused
while its marker (bench/datasets.py) fits. Each measurement first empties the reports, so
that runs compare; the POSTs go through the whole stack (key, throttle, validation, the
service, matching) with the test client, in a child with production settings."""

import argparse
import json
import os
import random
import statistics
import sys
import time

from bench import datasets
from bench.common import RESULTS, psql, run_child

DATABASE = "eepa_bench_alerts"
LINES = 1_000_000
BATCH = 500
OWNERS = [f"B{letter}XU" for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"]


# The parent's side (python -m bench)


def run(rebuild: bool, batches: int) -> dict:
    parameters = {"generator": "bench/alerts.py", "manifest_lines": LINES}
    if rebuild or not datasets.is_current(DATABASE, parameters):
        print(f"\nAlerts: building {DATABASE} ({LINES:,} manifest lines by COPY)...")
        start = time.perf_counter()
        migrations = datasets.migrations_fingerprint()
        datasets.recreate(DATABASE)
        run_child(["manage.py", "migrate", "--noinput", "-v", "0"], DATABASE)
        run_child(["-m", "bench.alerts", "--load", LINES], DATABASE)
        psql("VACUUM ANALYZE", DATABASE)
        datasets.mark(DATABASE, parameters, migrations)
        print(f"  built in {time.perf_counter() - start:.0f} s")
    else:
        print(f"\nAlerts: reusing {DATABASE}")
    output = RESULTS / "alerts.json"
    run_child(
        ["-m", "bench.alerts", "--measure", "--output", output, "--batches", batches],
        DATABASE,
        API_RATE_LIMIT="1000000",  # the per-key limit is not what is measured here
    )
    return json.loads(output.read_text())


def print_figures(figures: dict) -> None:
    print(
        f"\nAlerts (batches of {figures['batch_size']}, {figures['batches']} batches, "
        f"{figures['manifest_lines']:,} manifest lines)"
    )
    print(
        f"  accepted: {figures['alerts_per_second']:,.0f} alerts/s overall; a batch "
        f"{figures['batch_median_s']:.2f} s median ({figures['batch_min_s']:.2f} to "
        f"{figures['batch_max_s']:.2f} s); {figures['matched_share']:.0%} of the alerts matched"
    )
    print(
        f"  matching one alert ({figures['references_per_alert']} references) against the "
        f"manifests: {figures['match_median_ms']:.2f} ms median, {figures['match_p95_ms']:.2f} ms "
        f"p95 over {figures['match_samples']} alerts; a batch's 1,500 references "
        f"{figures['match_batch_ms']:.1f} ms; index scan only: "
        f"{'yes' if figures['index_only'] else 'NO'}"
    )
    print(
        f"  a new manifest of {figures['new_manifest_lines']:,} lines matched against the "
        f"{figures['reports']:,} reports: {figures['new_manifest_match_s']:.2f} s"
    )
    print("  EXPLAIN (ANALYZE, BUFFERS) of one alert's matching:")
    for line in figures["explain"].splitlines():
        print(f"    {line}")


def markdown(figures: dict) -> list[str]:
    return [
        "",
        f"- alerts accepted through `POST /api/v1/alerts/` in batches of "
        f"{figures['batch_size']}: **{figures['alerts_per_second']:,.0f} alerts/s** "
        f"({figures['batches']} batches, {figures['batch_median_s']:.2f} s a batch median)",
        f"- matching one alert ({figures['references_per_alert']} references) against "
        f"{figures['manifest_lines']:,} manifest lines: {figures['match_median_ms']:.2f} ms "
        f"median, {figures['match_p95_ms']:.2f} ms p95; index scan only: "
        f"{'yes' if figures['index_only'] else 'NO'}",
        "",
        "```",
        figures["explain"],
        "```",
    ]


# The child's side (python -m bench.alerts, with Django set up)


def container(owner: str, serial: int) -> str:
    from partners.shipments import container_check_digit

    first_ten = f"{owner}{serial:06d}"
    return f"{first_ten}{container_check_digit(first_ten)}"


def air_waybill(serial: int) -> str:
    return f"160-{serial:07d}{serial % 7}"


def line_reference(number: int) -> str:
    """The reference of manifest line `number`: every tenth an air waybill."""
    if number % 10 == 9:
        return air_waybill(number)
    return container(OWNERS[number % 26], number // 26)


def load(lines: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from partners.models import Manifest

    started = time.perf_counter()
    with transaction.atomic():
        officer = get_user_model().objects.create_user(username="bench-officer", password=None)
        manifest = Manifest.objects.create(
            file_name="bench-manifest.csv", imported_by=officer, line_count=lines
        )
        goods = ["Cotton T-shirts", "Spare parts for pumps", "Frozen fish", "Mobile phones"]
        with (
            connection.cursor() as cursor,
            cursor.copy(
                "COPY partners_manifestline (manifest_id, row, reference, vessel_or_flight, "
                "voyage, port_of_loading, port_of_discharge, declared_goods, consignee) "
                "FROM STDIN"
            ) as copy,
        ):
            for number in range(lines):
                copy.write_row(
                    (
                        manifest.pk,
                        number + 2,
                        line_reference(number),
                        f"VESSEL {number % 300}",
                        f"{number % 90}E",
                        "CNSHA",
                        "HKHKG",
                        goods[number % len(goods)],
                        f"Consignee {number % 5000}",
                    )
                )
    print(f"  {lines:,} manifest lines written by COPY in {time.perf_counter() - started:.0f} s")


def _partner_key():
    """A key with alerts:write of a bench enterprise, through the real services."""
    from datetime import timedelta

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.utils import timezone

    from partners.models import Enterprise, Membership
    from partners.services.api_keys import enterprise_api_key_create
    from portal.roles import Role

    enterprise, _created = Enterprise.objects.get_or_create(
        br_number="99990001",
        defaults={
            "name_en": "Bench Monitoring Limited",
            "name_zh": "基準監察有限公司",
            "sector": Enterprise._meta.get_field("sector").choices[0][0],
        },
    )
    manager, created = get_user_model().objects.get_or_create(username="bench-manager")
    if created:
        manager.groups.add(Group.objects.get_or_create(name=Role.PARTNER)[0])
        Membership.objects.create(user=manager, enterprise=enterprise, is_manager=True)
    _key, text = enterprise_api_key_create(
        user=manager,
        name=f"Bench {timezone.now():%H%M%S}",
        scopes=["alerts:write"],
        expires_at=timezone.now() + timedelta(days=1),
    )
    return text


def _alert(rng: random.Random, lines: int, number: int) -> dict:
    # Every other alert names a shipment that is on the manifest; each also names one that is
    # not (owner ZZZ is on no line).
    references = [container("ZZZU", rng.randrange(1_000_000))]
    if number % 2 == 0:
        references.append(line_reference(rng.randrange(lines)))
    return {
        "concern": "weight",
        "description": f"Bench alert {number}: weight 12% over the declaration.",
        "containers": [r for r in references if "-" not in r],
        "air_waybills": [r for r in references if "-" in r],
        "vessel_or_flight": "VESSEL 1",
        "voyage": "1E",
        "port": "HKHKG",
    }


def measure(output: str, batches: int) -> None:
    from django.db import connection, transaction
    from django.test import Client

    from partners.models import Manifest, ManifestLine, PartnerReport
    from partners.services import manifests

    with connection.cursor() as cursor:
        # Every run starts from the same state: the manifests, no reports.
        cursor.execute(
            "TRUNCATE partners_partnerreport, partners_alertbatch, partners_reportcounter CASCADE"
        )
    lines = ManifestLine.objects.count()
    rng = random.Random(1)
    client = Client(headers={"Authorization": f"Bearer {_partner_key()}"})

    def post(number: int):
        body = {"alerts": [_alert(rng, lines, number * BATCH + i) for i in range(BATCH)]}
        payload = json.dumps(body)
        started = time.perf_counter()
        response = client.post("/api/v1/alerts/", payload, content_type="application/json")
        elapsed = time.perf_counter() - started
        if response.status_code != 201:
            raise SystemExit(
                f"POST /api/v1/alerts/ answered {response.status_code}: {response.content[:500]!r}"
            )
        return elapsed

    post(0)  # warm-up: imports, first queries
    times = [post(number) for number in range(1, batches + 1)]
    reports = PartnerReport.objects.count()
    matched = PartnerReport.objects.filter(matched_at__isnull=False).count()

    # One alert's matching, as the service runs it: its references, one indexed query.
    samples = []
    for number in range(300):
        references = [line_reference(rng.randrange(lines)) for _ in range(2)] + [
            container("ZZZU", number)
        ]
        started = time.perf_counter()
        list(manifests.lines_matching(references).values_list("pk", "reference"))
        samples.append((time.perf_counter() - started) * 1000)
    samples.sort()
    references = [line_reference(rng.randrange(lines)) for _ in range(2)] + [container("ZZZU", 1)]
    explain = manifests.lines_matching(references).explain(analyze=True, buffers=True)
    batch_references = [line_reference(rng.randrange(lines)) for _ in range(1500)]
    started = time.perf_counter()
    list(manifests.lines_matching(batch_references).values_list("pk", "reference"))
    match_batch_ms = (time.perf_counter() - started) * 1000
    batch_explain = manifests.lines_matching(batch_references).explain(analyze=True, buffers=True)

    # The other way: a new manifest's lines against the reports already received (rolled back).
    new_lines = 10_000
    with transaction.atomic():
        officer = Manifest.objects.first().imported_by
        manifest = Manifest.objects.create(
            file_name="new.csv", imported_by=officer, line_count=new_lines
        )
        ManifestLine.objects.bulk_create(
            (
                ManifestLine(
                    manifest=manifest,
                    row=number + 2,
                    reference=line_reference(rng.randrange(lines)),
                    declared_goods="Shirts",
                )
                for number in range(new_lines)
            ),
            batch_size=2_000,
        )
        started = time.perf_counter()
        manifests.match_lines(manifest)
        new_manifest_match_s = time.perf_counter() - started
        transaction.set_rollback(True)

    figures = {
        "manifest_lines": lines,
        "batch_size": BATCH,
        "batches": batches,
        "batch_seconds": times,
        "batch_median_s": statistics.median(times),
        "batch_min_s": min(times),
        "batch_max_s": max(times),
        "alerts_per_second": BATCH * batches / sum(times),
        "reports": reports,
        "matched_share": matched / reports,
        "references_per_alert": len(references),
        "match_samples": len(samples),
        "match_median_ms": statistics.median(samples),
        "match_p95_ms": samples[int(len(samples) * 0.95)],
        "match_batch_ms": match_batch_ms,
        "explain": explain,
        "explain_batch": batch_explain,
        "index_only": all(
            "Seq Scan on partners_manifestline" not in plan
            and "manifest_line_reference_idx" in plan
            for plan in (explain, batch_explain)
        ),
        "new_manifest_lines": new_lines,
        "new_manifest_match_s": new_manifest_match_s,
        "load_average": os.getloadavg()[0],
    }
    with open(output, "w") as file:
        json.dump(figures, file, indent=1)


def main():
    parser = argparse.ArgumentParser(prog="python -m bench.alerts")
    parser.add_argument("--load", type=int, metavar="LINES")
    parser.add_argument("--measure", action="store_true")
    parser.add_argument("--output")
    parser.add_argument("--batches", type=int, default=10)
    options = parser.parse_args()
    import django

    django.setup()
    if options.load:
        load(options.load)
    if options.measure:
        measure(options.output, options.batches)


if __name__ == "__main__":
    sys.exit(main())
