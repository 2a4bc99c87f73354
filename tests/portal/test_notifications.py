"""Notifications: who is told of what, once, in their language, by email at most once, and
never with an event's restricted details."""

import dataclasses
import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone, translation

from awards import tasks as award_tasks
from awards.models import Assignment, Cycle
from awards.notifications import Kind as AwardKind
from awards.services.certificates import certificate_issue
from awards.services.decisions import cycle_publish
from awards.services.panel import assignments_create, review_save
from partners import tasks as partner_tasks
from partners.models import CooperationEvent
from partners.notifications import Kind as PartnerKind
from partners.services import events as partner_services
from portal import clock, tasks
from portal.models import Notification, UserPreference
from portal.notifications import kinds, services
from tests.awards.certificate_data import awarded_result, certificate_of
from tests.awards.factories import AssignmentFactory, CycleFactory, NominationFactory
from tests.factories import EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

MARKER = "SECRET-MARKER-7f3a"


def _outbox() -> list:
    """The emails sent, after checking that none holds a restricted detail."""
    for message in mail.outbox:
        assert MARKER not in message.subject
        assert MARKER not in message.body
    return mail.outbox


def _sent(kind) -> list[tuple[str, str]]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__username", "kind"))


def _recipients() -> list[str]:
    return sorted(address for message in _outbox() for address in message.to)


@pytest.fixture
def secret_event(enterprise, officer):
    """A submitted event whose staff-only fields carry the marker."""
    return EventFactory(
        enterprise=enterprise,
        logged_by=officer,
        submitted=True,
        event_type=CooperationEvent.EventType.CONTROLLED_DELIVERY,
        occurred_on=datetime.date(2024, 5, 17),
        title=f"Operation {MARKER}",
        restricted_details=f"Informant {MARKER}",
        partner_summary="Helped with a controlled delivery.",
    )


# Events


def test_verifying_tells_the_enterprises_partner_users_once(
    secret_event,
    verifier,
    partner_user,
    colleague,
    other_partner_user,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.event_verify(event=secret_event, user=verifier)

    assert _sent(PartnerKind.EVENT_VERIFIED) == [
        ("partner1", "event_verified"),
        ("partner1b", "event_verified"),
    ]
    assert _recipients() == ["partner1@example.org", "partner1b@example.org"]
    message = mail.outbox[0]
    assert message.subject == "[EEPA] Cooperation event verified"
    assert "Controlled delivery on 17 May 2024 (Routine)" in message.body
    assert "Helped with a controlled delivery." in message.body
    assert "http://127.0.0.1:8000/my-enterprise/" in message.body  # the partner home
    assert message.extra_headers["Content-Language"] == "en"
    # Nothing staff-only: not the title, not who logged or verified it.
    assert "officer" not in message.body and "verifier" not in message.body


def test_an_inactive_membership_is_not_told(
    secret_event, verifier, partner_user, django_capture_on_commit_callbacks
):
    partner_user.membership.is_active = False
    partner_user.membership.save()

    with django_capture_on_commit_callbacks(execute=True):
        partner_services.event_verify(event=secret_event, user=verifier)

    assert _sent(PartnerKind.EVENT_VERIFIED) == []
    assert _outbox() == []


def test_a_chinese_speaking_partner_gets_the_email_in_chinese(
    secret_event, verifier, partner_user, compiled_catalogue, django_capture_on_commit_callbacks
):
    UserPreference.objects.create(user=partner_user, language="zh-hant")
    language = translation.get_language()

    with django_capture_on_commit_callbacks(execute=True):
        partner_services.event_verify(event=secret_event, user=verifier)

    (message,) = _outbox()
    assert message.extra_headers["Content-Language"] == "zh-hant"
    assert "受控交付" in message.body  # "Controlled delivery", from the catalogue
    # The enterprise by its Chinese name, the English one nowhere.
    assert secret_event.enterprise.name_zh in message.body
    assert secret_event.enterprise.name_en not in message.body
    # The request's language is left as it was.
    assert translation.get_language() == language


def test_the_email_is_rendered_in_the_recipients_language(partner_user, monkeypatch):
    seen = []
    notification = Notification.objects.create(
        recipient=partner_user, kind=AwardKind.RESULTS_PUBLISHED, params={"year": 2024}
    )
    monkeypatch.setitem(
        kinds._KINDS,
        AwardKind.RESULTS_PUBLISHED,
        dataclasses.replace(
            kinds._KINDS[AwardKind.RESULTS_PUBLISHED],
            render=lambda p: (seen.append(translation.get_language()), ("t", "b"))[1],
        ),
    )
    services.notification_email(notification, "zh-hant")
    services.notification_email(notification, "en")
    assert seen == ["zh-hant", "en"]


def test_returning_tells_the_officer_with_the_reason(
    secret_event, verifier, officer, partner_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.event_return(
            event=secret_event, user=verifier, reason="The date does not match the case file."
        )

    assert _sent(PartnerKind.EVENT_RETURNED) == [("officer", "event_returned")]
    assert _sent(PartnerKind.EVENT_VERIFIED) == []
    (message,) = _outbox()
    assert message.to == ["officer@example.org"]
    assert message.subject == "[EEPA] Event returned to you"
    assert "Reason: The date does not match the case file." in message.body


def test_an_email_switched_off_is_not_sent_but_the_notification_is_kept(
    secret_event, verifier, partner_user, colleague, django_capture_on_commit_callbacks
):
    UserPreference.objects.create(user=partner_user, emails_off=[PartnerKind.EVENT_VERIFIED])

    with django_capture_on_commit_callbacks(execute=True):
        partner_services.event_verify(event=secret_event, user=verifier)

    assert len(_sent(PartnerKind.EVENT_VERIFIED)) == 2
    assert _recipients() == ["partner1b@example.org"]


def test_other_kinds_still_email_when_one_is_off(
    secret_event, verifier, officer, django_capture_on_commit_callbacks
):
    UserPreference.objects.create(user=officer, emails_off=[PartnerKind.EVENT_VERIFIED])

    with django_capture_on_commit_callbacks(execute=True):
        partner_services.event_return(event=secret_event, user=verifier, reason="Wrong date.")

    assert _recipients() == ["officer@example.org"]


def test_nothing_is_sent_when_the_transaction_rolls_back(
    secret_event, verifier, partner_user, django_capture_on_commit_callbacks
):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        partner_services.event_verify(event=secret_event, user=verifier)
        raise RuntimeError

    assert callbacks == []
    assert Notification.objects.count() == 0
    assert _outbox() == []


# The email task


def test_the_email_task_sends_once_however_often_it_runs(partner_user):
    (notification,) = services.notify(AwardKind.RESULTS_PUBLISHED, [partner_user], {"year": 2024})

    tasks.send_notification_email.delay(notification.pk)
    tasks.send_notification_email.delay(notification.pk)

    assert len(_outbox()) == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_email_task_honours_a_preference_changed_after_queueing(partner_user):
    (notification,) = services.notify(AwardKind.RESULTS_PUBLISHED, [partner_user], {"year": 2024})
    UserPreference.objects.create(user=partner_user, emails_off=[AwardKind.RESULTS_PUBLISHED])

    assert _eager_result(tasks.send_notification_email.delay(notification.pk)) is False
    assert _outbox() == []


def test_the_email_task_retries_a_failing_mail_server(partner_user, settings):
    (notification,) = services.notify(AwardKind.RESULTS_PUBLISHED, [partner_user], {"year": 2024})
    settings.EMAIL_BACKEND = "tests.portal.test_notifications.FlakyBackend"
    FlakyBackend.failures = 2

    tasks.send_notification_email.delay(notification.pk)

    assert FlakyBackend.sent == 1
    notification.refresh_from_db()
    assert notification.emailed_at is not None


def test_the_email_task_ignores_a_deleted_notification():
    assert _eager_result(tasks.send_notification_email.delay(123456)) is False


def _eager_result(result):
    # The task ran in this process (no broker in the tests). Celery's guard against waiting on
    # a task from inside a task is a process-wide flag that a real worker started earlier in
    # the same test process (tests/worker.py) leaves set: this wait is not inside a task.
    return result.get(disable_sync_subtasks=False)


class FlakyBackend:
    """Refuses the first `failures` messages, like a mail server that is briefly down."""

    failures = 0
    sent = 0

    def __init__(self, **kwargs):
        pass

    def send_messages(self, messages):
        if FlakyBackend.failures:
            FlakyBackend.failures -= 1
            raise ConnectionRefusedError("mail server down")
        FlakyBackend.sent += len(messages)
        return len(messages)


@pytest.fixture(autouse=True)
def _reset_flaky_backend():
    FlakyBackend.failures = FlakyBackend.sent = 0


@pytest.fixture(autouse=True)
def _no_backoff(monkeypatch):
    # Eager retries run at once whatever the countdown; keep the jitter out of the way.
    monkeypatch.setattr(tasks, "retry_delay", lambda retries: 0)


# Results and certificates


@pytest.fixture
def finalised(secretariat, partner_user, other_partner_user, colleague):
    """2024 finalised by `secretariat`: partner1's enterprise awarded (its certificate issued
    already), partner2's nominated and not awarded; a third enterprise was withdrawn."""
    cycle = CycleFactory(year=2024, status=Cycle.Status.FINALISED, finalised_by=secretariat)
    result = awarded_result(cycle, partner_user.membership.enterprise, nominated_by=secretariat)
    certificate_of(result, serial="EEPA-2024-0001")
    not_awarded = awarded_result(
        cycle, other_partner_user.membership.enterprise, nominated_by=secretariat, rank=2
    )
    not_awarded.awarded = False
    not_awarded.save()
    withdrawn = MembershipFactory(user=UserFactory(username="withdrawn", roles=["Partner"]))
    NominationFactory(
        cycle=cycle, enterprise=withdrawn.enterprise, nominated_by=secretariat, status="withdrawn"
    )
    return cycle


def test_publishing_tells_every_nominee_and_the_awardees_of_their_certificates(
    finalised, secretariat2, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        cycle_publish(cycle=finalised, user=secretariat2)

    assert _sent(AwardKind.RESULTS_PUBLISHED) == [
        ("partner1", "results_published"),
        ("partner1b", "results_published"),
        ("partner2", "results_published"),
    ]
    assert _sent(AwardKind.CERTIFICATE_ISSUED) == [
        ("partner1", "certificate_issued"),
        ("partner1b", "certificate_issued"),
    ]
    subjects = sorted((m.to[0], m.subject) for m in _outbox())
    assert subjects == [
        ("partner1@example.org", "[EEPA] Award results 2024 published"),
        ("partner1@example.org", "[EEPA] Certificate EEPA-2024-0001 issued"),
        ("partner1b@example.org", "[EEPA] Award results 2024 published"),
        ("partner1b@example.org", "[EEPA] Certificate EEPA-2024-0001 issued"),
        ("partner2@example.org", "[EEPA] Award results 2024 published"),
    ]


def test_a_certificate_issued_before_publication_is_not_announced_yet(
    finalised, secretariat, partner_user, django_capture_on_commit_callbacks
):
    result = awarded_result(
        CycleFactory(year=2023, status=Cycle.Status.FINALISED),
        partner_user.membership.enterprise,
        nominated_by=secretariat,
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issue(result=result, user=secretariat)

    assert _sent(AwardKind.CERTIFICATE_ISSUED) == []
    assert _outbox() == []


def test_a_certificate_issued_after_publication_is_announced_once(
    secretariat, partner_user, colleague, django_capture_on_commit_callbacks
):
    result = awarded_result(
        CycleFactory(year=2023, status=Cycle.Status.PUBLISHED),
        partner_user.membership.enterprise,
        nominated_by=secretariat,
    )
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(result=result, user=secretariat)
        certificate_issue(result=result, user=secretariat)  # already issued: nothing new

    assert _sent(AwardKind.CERTIFICATE_ISSUED) == [
        ("partner1", "certificate_issued"),
        ("partner1b", "certificate_issued"),
    ]
    assert {m.subject for m in _outbox()} == {f"[EEPA] Certificate {certificate.serial} issued"}
    assert len(mail.outbox) == 2


# The panel


@pytest.fixture
def review_cycle(secretariat):
    cycle = CycleFactory(
        year=2025, status=Cycle.Status.REVIEW, scoring_deadline=datetime.date(2099, 12, 31)
    )
    return cycle


@pytest.fixture
def members():
    return [UserFactory(username=f"panel{n}", roles=["Panel"]) for n in (1, 2)]


def test_assigning_tells_each_member_once_with_their_count(
    review_cycle, secretariat, members, django_capture_on_commit_callbacks
):
    for _n in range(3):
        NominationFactory(cycle=review_cycle, nominated_by=secretariat)

    with django_capture_on_commit_callbacks(execute=True):
        assignments_create(cycle=review_cycle, user=secretariat, mode="all")
        assignments_create(cycle=review_cycle, user=secretariat, mode="all")  # nothing new

    assert _sent(AwardKind.PANEL_ASSIGNED) == [
        ("panel1", "panel_assigned"),
        ("panel2", "panel_assigned"),
    ]
    assert [n.params for n in Notification.objects.filter(recipient=members[0])] == [
        {"year": 2025, "count": 3, "deadline": "2099-12-31"}
    ]
    assert _recipients() == ["panel1@example.org", "panel2@example.org"]


def _submit(assignment):
    criteria = assignment.nomination.cycle.criteria.all()
    review_save(
        assignment=assignment,
        user=assignment.member,
        scores={c.pk: 7 for c in criteria},
        submit=True,
    )


def test_the_secretariat_is_told_when_the_last_expected_review_is_in(
    review_cycle, secretariat, secretariat2, members, django_capture_on_commit_callbacks
):
    nominations = [NominationFactory(cycle=review_cycle, nominated_by=secretariat) for _n in "ab"]
    assignments = [
        AssignmentFactory(nomination=nomination, member=member)
        for nomination in nominations
        for member in members
    ]
    # A recused member's review is not expected.
    AssignmentFactory(
        nomination=nominations[0],
        member=UserFactory(username="recused", roles=["Panel"]),
        declaration=Assignment.Declaration.CONFLICT,
        conflict_reason="Former employer",
    )
    with django_capture_on_commit_callbacks(execute=True):
        review_save(
            assignment=assignments[0],
            user=members[0],
            scores={c.pk: 5 for c in review_cycle.criteria.all()},
        )  # a draft
        for assignment in assignments[:-1]:
            _submit(assignment)
        assert _sent(AwardKind.REVIEWS_COMPLETE) == []
        _submit(assignments[-1])

    assert _sent(AwardKind.REVIEWS_COMPLETE) == [
        ("secretariat", "reviews_complete"),
        ("secretariat2", "reviews_complete"),
    ]
    assert Notification.objects.filter(kind=AwardKind.REVIEWS_COMPLETE).first().params == {
        "year": 2025,
        "count": 4,
    }
    assert _recipients() == ["secretariat2@example.org", "secretariat@example.org"]


# Celery beat: once a day


def test_the_verification_digest_goes_once_a_day_to_each_verifier_with_work(
    enterprise, officer, verifier, verifier2, django_capture_on_commit_callbacks
):
    EventFactory(enterprise=enterprise, logged_by=officer, submitted=True)
    EventFactory(enterprise=enterprise, logged_by=officer, submitted=True)
    # verifier2 logged this one, so it does not wait for them.
    EventFactory(enterprise=enterprise, logged_by=verifier2, submitted=True)
    EventFactory(enterprise=enterprise, logged_by=officer)  # a draft waits for nobody

    with django_capture_on_commit_callbacks(execute=True):
        partner_tasks.send_verification_digest.delay()
        partner_tasks.send_verification_digest.delay()

    counts = dict(
        Notification.objects.filter(kind=PartnerKind.VERIFICATION_DIGEST).values_list(
            "recipient__username", "params__count"
        )
    )
    assert counts == {"verifier": 3, "verifier2": 2}
    assert _recipients() == ["verifier2@example.org", "verifier@example.org"]
    assert {m.subject for m in mail.outbox} == {
        "[EEPA] Events awaiting verification: 3",
        "[EEPA] Events awaiting verification: 2",
    }


def test_the_digest_is_sent_again_the_next_day(
    enterprise, officer, verifier, django_capture_on_commit_callbacks, monkeypatch
):
    EventFactory(enterprise=enterprise, logged_by=officer, submitted=True)
    with django_capture_on_commit_callbacks(execute=True):
        partner_tasks.send_verification_digest.delay()
        monkeypatch.setattr(
            "partners.notifications.today",
            lambda: timezone.localdate() + datetime.timedelta(days=1),
        )
        partner_tasks.send_verification_digest.delay()

    assert len(_sent(PartnerKind.VERIFICATION_DIGEST)) == 2
    assert len(_outbox()) == 2


def test_no_digest_without_events_waiting(verifier, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        partner_tasks.send_verification_digest.delay()

    assert _sent(PartnerKind.VERIFICATION_DIGEST) == []


def test_members_with_reviews_to_do_are_reminded_two_days_before_the_deadline_once(
    secretariat, members, django_capture_on_commit_callbacks
):
    deadline = clock.today() + datetime.timedelta(days=2)
    cycle = CycleFactory(year=2025, status=Cycle.Status.REVIEW, scoring_deadline=deadline)
    later = CycleFactory(
        year=2026, status=Cycle.Status.REVIEW, scoring_deadline=deadline + datetime.timedelta(1)
    )
    nominations = [NominationFactory(cycle=cycle, nominated_by=secretariat) for _n in "ab"]
    for nomination in nominations:
        AssignmentFactory(nomination=nomination, member=members[0])
    done = AssignmentFactory(nomination=nominations[0], member=members[1])
    _submit(done)
    AssignmentFactory(
        nomination=NominationFactory(cycle=later, nominated_by=secretariat), member=members[1]
    )

    with django_capture_on_commit_callbacks(execute=True):
        award_tasks.send_scoring_deadline_reminders.delay()
        award_tasks.send_scoring_deadline_reminders.delay()

    assert [n.params for n in Notification.objects.filter(kind=AwardKind.SCORING_DEADLINE)] == [
        {"year": 2025, "deadline": deadline.isoformat(), "remaining": 2}
    ]
    assert _recipients() == ["panel1@example.org"]


def test_the_beat_schedule_runs_both_daily_tasks():
    from portal.celery import app

    assert {entry["task"] for entry in app.conf.beat_schedule.values()} == {
        "partners.tasks.send_verification_digest",
        "awards.tasks.send_scoring_deadline_reminders",
    }


# Rendering


@pytest.mark.parametrize("kind", [kind.code for kind in kinds.registered_kinds()])
def test_every_kind_renders_in_both_languages(kind, partner_user):
    params = {
        "event": 1,
        "enterprise": "Pacific Gateway Terminals Limited",
        "event_type": "training",
        "occurred_on": "2024-05-17",
        "significance": "major",
        "summary": "",
        "reason": "Wrong date.",
        "number": "R-2025-0001",
        "status": "under_review",
        "year": 2025,
        "serial": "EEPA-2025-0001",
        "count": 2,
        "deadline": "2025-10-31",
        "remaining": 1,
        "oldest": "2025-10-01",
        "url": "https://hooks.example.com/eepa",
        "failing_since": "2025-10-02",
        "awarded": 18,
        "finalised_by": "Mei-ling Chan",
        "verifier": "Victor Wong",
        "comment": "Seal numbers checked.",
        "counting": 2,
        "quorum": 3,
        "reachable": 2,
    }
    notification = Notification(recipient=partner_user, kind=kind, params=params)
    for language in ("en", "zh-hant"):
        with translation.override(language):
            title, body = kinds.render(notification)
        assert title and body and "%(" not in title + body


def test_the_menu_shows_the_unread_count_loaded_with_the_user(
    client, partner_user, django_assert_num_queries
):
    from django.urls import reverse

    for n in range(3):
        Notification.objects.create(
            recipient=partner_user, kind=AwardKind.RESULTS_PUBLISHED, key=f"k{n}"
        )
    Notification.objects.filter(key="k0").update(read_at=timezone.now())
    client.force_login(partner_user)
    # Session, the user with the count (no query of its own), the user's roles for the menu.
    with django_assert_num_queries(3):
        page = client.get(reverse("password_change"))
    assert '<span class="badge text-bg-danger">2<span class="visually-hidden"> unread' in (
        page.text
    )
    Notification.objects.update(read_at=timezone.now())
    assert "badge text-bg-danger" not in client.get(reverse("password_change")).text


def test_switching_the_portal_language_switches_the_emails_language(client, partner_user):
    from django.urls import reverse

    client.force_login(partner_user)
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    assert UserPreference.objects.get(user=partner_user).language == "zh-hant"
    client.post(reverse("set_language"), {"language": "xx", "next": "/"})  # not offered
    assert UserPreference.objects.get(user=partner_user).language == "zh-hant"
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert UserPreference.objects.get(user=partner_user).language == "en"
    client.logout()
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    assert UserPreference.objects.count() == 1


@pytest.mark.parametrize(("unread", "shown"), [(99, "99"), (100, "99+"), (130, "99+")])
def test_the_menu_counts_unread_notifications_up_to_a_hundred(client, partner_user, unread, shown):
    from django.urls import reverse

    Notification.objects.bulk_create(
        Notification(recipient=partner_user, kind=AwardKind.RESULTS_PUBLISHED)
        for _ in range(unread)
    )
    client.force_login(partner_user)
    page = client.get(reverse("password_change"))
    assert page.wsgi_request.user.unread_notification_count == min(unread, 100)
    assert f'<span class="badge text-bg-danger">{shown}<span class="visually-hidden"> unread' in (
        page.text
    )
