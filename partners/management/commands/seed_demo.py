"""Load the demo data: the demo users, seeds/enterprises.csv and seeds/events.csv.

Idempotent: a second run finds everything in place and writes nothing. Enterprises and events
go through the services, so the audit trail and the workflow states are the real thing.
"""

import csv
import time
import zlib
from collections import Counter
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from partners import services
from partners.imports import IMPORT_COLUMNS
from partners.models import CooperationEvent, Enterprise, Membership
from partners.services import ENTERPRISE_FIELDS
from portal.demo import DEMO_PASSWORD, DEMO_USERS

SEEDS_DIR = Path(settings.BASE_DIR) / "seeds"
EVENT_COLUMNS = [*IMPORT_COLUMNS, "status"]
Status = CooperationEvent.Status

RETURN_REASONS = [
    "The seizure value does not match the case file; please check it.",
    "The partner summary names the consignee. Move case details to the restricted notes.",
    "The date differs from the operation log; please confirm it.",
    "Please add the liaison officer's note as evidence before resubmitting.",
    "The significance looks too high for the partner's part; please review it.",
]
WITHDRAWAL_REASONS = [
    "Duplicate of an event already recorded.",
    "Logged against the wrong enterprise.",
    "The operation was called off; there is nothing to record.",
    "On review the enterprise's part was too small to record.",
]


class Command(BaseCommand):
    help = "Load the demo users, enterprises and cooperation events from seeds/ (idempotent)."

    def handle(self, *args, **options):
        started = time.monotonic()
        enterprise_rows = read_csv(SEEDS_DIR / "enterprises.csv", ENTERPRISE_FIELDS)
        event_rows = read_csv(SEEDS_DIR / "events.csv", EVENT_COLUMNS)
        with transaction.atomic():
            users, users_changed = seed_users()
            enterprises, enterprises_changed = seed_enterprises(
                enterprise_rows, user=users["secretariat"]
            )
            memberships_changed = seed_memberships(users, enterprises)
            events_created = seed_events(event_rows, enterprises, users)

        by_status = Counter(CooperationEvent.objects.values_list("status", flat=True))
        self.stdout.write(
            f"Demo users: {len(users)} ({users_changed} created or reset), "
            f"memberships changed: {memberships_changed}\n"
            f"Enterprises: {Enterprise.objects.count()} "
            f"({enterprises_changed} of {len(enterprise_rows)} in seeds created or updated)\n"
            f"Events: {sum(by_status.values())} ({events_created} of {len(event_rows)} "
            "in seeds created)\n"
            "  by status: "
            + ", ".join(f"{status} {by_status[status]}" for status in Status.values)
            + f"\nDone in {time.monotonic() - started:.1f} s."
        )


def read_csv(path: Path, columns: list[str]) -> list[tuple[int, dict[str, str]]]:
    """[(spreadsheet row number, row)]; the header must name exactly `columns`."""
    try:
        with path.open(encoding="utf-8", newline="") as f:
            reader = csv.DictReader(f)
            rows = list(enumerate(reader, start=2))
    except OSError as exc:
        raise CommandError(f"Cannot read {path}: {exc}") from exc
    if set(reader.fieldnames or ()) != set(columns):
        raise CommandError(f"{path}: the header must name the columns {', '.join(columns)}")
    return rows


def seed_users() -> tuple[dict, int]:
    """The demo users with their role, names and the demo password; returns (users, changed)."""
    user_model = get_user_model()
    groups = {group.name: group for group in Group.objects.all()}
    users, changed = {}, 0
    # Password hashing is slow on purpose (a quarter of a second each); the demo users share
    # one hash, so a run hashes or checks the password once rather than once per user.
    good_hashes: set[str] = set()
    for spec in DEMO_USERS:
        wanted = {
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": f"{spec.username}@example.org",
            "is_active": True,
            "is_staff": spec.is_superuser,
            "is_superuser": spec.is_superuser,
        }
        user, created = user_model.objects.get_or_create(username=spec.username, defaults=wanted)
        stale = {name: value for name, value in wanted.items() if getattr(user, name) != value}
        # Someone may have changed a demo password while trying the portal: put it back.
        wrong_password = created or not (
            user.password in good_hashes or user.check_password(DEMO_PASSWORD)
        )
        if wrong_password:
            good_hashes = good_hashes or {make_password(DEMO_PASSWORD)}
            user.password = next(iter(good_hashes))
        good_hashes.add(user.password)
        if stale or wrong_password:
            for name, value in stale.items():
                setattr(user, name, value)
            user.save()
        role_groups = set() if spec.is_superuser else {groups[spec.role]}
        wrong_groups = set(user.groups.all()) != role_groups
        if wrong_groups:
            user.groups.set(role_groups)
        changed += bool(stale or wrong_password or wrong_groups)
        users[spec.username] = user_model.objects.get(pk=user.pk)  # no stale role cache
    return users, changed


def seed_enterprises(rows, *, user) -> tuple[dict[str, Enterprise], int]:
    """Create or update every enterprise of the seed file; returns ({br_number: e}, changed)."""
    existing = Enterprise.objects.in_bulk(field_name="br_number")
    changed = 0
    for number, row in rows:
        fields = {name: row[name].strip() for name in ENTERPRISE_FIELDS}
        enterprise = existing.get(fields["br_number"])
        try:
            if enterprise is None:
                enterprise = services.enterprise_create(user=user, **fields)
                existing[enterprise.br_number] = enterprise
                changed += 1
            else:
                different = {k: v for k, v in fields.items() if getattr(enterprise, k) != v}
                if different:
                    existing[enterprise.br_number] = services.enterprise_update(
                        enterprise=enterprise, user=user, **different
                    )
                    changed += 1
        except ValidationError as exc:
            raise CommandError(f"enterprises.csv row {number}: {exc}") from exc
    return existing, changed


def seed_memberships(users, enterprises) -> int:
    changed = 0
    for spec in DEMO_USERS:
        if not spec.br_number:
            continue
        enterprise = enterprises.get(spec.br_number)
        if enterprise is None:
            raise CommandError(f"{spec.username}: no enterprise with BR number {spec.br_number}")
        membership, created = Membership.objects.get_or_create(
            user=users[spec.username], defaults={"enterprise": enterprise}
        )
        if created:
            changed += 1
        elif membership.enterprise_id != enterprise.pk or not membership.is_active:
            membership.enterprise, membership.is_active = enterprise, True
            membership.save(update_fields=["enterprise", "is_active"])
            changed += 1
    return changed


def seed_events(rows, enterprises, users) -> int:
    """Create the events not yet present (same enterprise, date, type and title) and move
    each through the workflow to the status its row names. Returns how many were created."""
    present = set(
        CooperationEvent.objects.values_list(
            "enterprise__br_number", "occurred_on", "event_type", "title"
        )
    )
    created = 0
    for number, row in rows:
        try:
            fields = event_fields(row, enterprises)
            key = (row["br_number"], fields["occurred_on"], fields["event_type"], fields["title"])
            if key in present:
                continue
            present.add(key)
            checksum = zlib.crc32("|".join(map(str, key)).encode())
            record_event(fields, row["status"], users, checksum=checksum)
        except (ValueError, ArithmeticError, ValidationError, PermissionDenied) as exc:
            raise CommandError(f"events.csv row {number}: {exc}") from exc
        created += 1
    return created


def event_fields(row: dict[str, str], enterprises) -> dict:
    enterprise = enterprises.get(row["br_number"])
    if enterprise is None:
        raise ValueError(f"no enterprise with BR number {row['br_number']}")
    value, cases = row["seizure_value_hkd"].strip(), row["cases"].strip()
    return {
        "enterprise": enterprise,
        "event_type": row["event_type"],
        "occurred_on": date.fromisoformat(row["occurred_on"]),
        "significance": row["significance"],
        "title": row["title"],
        "partner_summary": row["partner_summary"],
        "restricted_details": row["restricted_details"],
        "seizure_value_hkd": Decimal(value) if value else None,
        "cases": int(cases) if cases else None,
    }


def record_event(fields: dict, status: str, users, *, checksum: int) -> CooperationEvent:
    """Log the event as one of the officers, then take it to `status` as staff would.

    `checksum`, stable for the row, picks the officer, the path and the reasons, so the demo
    shows both officers at work, some events verified after a round trip, and withdrawals
    at every stage."""
    if status not in Status.values:
        raise ValueError(f'unknown status "{status}"')
    officer = users["officer2" if checksum % 3 == 0 else "officer"]
    verifier = users["verifier"]
    path = checksum // 3 % 3
    return_reason = RETURN_REASONS[checksum // 9 % len(RETURN_REASONS)]
    withdrawal_reason = WITHDRAWAL_REASONS[checksum // 9 % len(WITHDRAWAL_REASONS)]

    event = services.event_create(user=officer, **fields)
    if status == Status.DRAFT:
        return event
    if status == Status.WITHDRAWN and path == 0:  # withdrawn before it was ever submitted
        return services.event_withdraw(event=event, user=officer, reason=withdrawal_reason)
    event = services.event_submit(event=event, user=officer)
    if status == Status.SUBMITTED:
        return event
    round_trip = status == Status.VERIFIED and checksum // 9 % 8 == 0
    if status == Status.RETURNED or round_trip or (status == Status.WITHDRAWN and path == 1):
        event = services.event_return(event=event, user=verifier, reason=return_reason)
    if status == Status.RETURNED:
        return event
    if status == Status.WITHDRAWN:
        return services.event_withdraw(event=event, user=officer, reason=withdrawal_reason)
    if round_trip:
        event = services.event_submit(event=event, user=officer)
    return services.event_verify(event=event, user=verifier)
