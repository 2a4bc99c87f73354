"""The demo's users, enterprises and cooperation events (seeds/data/enterprises.csv,
seeds/data/events.csv), loaded by `seed_demo`.

Idempotent: a second run finds everything in place and writes nothing. Enterprises and events
go through the services, so the audit trail and the workflow states are the real thing; the
reasons a verifier gives for returning or withdrawing an event are chosen to fit it.
"""

import csv
import zlib
from base64 import b32decode
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from partners.models import CooperationEvent, Enterprise, Membership, Sector
from partners.services import enterprises as enterprise_services
from partners.services import events as event_services
from partners.services.enterprises import ENTERPRISE_FIELDS
from portal.two_factor.services import APP_NAME
from seeds.users import DEMO_PASSWORD, DEMO_USERS

# seeds/data/events.csv is the demo's own format, written by seeds/events_table.py and read only by
# the demo; it is not the event import format (partners/services/imports.py, docs/import.md), which
# it does not change. It has the import's columns, then `arrests` (the import takes none) and
# `status`, the workflow state each event is taken to.
EVENT_COLUMNS = [
    "br_number",
    "event_type",
    "occurred_on",
    "significance",
    "title",
    "partner_summary",
    "restricted_details",
    "seizure_value_hkd",
    "cases",
    "arrests",
    "status",
]
Status = CooperationEvent.Status
EventType = CooperationEvent.EventType
Significance = CooperationEvent.Significance
CASE_WORK = {
    EventType.CONTROLLED_DELIVERY,
    EventType.INTELLIGENCE_TIP,
    EventType.DETECTION_ASSISTANCE,
}
# Where a logistics partner's shipment is identified (what a verifier asks for when missing).
SHIPMENT_NUMBER = {
    Sector.CARGO_TERMINAL: "container number",
    Sector.SHIPPING_LINE: "container number",
    Sector.AIR_CARGO: "air waybill number",
    Sector.EXPRESS_COURIER: "air waybill number",
    Sector.FREIGHT_FORWARDER: "container or air waybill number",
    Sector.WAREHOUSING: "container number",
}


def _record(event: dict) -> str:
    """The record an event's facts are checked against."""
    if event["cases"] is not None:
        return "case file"
    return {
        EventType.TRAINING: "attendance sheet",
        EventType.SECURITY_PRACTICE: "audit report",
        EventType.DATA_SHARING: "data-sharing log",
        EventType.FACILITATION: "operating unit's request",
        EventType.DETECTION_ASSISTANCE: "examination record",
    }.get(event["event_type"], "liaison log")


def _evidence(event: dict) -> str:
    if event["cases"] is not None:
        return "case officer's memo"
    return {
        EventType.TRAINING: "attendance sheet",
        EventType.SECURITY_PRACTICE: "audit report",
        EventType.DATA_SHARING: "feed summary for the period",
        EventType.FACILITATION: "operating unit's request",
    }.get(event["event_type"], "liaison officer's note")


def _any_event(event: dict) -> bool:
    return True


def _shipment(event: dict) -> bool:
    return event["event_type"] in CASE_WORK and event["enterprise"].sector in SHIPMENT_NUMBER


def _seizure(event: dict) -> bool:
    return event["seizure_value_hkd"] is not None


def _case_work(event: dict) -> bool:
    return event["event_type"] in CASE_WORK


def _disputable_significance(event: dict) -> bool:
    # Nobody calls a nine-figure seizure too significant.
    return event["significance"] != Significance.ROUTINE and (
        event["seizure_value_hkd"] or 0
    ) < Decimal("100000000")


def _share_of_others_work(event: dict) -> bool:
    # A training or a security measure is the enterprise's own; an event that opened a case
    # was no small part.
    return event["cases"] is None and event["event_type"] not in {
        EventType.TRAINING,
        EventType.SECURITY_PRACTICE,
    }


def _small_part(event: dict) -> bool:
    return event["significance"] == Significance.ROUTINE and _share_of_others_work(event)


def _overrated_part(event: dict) -> bool:
    return _disputable_significance(event) and _share_of_others_work(event)


def _facilitation(event: dict) -> bool:
    return event["event_type"] == EventType.FACILITATION


@dataclass(frozen=True)
class Reason:
    """A reason a verifier returns or an officer withdraws an event, and the events it fits
    (`fits`). The text may name the event's {record}, {evidence} and {shipment_number}.
    `withdrawal`: the officer's answer when the event is withdrawn after this return."""

    text: str
    fits: Callable[[dict], bool] = _any_event
    withdrawal: str = ""

    def format(self, event: dict) -> str:
        return self.text.format(
            record=_record(event),
            evidence=_evidence(event),
            shipment_number=SHIPMENT_NUMBER.get(event["enterprise"].sector, ""),
        )


SIGNIFICANCE_TOO_HIGH = Reason(
    "The significance looks too high for the partner's part; please review it.",
    _disputable_significance,
)
DATE_DIFFERS = Reason("The date does not match the {record}; please confirm it.")
VALUE_DIFFERS = Reason("The seizure value does not match the case file; please check it.", _seizure)
DUPLICATE = Reason("This may duplicate another record of the same event; please check it.")
# Returned, and still waiting for the officer: what the verifier asks for is still missing.
RETURN_REASONS = [
    Reason(
        "The {shipment_number} is missing from the restricted details; please add it so the "
        "shipment can be traced.",
        _shipment,
    ),
    Reason("Please attach the {evidence} as evidence before resubmitting."),
    DATE_DIFFERS,
    VALUE_DIFFERS,
    SIGNIFICANCE_TOO_HIGH,
    DUPLICATE,
]
# Returned, corrected and verified: only reasons whose correction leaves nothing to see.
CORRECTED_RETURN_REASONS = [
    Reason(
        "The partner summary mentions case details; move them to the restricted details.",
        _case_work,
    ),
    Reason(
        "The partner summary does not say what the enterprise's staff did; please describe "
        "their part.",
        _share_of_others_work,
    ),
    DATE_DIFFERS,
    VALUE_DIFFERS,
    SIGNIFICANCE_TOO_HIGH,
]
WRONG_ENTERPRISE = "Logged against the wrong enterprise."
DUPLICATE_WITHDRAWN = "Duplicate of an event already recorded."
PART_TOO_SMALL = "On review the enterprise's part was too small to record."
# Returned, then withdrawn by the officer: the withdrawal answers the return.
RETURN_THEN_WITHDRAWAL = [
    Reason(DUPLICATE.text, withdrawal=DUPLICATE_WITHDRAWN),
    Reason("The {record} names another enterprise; please check.", withdrawal=WRONG_ENTERPRISE),
    Reason(
        "The enterprise's part is not clear from the record; please say what its staff did.",
        _small_part,
        withdrawal=PART_TOO_SMALL,
    ),
    Reason(SIGNIFICANCE_TOO_HIGH.text, _overrated_part, withdrawal=PART_TOO_SMALL),
]
# Withdrawn by the officer before any verifier looked at it.
WITHDRAWAL_REASONS = [
    Reason(DUPLICATE_WITHDRAWN),
    Reason(WRONG_ENTERPRISE),
    Reason(
        "The operation was called off before the arrangement was used; there is nothing to record.",
        _facilitation,
    ),
    Reason(PART_TOO_SMALL, _small_part),
]
# Suspended enterprises' unverified events were withdrawn after the suspension.
SUSPENSION_WITHDRAWAL = (
    "The enterprise was suspended from the partnership before this event was verified."
)


def fitting(reasons: list[Reason], event: dict, rank: int) -> Reason:
    """The `rank`-th (modulo) of the reasons that fit `event` (every list has some that fit
    every event)."""
    fit = [reason for reason in reasons if reason.fits(event)]
    return fit[rank % len(fit)]


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
    """The demo users with their role and names, and the demo password for those created now;
    returns (users, changed)."""
    user_model = get_user_model()
    # The role groups come with a migration; made again if gone (a test's flush removes them).
    groups = {
        spec.role: Group.objects.get_or_create(name=spec.role)[0]
        for spec in DEMO_USERS
        if not spec.is_superuser
    }
    users, changed = {}, 0
    # Password hashing is slow on purpose (a quarter of a second each): the users created share
    # one hash.
    demo_hash = None
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
        # Only a user created now gets the demo password: an existing account keeps its own,
        # whoever set it (an account of that name on a real database must not get a published
        # password).
        if created:
            demo_hash = demo_hash or make_password(DEMO_PASSWORD)
            user.password = demo_hash
        if stale or created:
            for name, value in stale.items():
                setattr(user, name, value)
            user.save()
        role_groups = set() if spec.is_superuser else {groups[spec.role]}
        wrong_groups = set(user.groups.all()) != role_groups
        if wrong_groups:
            user.groups.set(role_groups)
        changed += bool(stale or created or wrong_groups)
        users[spec.username] = user_model.objects.get(pk=user.pk)  # no stale role cache
    return users, changed


def seed_second_factors(users) -> int:
    """Enrol the staff users' authenticator apps with their published keys
    (seeds/users.py DEMO_TOTP_SECRETS); returns how many were (re)enrolled."""
    changed = 0
    for spec in DEMO_USERS:
        if not spec.totp_secret:
            continue
        key = b32decode(spec.totp_secret).hex()
        user = users[spec.username]
        if TOTPDevice.objects.filter(user=user, confirmed=True, key=key).exists():
            continue
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(user=user, name=APP_NAME, key=key, confirmed=True)
        changed += 1
    return changed


def seed_enterprises(rows, *, user) -> tuple[dict[str, Enterprise], int]:
    """Create or update every enterprise of the seed file; returns ({br_number: e}, changed)."""
    existing = Enterprise.objects.in_bulk(field_name="br_number")
    changed = 0
    for number, row in rows:
        fields = {name: row[name].strip() for name in ENTERPRISE_FIELDS}
        enterprise = existing.get(fields["br_number"])
        try:
            if enterprise is None:
                enterprise = enterprise_services.enterprise_create(user=user, **fields)
                existing[enterprise.br_number] = enterprise
                changed += 1
            else:
                different = {k: v for k, v in fields.items() if getattr(enterprise, k) != v}
                if different:
                    existing[enterprise.br_number] = enterprise_services.enterprise_update(
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
        # Each demo partner manages its enterprise's users (it can invite colleagues).
        membership, created = Membership.objects.get_or_create(
            user=users[spec.username], defaults={"enterprise": enterprise, "is_manager": True}
        )
        if created:
            changed += 1
        elif (
            membership.enterprise_id != enterprise.pk
            or not membership.is_active
            or not membership.is_manager
        ):
            membership.enterprise, membership.is_active = enterprise, True
            membership.is_manager = True
            membership.save(update_fields=["enterprise", "is_active", "is_manager"])
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


def event_key(row: dict[str, str]) -> tuple:
    """What tells a seeded event apart: (BR number, date occurred, type, title)."""
    return (
        row["br_number"],
        date.fromisoformat(row["occurred_on"]),
        row["event_type"],
        row["title"],
    )


def event_fields(row: dict[str, str], enterprises) -> dict:
    enterprise = enterprises.get(row["br_number"])
    if enterprise is None:
        raise ValueError(f"no enterprise with BR number {row['br_number']}")
    value, cases, arrests = (
        row[name].strip() for name in ("seizure_value_hkd", "cases", "arrests")
    )
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
        "arrests": int(arrests) if arrests else None,
    }


def record_event(fields: dict, status: str, users, *, checksum: int) -> CooperationEvent:
    """Log the event as one of the officers, then take it to `status` as staff would.

    `checksum`, stable for the row, picks the officer, the path and the reasons, so the demo
    shows both officers at work, some events verified after a round trip, and withdrawals
    at every stage. The reasons fit the event (see the lists above)."""
    if status not in Status.values:
        raise ValueError(f'unknown status "{status}"')
    officer = users["officer2" if checksum % 3 == 0 else "officer"]
    verifier = users["verifier"]
    path = checksum // 3 % 3
    round_trip = status == Status.VERIFIED and checksum // 9 % 8 == 0
    rank = checksum // 72  # the reason, independent of the officer, the path and round_trip
    suspended = fields["enterprise"].status == Enterprise.Status.SUSPENDED
    withdrawal = (
        SUSPENSION_WITHDRAWAL
        if suspended
        else fitting(WITHDRAWAL_REASONS, fields, rank).format(fields)
    )

    event = event_services.event_create(user=officer, **fields)
    if status == Status.DRAFT:
        return event
    if status == Status.WITHDRAWN and path == 0:  # withdrawn before it was ever submitted
        return event_services.event_withdraw(event=event, user=officer, reason=withdrawal)
    event = event_services.event_submit(event=event, user=officer)
    if status == Status.SUBMITTED:
        return event
    if status == Status.WITHDRAWN and path == 1:  # returned, then withdrawn in answer
        returned = fitting(RETURN_REASONS if suspended else RETURN_THEN_WITHDRAWAL, fields, rank)
        event = event_services.event_return(
            event=event, user=verifier, reason=returned.format(fields)
        )
        withdrawal = withdrawal if suspended else returned.withdrawal
    if status == Status.WITHDRAWN:
        return event_services.event_withdraw(event=event, user=officer, reason=withdrawal)
    if status == Status.RETURNED:
        reason = fitting(RETURN_REASONS, fields, rank).format(fields)
        return event_services.event_return(event=event, user=verifier, reason=reason)
    if round_trip:
        reason = fitting(CORRECTED_RETURN_REASONS, fields, rank).format(fields)
        event = event_services.event_return(event=event, user=verifier, reason=reason)
        event = event_services.event_submit(event=event, user=officer)
    return event_services.event_verify(event=event, user=verifier)
