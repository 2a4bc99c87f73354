import csv
from collections import Counter
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import F, Q

from partners.models import CooperationEvent, Enterprise, Membership, Sector
from portal.demo import DEMO_PASSWORD
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db

Status = CooperationEvent.Status
User = get_user_model()

# The demo users the issue asks for, with their role (None: the superuser).
EXPECTED_USERS = {
    "officer": "Officer",
    "officer2": "Officer",
    "verifier": "Verifier",
    "secretariat": "Secretariat",
    "secretariat2": "Secretariat",
    "panel1": "Panel",
    "panel2": "Panel",
    "panel3": "Panel",
    "partner1": "Partner",
    "partner2": "Partner",
    "admin": None,
}


@pytest.fixture(autouse=True)
def _fast_password_hashing():
    """Keep the real hasher: the demo data is seeded once for the whole module with it, and a
    faster preferred hasher would make check_password rewrite the demo users' hashes."""


def seed_rows(name: str) -> list[dict[str, str]]:
    with (settings.BASE_DIR / "seeds" / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module (it takes seconds). Each test runs in a savepoint inside this
    transaction, and everything is rolled back when the module is done."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield seed_demo()
        transaction.set_rollback(True)


@pytest.mark.smoke
def test_it_loads_every_enterprise_and_event_of_the_seed_files(seeded):
    enterprises, events = seed_rows("enterprises.csv"), seed_rows("events.csv")

    assert len(enterprises) >= 40
    assert sorted(Enterprise.objects.values_list("br_number", flat=True)) == sorted(
        row["br_number"] for row in enterprises
    )
    assert set(Enterprise.objects.values_list("sector", flat=True)) == set(Sector.values)
    assert {e.is_intellectual_property for e in Enterprise.objects.all()} == {True, False}

    assert 300 <= len(events) <= 450
    loaded = CooperationEvent.objects.values_list(
        "enterprise__br_number", "occurred_on", "event_type", "title", "significance", "status"
    )
    assert sorted(loaded) == sorted(
        (
            row["br_number"],
            date.fromisoformat(row["occurred_on"]),
            row["event_type"],
            row["title"],
            row["significance"],
            row["status"],
        )
        for row in events
    )


def test_the_demo_events_cover_every_status_and_three_years(seeded):
    statuses = Counter(CooperationEvent.objects.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert min(statuses.values()) >= 3
    assert statuses.most_common(1)[0][0] == Status.VERIFIED
    years = {day.year for day in CooperationEvent.objects.values_list("occurred_on", flat=True)}
    assert years == {2022, 2023, 2024}


def test_every_demo_user_has_their_role_and_the_demo_password(seeded):
    users = User.objects.filter(username__in=EXPECTED_USERS).prefetch_related("groups")
    assert sorted(u.username for u in users) == sorted(EXPECTED_USERS)
    checked = set()  # checking a password is slow on purpose; check each distinct hash once
    for user in users:
        role = EXPECTED_USERS[user.username]
        assert [g.name for g in user.groups.all()] == ([role] if role else []), user.username
        assert user.is_superuser == (role is None), user.username
        assert user.first_name and user.last_name, user.username
        if user.password not in checked:
            assert user.check_password(DEMO_PASSWORD), user.username
            checked.add(user.password)


def test_partner1_and_partner2_belong_to_different_enterprises(seeded):
    first = Membership.objects.get(user__username="partner1")
    second = Membership.objects.get(user__username="partner2")
    assert first.enterprise != second.enterprise
    assert first.is_active and second.is_active
    # partner1 is the cargo terminal operator behind the record HK$1.5 billion seizure.
    assert first.enterprise.sector == Sector.CARGO_TERMINAL
    assert first.enterprise.events.filter(
        status=Status.VERIFIED,
        significance=CooperationEvent.Significance.MAJOR,
        seizure_value_hkd=Decimal("1500000000.00"),
        occurred_on__year=2024,
    ).exists()


def test_every_verified_event_was_verified_by_someone_other_than_its_logger(seeded):
    verified = CooperationEvent.objects.filter(status=Status.VERIFIED)
    assert verified.exists()
    assert not verified.filter(Q(verified_by=None) | Q(verified_by=F("logged_by"))).exists()
    assert set(verified.values_list("verified_by__username", flat=True)) == {"verifier"}
    assert set(CooperationEvent.objects.values_list("logged_by__username", flat=True)) == {
        "officer",
        "officer2",
    }


def test_the_workflow_went_through_the_services_and_left_an_audit_trail(seeded):
    actions = Counter(AuditEntry.objects.values_list("action", flat=True))
    events = CooperationEvent.objects
    assert actions["partners.enterprise.created"] == Enterprise.objects.count()
    assert actions["partners.event.created"] == events.count()
    assert actions["partners.event.verified"] == events.filter(status=Status.VERIFIED).count()
    assert actions["partners.event.withdrawn"] == events.filter(status=Status.WITHDRAWN).count()
    assert not events.filter(status=Status.RETURNED, return_reason="").exists()
    assert not events.filter(status=Status.WITHDRAWN, withdrawal_reason="").exists()
    # Some withdrawn events never left draft; every other non-draft event was submitted.
    assert (
        not events.exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
        .filter(submitted_at=None)
        .exists()
    )


def snapshot() -> dict:
    return {
        "users": list(
            User.objects.order_by("pk").values_list(
                "pk", "username", "password", "first_name", "last_name", "is_superuser"
            )
        ),
        "roles": sorted(User.groups.through.objects.values_list("user_id", "group_id")),
        "memberships": list(
            Membership.objects.order_by("pk").values_list("pk", "user_id", "enterprise_id")
        ),
        "enterprises": list(
            Enterprise.objects.order_by("pk").values_list("pk", "br_number", "updated_at")
        ),
        "events": list(
            CooperationEvent.objects.order_by("pk").values_list("pk", "status", "updated_at")
        ),
        "audit entries": AuditEntry.objects.count(),
    }


def test_running_it_twice_changes_nothing(seeded):
    first = snapshot()

    output = seed_demo()

    assert snapshot() == first
    assert f"0 of {len(seed_rows('events.csv'))} in seeds created" in output


def test_it_puts_back_a_demo_password_changed_during_a_demo(seeded):
    partner = User.objects.get(username="partner1")
    partner.set_password("something-else")
    partner.save()

    seed_demo()

    partner.refresh_from_db()
    assert partner.check_password(DEMO_PASSWORD)
