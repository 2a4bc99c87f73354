"""Reports from partners: references checked, acknowledgement numbers, the rate limit, the
partner's view (never the internal notes), the triage queue and the officers' actions."""

import datetime
import re
import string

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from partners.models import CooperationEvent, PartnerReport, ReportNote
from partners.services import reports
from partners.shipments import parse_references
from portal.models import AuditEntry
from tests.concurrency import run_at_once
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory
from tests.partners.report_data import DESCRIPTION, PDF, pdf, report_of

pytestmark = pytest.mark.django_db

Status = PartnerReport.Status
NOTE_MARKER = "OFFICER-ONLY-7f3a: the consignee is under investigation"
CLOSE_MARKER = "CLOSING-NOTE-91c2: matched a case already open"


# Check digits, computed here from the standards rather than taken from the code under test.


def iso6346_check_digit(first_ten: str) -> int:
    # ISO 6346: A = 10 ... Z = 38, skipping multiples of 11; weights 2**position; mod 11, mod 10.
    values = {}
    value = 10
    for letter in string.ascii_uppercase:
        if value in (11, 22, 33):
            value += 1
        values[letter] = value
        value += 1
    total = sum((values[c] if c.isalpha() else int(c)) * 2**i for i, c in enumerate(first_ten))
    return total % 11 % 10


def container(first_ten: str) -> str:
    return f"{first_ten}{iso6346_check_digit(first_ten)}"


def wrong_container(first_ten: str) -> str:
    return f"{first_ten}{(iso6346_check_digit(first_ten) + 1) % 10}"


def air_waybill(prefix: str, serial: str) -> str:
    return f"{prefix}-{serial}{int(serial) % 7}"


def wrong_air_waybill(prefix: str, serial: str) -> str:
    return f"{prefix}-{serial}{(int(serial) + 1) % 7}"


# Shipment references


def test_the_standards_published_example_container_number_is_accepted():
    assert iso6346_check_digit("CSQU305438") == 3
    assert parse_references("CSQU3054383") == ["CSQU3054383"]


@pytest.mark.parametrize("first_ten", ["MSCU123456", "TGHU000001", "HLXU900210", "ABCZ999999"])
def test_container_numbers_with_a_right_check_digit_are_accepted(first_ten):
    assert parse_references(container(first_ten)) == [container(first_ten)]


@pytest.mark.parametrize("first_ten", ["MSCU123456", "TGHU000001", "ABCJ555555"])
def test_a_container_number_with_a_wrong_check_digit_is_rejected_by_name(first_ten):
    bad = wrong_container(first_ten)
    with pytest.raises(ValidationError) as caught:
        parse_references(bad)
    assert caught.value.messages == [
        f"{bad} is not a valid container number: its check digit (the last digit) is {bad[10]}, "
        f"but for {first_ten} it should be {iso6346_check_digit(first_ten)}."
    ]


@pytest.mark.parametrize(
    ("prefix", "serial"), [("176", "1234567"), ("160", "0000006"), ("618", "9999999")]
)  # noqa: E501
def test_air_waybill_numbers_with_a_right_check_digit_are_accepted(prefix, serial):
    good = air_waybill(prefix, serial)
    assert parse_references(good) == [good]
    # Typed without the hyphen or with spaces, stored the same way.
    assert parse_references(good.replace("-", " ")) == [good]


def test_an_air_waybill_number_with_a_wrong_check_digit_is_rejected_by_name():
    bad = wrong_air_waybill("176", "1234567")
    with pytest.raises(ValidationError) as caught:
        parse_references(bad)
    assert caught.value.messages == [
        f"{bad} is not a valid air waybill number: its check digit is wrong."
    ]


def test_a_container_number_of_the_right_shape_says_its_check_digit_and_what_it_should_be():
    # Issue 14: "ABCD1234567" was "neither ... 4 letters and 7 digits".
    with pytest.raises(ValidationError) as caught:
        parse_references("ABCD1234567")
    assert caught.value.messages == [
        "ABCD1234567 is not a valid container number: its fourth letter (the equipment category) "
        "must be U, J or Z, not D.",
        "ABCD1234567 is not a valid container number: its check digit (the last digit) is 7, "
        "but for ABCD123456 it should be 0.",
    ]
    with pytest.raises(ValidationError) as caught:
        parse_references("abcu 123456-7")
    assert caught.value.messages == [
        "abcu 123456-7 is not a valid container number: its check digit (the last digit) is 7, "
        "but for ABCU123456 it should be 0.",
    ]


def test_a_container_number_with_another_category_letter_but_its_check_digit_right():
    with pytest.raises(ValidationError) as caught:
        parse_references("ABCD1234560")
    assert caught.value.messages == [
        "ABCD1234560 is not a valid container number: its fourth letter (the equipment category) "
        "must be U, J or Z, not D.",
    ]


@pytest.mark.parametrize("text", ["ABC123", "MSC1234567", "1761234567", "17612345675X", "hello"])
def test_anything_else_is_rejected_by_name(text):
    with pytest.raises(ValidationError) as caught:
        parse_references(text)
    assert caught.value.messages == [
        f"{text} is neither a container number (4 letters and 7 digits, ISO 6346) nor an air "
        "waybill number (3-digit airline prefix and 8 digits)."
    ]


def test_references_are_normalised_deduplicated_and_every_bad_one_is_named():
    good_box, good_awb = container("MSCU123456"), air_waybill("176", "1234567")
    assert parse_references(f"{good_box.lower()}\n{good_awb}, {good_box} ;\n\n") == [
        good_box,
        good_awb,
    ]
    with pytest.raises(ValidationError) as caught:
        parse_references(f"{good_box}\nXYZ\n{wrong_container('TGHU000001')}")
    assert len(caught.value.messages) == 2
    assert "XYZ is neither" in caught.value.messages[0]
    assert wrong_container("TGHU000001") in caught.value.messages[1]


# Sending a report


def _post_report(client, **overrides):
    data = {
        "category": "suspicious_shipment",
        "description": DESCRIPTION,
        "shipment_references": f"{container('MSCU123456')}\n{air_waybill('176', '1234567')}",
        **overrides,
    }
    return client.post(reverse("partners:report-submit"), data)


@pytest.mark.smoke
def test_a_partner_sends_a_report_with_an_attachment_and_gets_an_acknowledgement_number(
    client, partner_user
):
    client.force_login(partner_user)

    response = _post_report(client, attachments=[pdf("photos.pdf")])

    report = PartnerReport.objects.get()
    year = timezone.localdate().year
    assert report.acknowledgement_number == f"R-{year}-000001"
    assert response["Location"] == reverse("partners:my-report-detail", args=[report.pk])
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        f"Report received. Its acknowledgement number is R-{year}-000001."
    ]
    assert (report.enterprise, report.submitted_by, report.status) == (
        partner_user.membership.enterprise,
        partner_user,
        Status.RECEIVED,
    )
    assert report.shipment_references == [container("MSCU123456"), air_waybill("176", "1234567")]
    [attachment] = report.attachments.all()
    assert (attachment.original_name, attachment.kind, attachment.size) == (
        "photos.pdf",
        "pdf",
        len(PDF),
    )
    assert attachment.file.read() == PDF
    [entry] = AuditEntry.objects.for_object(report)
    assert (entry.action, entry.actor, entry.changes) == (
        "partners.report.submitted",
        partner_user,
        {"status": ["", "received"]},
    )


def test_acknowledgement_numbers_follow_each_other(partner_user, other_partner_user):
    numbers = [
        report_of(user).acknowledgement_number
        for user in (partner_user, other_partner_user, partner_user)
    ]
    year = timezone.localdate().year
    assert numbers == [f"R-{year}-000001", f"R-{year}-000002", f"R-{year}-000003"]


@pytest.mark.django_db(transaction=True)
def test_reports_sent_at_the_same_moment_get_different_numbers(partner_user, other_partner_user):
    third = MembershipFactory(enterprise=EnterpriseFactory()).user

    outcomes = run_at_once(
        *(lambda u=user: report_of(u) for user in (partner_user, other_partner_user, third))
    )  # noqa: E501

    assert outcomes == ["ok", "ok", "ok"]
    year = timezone.localdate().year
    assert sorted(PartnerReport.objects.values_list("acknowledgement_number", flat=True)) == [
        f"R-{year}-00000{n}" for n in (1, 2, 3)
    ]


def test_a_bad_reference_is_named_on_the_form_and_nothing_is_sent(client, partner_user):
    client.force_login(partner_user)
    bad = wrong_air_waybill("176", "1234567")

    response = _post_report(client, shipment_references=f"{container('MSCU123456')}\n{bad}")

    assert response.status_code == 200
    assert f"{bad} is not a valid air waybill number: its check digit is wrong." in response.text
    assert not PartnerReport.objects.exists()


def test_an_attachment_is_checked_like_evidence(client, partner_user):
    client.force_login(partner_user)
    fake = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00 not a pdf")

    response = _post_report(client, attachments=[fake])

    assert "invoice.pdf is not a PDF, JPEG, PNG, XLSX or DOCX file" in response.text
    assert not PartnerReport.objects.exists()


def test_a_user_without_a_membership_cannot_send_a_report():
    loner = UserFactory(roles=["Partner"])
    with pytest.raises(PermissionDenied):
        report_of(loner)


# The rate limit


def test_an_enterprise_sends_at_most_the_limit_per_hour(client, settings, partner_user, enterprise):
    settings.REPORT_RATE_LIMIT = 2
    colleague = MembershipFactory(enterprise=enterprise).user
    report_of(partner_user)
    report_of(colleague)  # all the enterprise's users together
    client.force_login(partner_user)

    response = _post_report(client)

    assert response.status_code == 429
    assert 3500 <= int(response["Retry-After"]) <= 3601
    assert "Your enterprise has sent the most reports allowed within an hour." in response.text
    assert "about 60 minutes" in response.text
    assert PartnerReport.objects.count() == 2
    # The form keeps what was typed.
    assert DESCRIPTION in response.text


def test_the_limit_counts_the_last_hour_and_each_enterprise_apart(
    settings, partner_user, other_partner_user
):
    settings.REPORT_RATE_LIMIT = 2
    first, second = report_of(partner_user), report_of(partner_user)
    with pytest.raises(reports.RateLimited):
        report_of(partner_user)
    assert report_of(other_partner_user)

    PartnerReport.objects.filter(pk=first.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=61)
    )
    assert report_of(partner_user)
    with pytest.raises(reports.RateLimited) as caught:
        report_of(partner_user)
    # The next place frees up when `second` is an hour old.
    expected = (second.created_at + datetime.timedelta(hours=1) - timezone.now()).total_seconds()
    assert abs(caught.value.retry_after - expected) <= 2


# What the partner sees


@pytest.fixture
def handled_report(partner_user, officer):
    officer.first_name, officer.last_name = "Ho", "Siu-fung"
    officer.save()
    report = report_of(partner_user, attachments=[pdf()])
    reports.report_review(report=report, user=officer)
    reports.report_note_add(report=report, user=officer, text=NOTE_MARKER)
    reports.report_close(report=report, user=officer, note=CLOSE_MARKER)
    return report


def test_partner_pages_never_show_internal_notes_or_who_handled_the_report(
    client, partner_user, handled_report
):
    client.force_login(partner_user)

    pages = [
        client.get(reverse("partners:my-reports")),
        client.get(handled_report.get_partner_url()),
    ]

    for response in pages:
        assert response.status_code == 200
        assert handled_report.acknowledgement_number in response.text
        assert "Closed" in response.text
        for secret in ("OFFICER-ONLY-7f3a", "CLOSING-NOTE-91c2", "Siu-fung", "officer"):
            assert secret not in response.text


def test_officers_see_the_internal_notes_and_who_handled_the_report(
    client, verifier, handled_report
):
    client.force_login(verifier)

    response = client.get(handled_report.get_absolute_url())

    assert NOTE_MARKER in response.text
    assert CLOSE_MARKER in response.text
    assert "Ho Siu-fung" in response.text
    # Verifiers read; only officers act.
    assert reverse("partners:report-note", args=[handled_report.pk]) not in response.text


def test_a_partner_lists_only_its_own_enterprises_reports(client, partner_user, other_partner_user):
    own = report_of(partner_user)
    other = report_of(other_partner_user)
    client.force_login(partner_user)

    response = client.get(reverse("partners:my-reports"))

    assert list(response.context["page"]) == [own]
    assert other.acknowledgement_number not in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_the_partners_list_takes_a_fixed_number_of_queries(
    client, partner_user, count, django_assert_num_queries
):
    for _ in range(count):
        report_of(partner_user)
    client.force_login(partner_user)

    # Session, user, roles, enterprise, count, reports.
    with django_assert_num_queries(6):
        response = client.get(reverse("partners:my-reports"))

    assert len(response.context["page"]) == count


# The triage queue


def _report_at(user, minutes_ago: int, status=Status.RECEIVED, **kw) -> PartnerReport:
    report = report_of(user, **kw)
    PartnerReport.objects.filter(pk=report.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=minutes_ago), status=status
    )
    return report


def test_the_queue_shows_reports_waiting_for_customs_first_oldest_first(
    client, settings, officer, partner_user, other_partner_user
):
    settings.REPORT_RATE_LIMIT = 100
    closed_old = _report_at(partner_user, 500, Status.CLOSED)
    received_new = _report_at(partner_user, 10)
    reviewing_old = _report_at(other_partner_user, 300, Status.UNDER_REVIEW)
    received_old = _report_at(partner_user, 200)
    closed_new = _report_at(other_partner_user, 5, Status.CLOSED)
    client.force_login(officer)

    response = client.get(reverse("partners:report-queue"))

    assert list(response.context["page"]) == [
        reviewing_old,
        received_old,
        received_new,
        closed_old,
        closed_new,
    ]


def test_the_queue_filters_by_status_and_category(client, officer, partner_user):
    shipment = report_of(partner_user)
    incident = report_of(partner_user, category=PartnerReport.Category.SECURITY_INCIDENT)
    reports.report_review(report=incident, user=officer)
    client.force_login(officer)
    queue = reverse("partners:report-queue")

    assert list(client.get(queue, {"status": "under_review"}).context["page"]) == [incident]
    assert list(client.get(queue, {"category": "suspicious_shipment"}).context["page"]) == [
        shipment
    ]
    response = client.get(queue, {"status": "lost"})
    assert list(response.context["page"]) == []
    assert "A filter is not valid, so no report is shown." in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_the_queue_takes_a_fixed_number_of_queries(
    client, officer, partner_user, other_partner_user, count, django_assert_num_queries
):
    for index in range(count):
        report_of(partner_user if index % 2 else other_partner_user)
    client.force_login(officer)

    # Session, user, roles, count, reports with their enterprises.
    with django_assert_num_queries(5):
        response = client.get(reverse("partners:report-queue"))

    assert len(response.context["page"]) == count


# Officers' actions


def _statuses(report):
    return [
        (e.action, e.changes.get("status"))
        for e in AuditEntry.objects.for_object(report).order_by("pk")
    ]


def test_review_then_close_with_a_note(client, officer, partner_user):
    report = report_of(partner_user)
    client.force_login(officer)

    client.post(reverse("partners:report-review", args=[report.pk]))
    client.post(reverse("partners:report-note", args=[report.pk]), {"text": NOTE_MARKER})
    response = client.post(
        reverse("partners:report-close", args=[report.pk]), {"note": "Done.", "confirmed": "1"}
    )

    assert response["Location"] == report.get_absolute_url()
    report.refresh_from_db()
    assert (report.status, report.handled_by, report.event) == (Status.CLOSED, officer, None)
    assert list(ReportNote.objects.filter(report=report).values_list("text", "author")) == [
        (NOTE_MARKER, officer.pk),
        ("Done.", officer.pk),
    ]
    assert _statuses(report) == [
        ("partners.report.submitted", ["", "received"]),
        ("partners.report.under_review", ["received", "under_review"]),
        ("partners.report.note_added", None),
        ("partners.report.closed", ["under_review", "closed"]),
    ]


def test_a_closed_report_cannot_be_reviewed_converted_or_closed_again(officer, handled_report):
    for act in (
        lambda: reports.report_review(report=handled_report, user=officer),
        lambda: reports.report_convert(report=handled_report, user=officer),
        lambda: reports.report_close(report=handled_report, user=officer, note="Again."),
    ):
        with pytest.raises(ValidationError):
            act()
    assert not CooperationEvent.objects.exists()


def test_closing_needs_a_note(client, officer, partner_user):
    report = report_of(partner_user)
    client.force_login(officer)

    response = client.post(reverse("partners:report-close", args=[report.pk]), {"note": " "})

    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Say why the report is closed."
    ]
    report.refresh_from_db()
    assert report.status == Status.RECEIVED


def test_only_officers_act_on_reports(verifier, secretariat, partner_user):
    report = report_of(partner_user)
    for user in (verifier, secretariat, partner_user):
        with pytest.raises(PermissionDenied):
            reports.report_review(report=report, user=user)
        with pytest.raises(PermissionDenied):
            reports.report_convert(report=report, user=user)


@pytest.mark.smoke
def test_an_officer_turns_a_report_into_a_linked_draft_event(client, officer, partner_user):
    report = report_of(
        partner_user,
        category=PartnerReport.Category.CUSTOMS_CRIME,
        attachments=[pdf("photos.pdf")],
        shipment_references=["CSQU3054383", "176-12345675"],
    )
    client.force_login(officer)

    response = client.post(reverse("partners:report-convert", args=[report.pk]), {"confirmed": "1"})

    event = CooperationEvent.objects.get()
    assert response["Location"] == reverse("partners:event-update", args=[event.pk])
    report.refresh_from_db()
    assert (report.status, report.event, report.handled_by) == (Status.ACTED_ON, event, officer)
    assert (event.status, event.enterprise, event.logged_by, event.event_type) == (
        CooperationEvent.Status.DRAFT,
        partner_user.membership.enterprise,
        officer,
        CooperationEvent.EventType.INTELLIGENCE_TIP,
    )
    assert event.occurred_on == timezone.localdate(report.created_at)
    assert event.title == f"Report {report.acknowledgement_number}: Information on a customs crime"
    assert event.partner_summary == ""
    assert event.restricted_details == (
        f"{DESCRIPTION}\n\nShipment references: CSQU3054383, 176-12345675"
    )
    [evidence] = event.evidence_files.all()
    assert (evidence.original_name, evidence.uploaded_by) == ("photos.pdf", officer)
    assert evidence.file.read() == PDF
    # Through the event services: the event's own audit trail, then the report's.
    assert [e.action for e in AuditEntry.objects.for_object(event).order_by("pk")] == [
        "partners.event.created",
        "partners.event.evidence_added",
    ]
    assert _statuses(report)[-1] == ("partners.report.converted", ["received", "acted_on"])


def test_converting_twice_makes_one_event(client, officer, partner_user):
    report = report_of(partner_user)
    client.force_login(officer)
    url = reverse("partners:report-convert", args=[report.pk])

    client.post(url, {"confirmed": "1"})
    response = client.post(url, {"confirmed": "1"})

    assert CooperationEvent.objects.count() == 1
    assert response["Location"] == report.get_absolute_url()
    # (The first attempt's message was never shown: its redirect was not followed.)
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == (
        "This report was already turned into a cooperation event."
    )


@pytest.mark.django_db(transaction=True)
def test_two_officers_converting_at_once_make_one_event(officer, officer2, partner_user):
    report = report_of(partner_user)

    outcomes = run_at_once(
        lambda: reports.report_convert(report=report, user=officer),
        lambda: reports.report_convert(report=report, user=officer2),
    )

    assert sorted(map(str, outcomes)) == [
        "['This report was already turned into a cooperation event.']",
        "ok",
    ]
    assert CooperationEvent.objects.count() == 1
    assert PartnerReport.objects.get(pk=report.pk).event == CooperationEvent.objects.get()


def test_reports_and_notes_are_never_deleted(officer, handled_report):
    with pytest.raises(PermissionError):
        handled_report.delete()
    with pytest.raises(PermissionError):
        PartnerReport.objects.all().delete()
    with pytest.raises(PermissionError):
        ReportNote.objects.all().delete()
    assert re.fullmatch(r"R-\d{4}-\d{6}", handled_report.acknowledgement_number)


def test_the_menu_leads_to_the_reports(
    client, officer, verifier, secretariat, panel_member, partner_user
):
    from django.urls import reverse

    queue = f'href="{reverse("partners:report-queue")}"'
    mine = f'href="{reverse("partners:my-reports")}"'
    for user, sees_queue, sees_mine in (
        (officer, True, False),
        (verifier, True, False),
        (secretariat, True, False),
        (panel_member, False, False),
        (partner_user, False, True),
    ):
        client.force_login(user)
        page = client.get(reverse("password_change")).text
        assert (queue in page, mine in page) == (sees_queue, sees_mine), user.username
