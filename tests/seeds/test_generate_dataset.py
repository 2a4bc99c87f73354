"""`generate_dataset` (seeds/dataset.py): the large dataset of the benchmark, run here small."""

import hashlib
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from awards.models import Assignment, Cycle, Nomination, NominationResult, Review, ReviewScore
from partners.models import CooperationEvent, Enterprise, Membership, Sector
from portal.clock import today
from portal.models import AuditEntry
from seeds.dataset import HISTORY_DAYS, Sizes, generate
from seeds.users import DEMO_USERS
from tests.awards.kept import assert_kept_equals_fresh

pytestmark = pytest.mark.django_db

User = get_user_model()
SMALL = Sizes(enterprises=30, events=2_000, nominations=10, seed=7)
Status = CooperationEvent.Status


@pytest.fixture
def generated(settings):
    settings.DEMO_ENABLED = True
    call_command(
        "generate_dataset",
        enterprises=SMALL.enterprises,
        events=SMALL.events,
        nominations=SMALL.nominations,
        seed=SMALL.seed,
        stdout=StringIO(),
    )
    return SMALL


def digest() -> str:
    """The generated records by their natural keys (ids and the moment of the run left out)."""
    rows = [
        sorted(Enterprise.objects.values_list("br_number", "name_en", "sector", "status")),
        sorted(
            CooperationEvent.objects.values_list(
                "enterprise__br_number",
                "occurred_on",
                "event_type",
                "significance",
                "title",
                "status",
                "logged_by__username",
                "verified_by__username",
                "seizure_value_hkd",
                "cases",
                "arrests",
                "return_reason",
                "withdrawal_reason",
            ),
            key=repr,
        ),
        sorted(
            Nomination.objects.values_list(
                "cycle__year", "enterprise__br_number", "status", "awarded"
            )
        ),
        sorted(
            ReviewScore.objects.values_list(
                "review__assignment__nomination__enterprise__br_number",
                "review__assignment__member__username",
                "review__status",
                "criterion__position",
                "score",
            )
        ),
        sorted(
            NominationResult.objects.values_list(
                "nomination__enterprise__br_number", "rank", "final_score", "awarded"
            ),
            key=repr,
        ),
    ]
    return hashlib.sha256(repr(rows).encode()).hexdigest()


def generated_digest(sizes: Sizes) -> str:
    """Generate in a savepoint, take the digest, roll back: the database is empty again."""
    with transaction.atomic():
        generate(sizes, report=lambda line: None)
        result = digest()
        transaction.set_rollback(True)
    return result


def test_the_same_seed_gives_the_same_data_and_another_seed_other_data():
    first = generated_digest(SMALL)
    assert not Enterprise.objects.exists()
    assert generated_digest(SMALL) == first
    assert generated_digest(Sizes(30, 2_000, 10, seed=8)) != first


def test_it_writes_the_sizes_asked_for_in_every_sector(generated):
    assert Enterprise.objects.count() == 30
    assert CooperationEvent.objects.count() == 2_000
    assert set(Enterprise.objects.values_list("sector", flat=True)) == set(Sector.values)


def test_the_events_cover_four_years_every_type_significance_and_status(generated):
    events = CooperationEvent.objects.all()
    assert set(events.values_list("event_type", flat=True)) == set(
        CooperationEvent.EventType.values
    )
    assert set(events.values_list("significance", flat=True)) == set(
        CooperationEvent.Significance.values
    )
    statuses = Counter(events.values_list("status", flat=True))
    assert set(statuses) == set(Status.values)
    assert statuses.most_common(1)[0][0] == Status.VERIFIED
    days = events.values_list("occurred_on", flat=True)
    assert min(days) >= today() - timedelta(days=HISTORY_DAYS)
    assert max(days) <= today()
    assert max(days) - min(days) > timedelta(days=4 * 365 - 30)


def test_each_status_has_the_fields_its_workflow_step_writes(generated):
    events = CooperationEvent.objects.all()
    assert not events.filter(status=Status.VERIFIED, verified_by=None).exists()
    assert not events.filter(status=Status.VERIFIED, verified_at=None).exists()
    assert not events.filter(status=Status.VERIFIED, submitted_at=None).exists()
    assert not events.filter(status=Status.SUBMITTED, submitted_at=None).exists()
    assert not events.filter(status=Status.RETURNED, return_reason="").exists()
    assert not events.filter(status=Status.WITHDRAWN, withdrawal_reason="").exists()
    assert not events.filter(status=Status.DRAFT, submitted_at__isnull=False).exists()
    assert not events.exclude(status=Status.WITHDRAWN).exclude(withdrawal_reason="").exists()
    # A verified event withdrawn keeps who verified it; the secretariat withdrew it.
    assert events.filter(status=Status.WITHDRAWN, verified_by__isnull=False).exists()
    for event in events.filter(status=Status.VERIFIED)[:50]:
        assert event.submitted_at <= event.verified_at
        assert event.created_at <= event.submitted_at


def test_four_eyes_nobody_verified_an_event_they_logged(generated):
    verified = CooperationEvent.objects.exclude(verified_by=None)
    assert verified.exists()
    assert all(
        logger != verifier for logger, verifier in verified.values_list("logged_by", "verified_by")
    )
    assert set(CooperationEvent.objects.values_list("logged_by__username", flat=True)) == {
        "officer",
        "officer2",
    }


def test_every_step_of_an_event_has_its_audit_entry(generated):
    event = CooperationEvent.objects.filter(status=Status.VERIFIED).first()
    actions = list(
        AuditEntry.objects.for_object(event)
        .order_by("created_at", "pk")
        .values_list("action", "actor__username")
    )
    assert actions == [
        ("partners.event.created", event.logged_by.username),
        ("partners.event.submitted", event.logged_by.username),
        ("partners.event.verified", "verifier"),
    ]
    assert AuditEntry.objects.filter(action="partners.event.created").count() == 2_000
    assert AuditEntry.objects.filter(action="partners.enterprise.created").count() == 30


def test_the_demo_users_have_their_roles_and_two_partners_two_enterprises(generated):
    users = {u.username: u for u in User.objects.prefetch_related("groups")}
    for spec in DEMO_USERS:
        user = users[spec.username]
        assert [g.name for g in user.groups.all()] == ([] if spec.is_superuser else [spec.role])
        assert user.is_superuser == spec.is_superuser
    first = Membership.objects.get(user__username="partner1")
    second = Membership.objects.get(user__username="partner2")
    assert first.is_manager and second.is_manager
    assert first.enterprise != second.enterprise


def test_last_years_cycle_is_published_and_this_years_in_review(generated):
    year = today().year
    previous, current = Cycle.objects.get(year=year - 1), Cycle.objects.get(year=year)
    assert previous.status == Cycle.Status.PUBLISHED
    assert previous.finalised_by.username == "secretariat"
    assert previous.published_by.username == "secretariat2"
    results = NominationResult.objects.filter(nomination__cycle=previous)
    assert results.count() == 10
    assert results.filter(awarded=True).count() == previous.awards_planned
    assert current.status == Cycle.Status.REVIEW
    assert Nomination.objects.filter(cycle=current).active().count() == 10
    assert Nomination.objects.filter(cycle=current, status="withdrawn").exists()
    partners = Membership.objects.values_list("enterprise", flat=True)
    assert set(partners) <= set(
        Nomination.objects.filter(cycle=current).active().values_list("enterprise", flat=True)
    )


def test_every_panel_member_is_assigned_every_nominee_and_most_reviews_are_in(generated):
    current = Cycle.objects.get(year=today().year)
    assignments = Assignment.objects.filter(nomination__cycle=current)
    assert assignments.count() == 3 * 10
    assert set(assignments.values_list("member__username", flat=True)) == {
        "panel1",
        "panel2",
        "panel3",
    }
    submitted = Review.objects.filter(
        assignment__nomination__cycle=current, status=Review.Status.SUBMITTED
    ).count()
    assert 0.6 * 30 <= submitted < 30
    previous = Cycle.objects.get(year=today().year - 1)
    assert (
        not Assignment.objects.filter(nomination__cycle=previous, review=None)
        .exclude(declaration="conflict")
        .exists()
    )


def test_a_few_conflicts_are_declared_at_a_larger_size(settings):
    generate(Sizes(60, 500, 60, seed=3), report=lambda line: None)
    conflicts = Assignment.objects.filter(declaration="conflict")
    assert conflicts.exists()
    assert not conflicts.exclude(review=None).exists()
    assert conflicts.count() < Assignment.objects.count() * 0.05


def test_the_kept_numbers_equal_a_fresh_computation(generated):
    assert_kept_equals_fresh()


def main_pages(year: int) -> dict[str, list[str]]:
    """Each demo user's main pages on the generated data."""
    current = Nomination.objects.filter(cycle__year=year).active().order_by("pk").first()
    previous = Nomination.objects.filter(cycle__year=year - 1).order_by("pk").first()
    partner1 = Membership.objects.get(user__username="partner1").enterprise
    partner2 = Membership.objects.get(user__username="partner2").enterprise
    staff = [
        reverse("dashboard"),
        reverse("partners:event-list"),
        reverse("partners:event-list") + "?status=submitted&ordering=submitted_at",
        reverse("partners:event-list") + "?q=tip-off",
        reverse("enterprise-detail", args=[partner1.pk]),
        reverse("notification-list"),
    ]
    secretariat = [
        *staff,
        reverse("awards:cycle-detail", args=[year]),
        reverse("awards:nomination-list", args=[year]),
        reverse("awards:ranking-detail", args=[year]),
        reverse("awards:decision-list", args=[year]),
        reverse("awards:dossier", args=[year, current.pk]),
        reverse("awards:ranking-detail", args=[year - 1]),
        reverse("awards:dossier", args=[year - 1, previous.pk]),
    ]
    panel = [
        reverse("awards:panel-home"),
        reverse("awards:panel-nominee", args=[year, current.pk]),
        reverse("notification-list"),
    ]

    def partner(enterprise):
        return [
            reverse("my-enterprise"),
            reverse("enterprise-detail", args=[enterprise.pk]),
            reverse("notification-list"),
        ]

    return {
        "officer": staff,
        "officer2": staff,
        "verifier": staff,
        "secretariat": secretariat,
        "secretariat2": secretariat,
        "panel1": panel,
        "panel2": panel,
        "panel3": panel,
        "partner1": partner(partner1),
        "partner2": partner(partner2),
        "admin": secretariat,
    }


def test_every_main_page_answers_for_each_demo_user(generated, client):
    year = today().year
    for username, urls in main_pages(year).items():
        client.force_login(User.objects.get(username=username))
        home = client.get("/")
        assert home.status_code in (200, 302), username
        if home.status_code == 302:
            assert client.get(home.url).status_code == 200, (username, home.url)
        for url in urls:
            assert client.get(url).status_code == 200, (username, url)


def test_it_refuses_a_database_that_is_not_empty(generated, settings):
    with pytest.raises(CommandError, match="not empty"):
        call_command("generate_dataset", enterprises=30, events=10, nominations=10)


def test_it_refuses_sizes_it_cannot_honour(settings):
    settings.DEMO_ENABLED = True
    with pytest.raises(CommandError, match="at most the number of enterprises"):
        call_command("generate_dataset", enterprises=5, events=10, nominations=10)


def test_it_is_a_demo_command_absent_without_debug_or_demo(settings):
    from tests.seeds.test_demo_only import manage

    result = manage("generate_dataset", "--enterprises", "3", "--events", "1", "--nominations", "2")
    assert result.returncode == 1
    assert "Unknown command: 'generate_dataset'" in result.stderr
    settings.DEMO_ENABLED = False
    with pytest.raises(CommandError, match="only with DEBUG=true or DEMO=true"):
        call_command("generate_dataset", enterprises=3, events=1, nominations=2)
