"""Load the demo data: the demo users, enterprises and events (seeds/records.py), the award
cycles of seeds/data/cycles.json (seeds/cycles.py), the reports from partners (seeds/reports.py)
and the recent activity up to today (seeds/recent.py).

Idempotent: a second run finds everything in place and writes nothing. Runs only with DEBUG on
(seeds.commands.require_debug), and never changes the password of a user that exists.
Enterprises and events go through the services, so the audit trail and the workflow states are
the real thing.
"""

import time
from collections import Counter

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from awards.models import CooperationTally, Cycle
from partners.models import CooperationEvent, Enterprise, PartnerReport
from partners.services.enterprises import ENTERPRISE_FIELDS
from portal.models import Notification
from seeds import DATA_DIR
from seeds.commands import require_debug, require_demo
from seeds.cycles import backdate_seeded_records, seed_award_cycles
from seeds.manifests import seed_manifests
from seeds.recent import seed_recent_events, seed_scoring_deadline
from seeds.records import (
    EVENT_COLUMNS,
    Status,
    event_key,
    read_csv,
    record_event,
    seed_enterprises,
    seed_events,
    seed_memberships,
    seed_second_factors,
    seed_users,
)
from seeds.reports import backdate_seeded_notifications, seed_reports
from seeds.users import emails_discarded


class Command(BaseCommand):
    help = (
        "Load the demo users, enterprises, cooperation events and award cycles from seeds/ "
        "(idempotent)."
    )

    def handle(self, *args, **options):
        require_demo()
        require_debug()
        started = time.monotonic()
        if Cycle.objects.exists() and not CooperationTally.objects.exists():
            # A demo database seeded before the portal kept its scores: count them once.
            call_command("rebuild_derived", stdout=self.stdout)
        # What this run creates is stamped from now on; nothing is back-dated after it.
        run_start = timezone.now()
        enterprise_rows = read_csv(DATA_DIR / "enterprises.csv", ENTERPRISE_FIELDS)
        event_rows = read_csv(DATA_DIR / "events.csv", EVENT_COLUMNS)
        # The emails go out when the transaction commits: discard them until then.
        with emails_discarded(), transaction.atomic():
            users, users_changed = seed_users()
            apps_enrolled = seed_second_factors(users)
            enterprises, enterprises_changed = seed_enterprises(
                enterprise_rows, user=users["secretariat"]
            )
            memberships_changed = seed_memberships(users, enterprises)
            events_created = seed_events(event_rows, enterprises, users)
            # The award cycles (seeds/cycles.py), after giving the seeded records their history.
            backdate_seeded_records(
                [event_key(row) for _, row in event_rows],
                [row["br_number"].strip() for _, row in enterprise_rows],
            )
            cycles_created = seed_award_cycles(users)
            # Reports from partners (seeds/reports.py), then the notifications dated.
            reports_created = seed_reports(users, today=timezone.localdate(run_start))
            # A manifest matching some of them (seeds/manifests.py).
            seed_manifests(users)
            backdate_seeded_notifications(since=run_start)
            # From the demo's present to today (seeds/recent.py), for the dashboards.
            recent_created = seed_recent_events(
                [row for _, row in event_rows], enterprises, users, record_event, until=run_start
            )
            seed_scoring_deadline(users, until=run_start)

        by_status = Counter(CooperationEvent.objects.values_list("status", flat=True))
        self.stdout.write(
            f"Demo users: {len(users)} ({users_changed} created or updated), "
            f"memberships changed: {memberships_changed}, "
            f"authenticator apps enrolled: {apps_enrolled}\n"
            f"Enterprises: {Enterprise.objects.count()} "
            f"({enterprises_changed} of {len(enterprise_rows)} in seeds created or updated)\n"
            f"Events: {sum(by_status.values())} ({events_created} of {len(event_rows)} "
            f"in seeds created, {recent_created} recent ones)\n"
            "  by status: "
            + ", ".join(f"{status} {by_status[status]}" for status in Status.values)
            + f"\nAward cycles: {Cycle.objects.count()} "
            f"({', '.join(map(str, cycles_created)) or 'none'} created)"
            + f"\nReports from partners: {PartnerReport.objects.count()} "
            f"({reports_created} created)" + f"\nNotifications: {Notification.objects.count()}, "
            f"{Notification.objects.filter(read_at=None).count()} unread"
            + f"\nDone in {time.monotonic() - started:.1f} s."
        )
