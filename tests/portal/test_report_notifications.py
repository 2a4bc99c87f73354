"""Reports from partners: every status change tells the report's enterprise's partner users,
once, and never with an officer's note."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from partners.notifications import Kind as PartnerKind
from partners.services import reports
from portal.models import Notification
from tests.partners.report_data import report_of

pytestmark = pytest.mark.django_db

NOTE_MARKER = "INTERNAL-NOTE-MARKER-5c1e"


@pytest.fixture
def report(
    partner_user, colleague, other_partner_user, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_of(partner_user)
    reports.report_note_add(report=report, user=officer, text=f"Informant {NOTE_MARKER}")
    return report


def _told() -> list[tuple[str, str]]:
    return sorted(
        Notification.objects.filter(kind=PartnerKind.REPORT_STATUS_CHANGED).values_list(
            "recipient__username", "params__status"
        )
    )


def _emails() -> list[tuple[str, str]]:
    for message in mail.outbox:
        assert NOTE_MARKER not in message.subject
        assert NOTE_MARKER not in message.body
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def _clear():
    Notification.objects.all().delete()
    mail.outbox.clear()


def test_submitting_tells_the_enterprises_partner_users_it_is_received(report):
    assert _told() == [("partner1", "received"), ("partner1b", "received")]
    number = report.acknowledgement_number
    assert _emails() == [
        ("partner1@example.org", f"[EEPA] Report {number}: received"),
        ("partner1b@example.org", f"[EEPA] Report {number}: received"),
    ]
    notification = Notification.objects.filter(recipient__username="partner1").get()
    assert notification.params == {"number": number, "status": "received"}
    assert notification.link == f"/my-reports/{report.pk}/"
    assert f"http://127.0.0.1:8000/my-reports/{report.pk}/" in mail.outbox[0].body


def test_review_tells_them_it_is_under_review(report, officer, django_capture_on_commit_callbacks):
    _clear()
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_review(report=report, user=officer)

    assert _told() == [("partner1", "under_review"), ("partner1b", "under_review")]
    assert _emails() == [
        ("partner1@example.org", f"[EEPA] Report {report.acknowledgement_number}: under review"),
        ("partner1b@example.org", f"[EEPA] Report {report.acknowledgement_number}: under review"),
    ]


def test_converting_tells_them_it_is_acted_on(report, officer, django_capture_on_commit_callbacks):
    _clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = reports.report_convert(report=report, user=officer)

    assert _told() == [("partner1", "acted_on"), ("partner1b", "acted_on")]
    emails = _emails()
    assert [address for address, _subject in emails] == [
        "partner1@example.org",
        "partner1b@example.org",
    ]
    # Nothing of the draft event the report became: not its title, not its details.
    for message in mail.outbox:
        assert event.title not in message.body
        assert report.description not in message.body


def test_closing_tells_them_it_is_closed_without_the_closing_note(
    report, officer, django_capture_on_commit_callbacks
):
    _clear()
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_close(report=report, user=officer, note=f"Closed: {NOTE_MARKER}")

    assert _told() == [("partner1", "closed"), ("partner1b", "closed")]
    assert len(_emails()) == 2
    params = Notification.objects.values_list("params", flat=True)
    assert all(NOTE_MARKER not in str(p) for p in params)


def test_each_change_tells_each_user_once_across_the_whole_life_of_a_report(
    report, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_review(report=report, user=officer)
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_close(report=report, user=officer, note="Nothing to act on.")

    assert _told() == [
        ("partner1", "closed"),
        ("partner1", "received"),
        ("partner1", "under_review"),
        ("partner1b", "closed"),
        ("partner1b", "received"),
        ("partner1b", "under_review"),
    ]
    assert len(_emails()) == 6


def test_another_enterprises_users_and_staff_are_never_told(
    report, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_review(report=report, user=officer)

    recipients = set(
        Notification.objects.filter(kind=PartnerKind.REPORT_STATUS_CHANGED).values_list(
            "recipient__username", flat=True
        )
    )
    assert recipients == {"partner1", "partner1b"}
    assert "partner2@example.org" not in {m.to[0] for m in mail.outbox}
    assert "officer@example.org" not in {m.to[0] for m in mail.outbox}


def test_an_inactive_colleague_is_not_told(
    partner_user, colleague, django_capture_on_commit_callbacks
):
    colleague.membership.is_active = False
    colleague.membership.save()

    with django_capture_on_commit_callbacks(execute=True):
        report_of(partner_user)

    assert _told() == [("partner1", "received")]
    assert [m.to for m in mail.outbox] == [["partner1@example.org"]]


def test_a_refused_change_tells_nobody(report, officer, django_capture_on_commit_callbacks):
    reports.report_close(report=report, user=officer, note="Done.")
    _clear()

    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        reports.report_review(report=report, user=officer)

    assert _told() == []
    assert mail.outbox == []
