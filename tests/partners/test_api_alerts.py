"""`POST /api/v1/alerts/` (issue 15, deliverable 3): what a partner's monitoring system sends,
checked (check digits, ports, times, files by the web's rules), one alert or a batch of up to
500 received whole or not at all with each alert's errors; idempotent retries, also two at
the same moment (PostgreSQL); the per-key rate limit; every role's key and scope; and the
alerts in the officers' triage, turned into a data-sharing event."""

import base64
import json
from datetime import timedelta

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from partners.models import AlertBatch, CooperationEvent, PartnerReport, ReportCounter
from partners.services import reports
from portal.api.scopes import PARTNER_SCOPES, STAFF_SCOPES, Scope
from portal.api.services import api_key_revoke
from portal.models import AuditEntry
from tests import upload_files
from tests.api import api_client, partner_key, staff_key
from tests.api.world import KEYS, build_world
from tests.concurrency import run_at_once
from tests.partners.manifest_data import manifest_of

pytestmark = pytest.mark.django_db

URL = "/api/v1/alerts/"
# Check digits computed by hand (tests/partners/test_reports.py computes them from the standard).
CONTAINER, OTHER_CONTAINER, AWB = "CSQU3054383", "MSCU1234566", "176-12345675"
ALERT = {
    "concern": "seal",
    "description": "Seal number differs from the booking. 封條號碼與訂艙不符。",
    "containers": ["csqu 305438-3"],
    "air_waybills": [],
    "bill_of_lading": "MEDUHK123456",
    "vessel_or_flight": "MSC OSCAR",
    "voyage": "123E",
    "port": "HK HKG",
    "observed_at": "2026-12-01T08:30:00Z",
}


def post(client, body, **headers):
    return client.post(URL, json.dumps(body), content_type="application/json", headers=headers)


def problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    return response.json()


@pytest.fixture
def key(partner_user):
    return partner_key(partner_user)


@pytest.fixture
def client(key):
    return api_client(key[1])


def alerts(n, **fields):
    return [{**ALERT, "description": f"Alert {i}", **fields} for i in range(n)]


# Received


def test_one_alert_lands_in_triage_marked_as_from_the_system(client, key, partner_user):
    response = post(client, ALERT)
    assert response.status_code == 201, response.content
    report = PartnerReport.objects.get()
    year = timezone.localdate().year
    assert response.json() == {
        "alerts": [
            {
                "index": 0,
                "id": report.pk,
                "acknowledgement_number": f"R-{year}-000001",
                "status": "received",
                "received_at": report.created_at.isoformat().replace("+00:00", "Z"),
            }
        ]
    }
    assert (
        report.enterprise,
        report.source,
        report.system_name,
        report.category,
        report.concern,
        report.shipment_references,
        report.bill_of_lading,
        report.vessel_or_flight,
        report.voyage,
        report.port,
        report.observed_at.isoformat(),
    ) == (
        partner_user.membership.enterprise,
        "system",
        str(key[0]),
        "suspicious_shipment",
        "seal",
        [CONTAINER],
        "MEDUHK123456",
        "MSC OSCAR",
        "123E",
        "HKHKG",
        "2026-12-01T08:30:00+00:00",
    )
    assert report.description == ALERT["description"]
    entry = AuditEntry.objects.get(action="partners.report.received_from_system")
    assert (entry.actor, entry.object_id, entry.note) == (
        key[0].principal,
        str(report.pk),
        str(key[0]),
    )


def test_a_batch_of_500_is_received_in_its_order(client):
    response = post(client, {"alerts": alerts(500)})
    assert response.status_code == 201, response.content[:500]
    body = response.json()["alerts"]
    year = timezone.localdate().year
    assert [item["acknowledgement_number"] for item in body] == [
        f"R-{year}-{n:06d}" for n in range(1, 501)
    ]
    assert [item["index"] for item in body] == list(range(500))
    assert list(PartnerReport.objects.order_by("pk").values_list("description", flat=True)) == [
        f"Alert {i}" for i in range(500)
    ]


def test_a_batch_of_501_is_refused(client):
    body = problem(post(client, {"alerts": alerts(501)}), 400)
    assert [(e["field"], e["detail"]) for e in body["errors"]] == [
        ("alerts", "Ensure this field has no more than 500 elements.")
    ]
    assert not PartnerReport.objects.exists()


def test_every_alerts_errors_are_listed_and_nothing_is_received(client):
    report_of_first = post(client, ALERT)  # the counter has moved once already
    assert report_of_first.status_code == 201
    batch = [
        ALERT,
        {**ALERT, "containers": [CONTAINER, "CSQU3054384"], "port": "Hong Kong"},
        {**ALERT, "containers": [], "air_waybills": ["176-12345670"], "bill_of_lading": ""},
        {**ALERT, "observed_at": (timezone.now() + timedelta(hours=2)).isoformat()},
        {**ALERT, "containers": [], "bill_of_lading": ""},
    ]
    body = problem(post(client, {"alerts": batch}), 400)
    assert body["detail"] == (
        "Nothing was received: 4 of the 5 alerts have errors (see errors). Correct them and "
        "send the whole request again."
    )
    assert [(e.get("index"), e["field"], e["detail"]) for e in body["errors"]] == [
        (
            1,
            "alerts.1.containers.1",
            "CSQU3054384 is not a valid container number: its check digit (the last digit) is 4, "
            "but for CSQU305438 it should be 3.",
        ),
        (
            1,
            "alerts.1.port",
            "Hong Kong is not a UN/LOCODE (country code and three letters, e.g. HKHKG).",
        ),
        (
            2,
            "alerts.2.air_waybills.0",
            "176-12345670 is not a valid air waybill number: its check digit is wrong.",
        ),
        (3, "alerts.3.observed_at", "This time is in the future."),
        (
            4,
            "alerts.4",
            "Name the shipment: at least one container, air waybill or bill of lading.",
        ),
    ]
    assert PartnerReport.objects.count() == 1
    assert ReportCounter.objects.get().last_number == 1


def test_a_container_number_in_the_air_waybill_list_is_refused(client):
    body = problem(post(client, {**ALERT, "air_waybills": [CONTAINER]}), 400)
    assert [(e["index"], e["field"], e["detail"]) for e in body["errors"]] == [
        (
            0,
            "alerts.0.air_waybills.0",
            f"{CONTAINER} is not an air waybill number (3-digit airline prefix and 8 digits).",
        )
    ]


def test_errors_are_in_the_language_asked_for(client):
    body = problem(
        post(client, {**ALERT, "containers": ["CSQU3054384"]}, **{"Accept-Language": "zh-hant"}),
        400,
    )
    assert [e["detail"] for e in body["errors"]] == [
        "CSQU3054384 不是有效的貨櫃編號：其校驗碼（最後一位數字）為 4，"
        "但 CSQU305438 的校驗碼應為 3。"
    ]


def test_an_attachment_is_kept_by_the_webs_rules(client):
    pdf = base64.b64encode(upload_files.pdf()).decode()
    response = post(client, {**ALERT, "attachments": [{"name": "photo.pdf", "content": pdf}]})
    assert response.status_code == 201, response.content
    attachment = PartnerReport.objects.get().attachments.get()
    assert (attachment.original_name, attachment.kind, attachment.size) == (
        "photo.pdf",
        "pdf",
        len(upload_files.pdf()),
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            base64.b64encode(b"<html><script>alert(1)</script></html>").decode(),
            "photo.pdf is not a PDF, JPEG, PNG, XLSX or DOCX file (checked by its content).",
        ),
        (
            base64.b64encode(
                upload_files.pdf_with(b"/OpenAction << /S /JavaScript /JS (x) >>")
            ).decode(),
            "photo.pdf is a PDF with active content (JavaScript, a launch action, embedded files, "
            "rich media or an XFA form), which the portal does not accept. Print it to a new PDF "
            "and send that.",
        ),
        ("not base64!", "Not valid base64."),
    ],
)
def test_a_hostile_attachment_is_refused_and_nothing_is_received(client, content, message):
    body = problem(
        post(client, {**ALERT, "attachments": [{"name": "photo.pdf", "content": content}]}), 400
    )
    assert [(e["field"], e["detail"]) for e in body["errors"]] == [
        ("alerts.0.attachments.0.content", message)
    ]
    assert not PartnerReport.objects.exists()


@pytest.mark.parametrize(
    "body",
    [[], {}, "x", {"alerts": []}, {"alerts": [None]}, {**ALERT, "description": "a\ud800b"}],
    ids=["empty-list", "empty-object", "string", "no-alerts", "null-alert", "surrogate"],
)
def test_malformed_requests_are_400_problems(client, body):
    problem(post(client, body), 400)
    assert not PartnerReport.objects.exists()


# Idempotency


def test_a_retry_with_the_same_key_gets_the_first_response(client):
    first = post(client, {"alerts": alerts(3)}, **{"Idempotency-Key": "batch-0001"})
    again = post(client, {"alerts": alerts(3)}, **{"Idempotency-Key": "batch-0001"})
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert PartnerReport.objects.count() == 3
    assert AlertBatch.objects.get().response == first.json()


def test_the_same_key_with_other_content_is_refused(client):
    assert post(client, ALERT, **{"Idempotency-Key": "k1"}).status_code == 201
    body = problem(post(client, {**ALERT, "voyage": "124E"}, **{"Idempotency-Key": "k1"}), 422)
    assert body["code"] == "idempotency_key_reused"
    assert PartnerReport.objects.count() == 1


def test_a_refused_request_keeps_nothing_and_its_corrected_retry_is_received(client):
    bad = {**ALERT, "port": "nowhere"}
    assert post(client, bad, **{"Idempotency-Key": "k2"}).status_code == 400
    assert not AlertBatch.objects.exists()
    assert post(client, ALERT, **{"Idempotency-Key": "k2"}).status_code == 201


def test_keys_do_not_share_idempotency_keys(client, partner_user, other_partner_user):
    other = api_client(partner_key(other_partner_user)[1])
    assert post(client, ALERT, **{"Idempotency-Key": "same"}).status_code == 201
    assert post(other, ALERT, **{"Idempotency-Key": "same"}).status_code == 201
    assert sorted(PartnerReport.objects.values_list("enterprise", flat=True)) == sorted(
        [partner_user.membership.enterprise_id, other_partner_user.membership.enterprise_id]
    )


def test_an_idempotency_key_that_is_not_printable_is_refused(client):
    problem(post(client, ALERT, **{"Idempotency-Key": "a b"}), 400)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_retries_create_the_alerts_once(partner_user):
    _key, text = partner_key(partner_user)
    responses = [None, None]

    def attempt(slot):
        responses[slot] = post(
            api_client(text), {"alerts": alerts(20)}, **{"Idempotency-Key": "race"}
        )

    assert run_at_once(lambda: attempt(0), lambda: attempt(1)) == ["ok", "ok"]
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert sorted(r.get("Idempotent-Replayed", "") for r in responses) == ["", "true"]
    assert PartnerReport.objects.count() == 20
    assert AlertBatch.objects.count() == 1


# The rate limit


@override_settings(API_RATE_LIMIT=2)
def test_the_keys_rate_limit_answers_429_with_retry_after(client):
    assert [post(client, ALERT).status_code for _ in range(2)] == [201, 201]
    response = post(client, ALERT)
    body = problem(response, 429)
    assert 1 <= int(response["Retry-After"]) <= 70  # the window and one slice
    assert body["code"] == "throttled"
    assert PartnerReport.objects.count() == 2


# Who may send


def test_without_a_key_it_is_401():
    problem(post(api_client(), ALERT), 401)


def test_a_key_without_the_scope_is_403(partner_user):
    scopes = [scope for scope in PARTNER_SCOPES if scope != Scope.ALERTS_WRITE]
    body = problem(post(api_client(partner_key(partner_user, scopes)[1]), ALERT), 403)
    assert "alerts:write" in body["detail"]


@pytest.mark.parametrize("scope", PARTNER_SCOPES)
def test_only_the_alerts_scope_sends_alerts(partner_user, scope):
    response = post(api_client(partner_key(partner_user, [scope])[1]), ALERT)
    assert response.status_code == (201 if scope == Scope.ALERTS_WRITE else 403)


@pytest.mark.parametrize("scope", STAFF_SCOPES)
def test_no_staff_scope_sends_alerts(secretariat, scope):
    problem(post(api_client(staff_key(secretariat, [scope])[1]), ALERT), 403)


def test_a_staff_key_cannot_send_alerts(secretariat):
    problem(post(api_client(staff_key(secretariat)[1]), ALERT), 403)


def test_a_revoked_or_expired_key_is_401(partner_user, key):
    api_key_revoke(user=partner_user, key=key[0], manages=True)
    problem(post(api_client(key[1]), ALERT), 401)
    expired = partner_key(partner_user, name="Old")
    type(expired[0]).objects.filter(pk=expired[0].pk).update(expires_at=timezone.now())
    problem(post(api_client(expired[1]), ALERT), 401)
    assert not PartnerReport.objects.exists()


def test_each_key_sends_for_its_own_enterprise_only(client, other_partner_user):
    other = api_client(partner_key(other_partner_user, name="Other")[1])
    mine = post(client, ALERT).json()["alerts"][0]["id"]
    theirs = post(other, ALERT).json()["alerts"][0]["id"]
    assert (
        PartnerReport.objects.get(pk=theirs).enterprise == other_partner_user.membership.enterprise
    )
    assert PartnerReport.objects.get(pk=mine).enterprise != other_partner_user.membership.enterprise


def test_a_get_is_405(client):
    problem(client.get(URL), 405)


def test_a_session_is_not_a_key(partner_user):
    session = Client()
    session.force_login(partner_user)
    problem(post(session, ALERT), 401)


# In triage


def test_officers_turn_an_alert_into_a_data_sharing_event(client, officer):
    post(client, ALERT)
    report = PartnerReport.objects.get()
    event = reports.report_convert(report=report, user=officer)
    assert event.event_type == CooperationEvent.EventType.DATA_SHARING
    assert "Bill of lading: MEDUHK123456" in event.restricted_details
    assert PartnerReport.objects.get().status == "acted_on"


def test_a_matched_alert_says_nothing_of_it_to_the_partner(client, officer):
    manifest_of(officer)  # its line is MSCU1234566
    response = post(client, {**ALERT, "containers": [OTHER_CONTAINER]})
    assert response.status_code == 201
    assert PartnerReport.objects.get().matched_at is not None
    assert set(response.json()["alerts"][0]) == {
        "index",
        "id",
        "acknowledgement_number",
        "status",
        "received_at",
    }
    assert "manifest" not in response.content.decode().lower()


def test_alerts_appear_in_the_triage_queue(client, officer):
    post(client, ALERT)
    browser = Client()
    browser.force_login(officer)
    page = browser.get(reverse("partners:report-queue"), {"source": "system"})
    assert [r.source for r in page.context["page"]] == ["system"]
    assert "Partner&#x27;s system" in page.content.decode()


# The matrix of tests/api/test_access.py, for this POST: every kind of key.

#          none  p1   p2   p1-narrow staff s-narrow revoked expired
SENDS = (401, 201, 201, 403, 403, 403, 401, 401)


def test_every_kind_of_key(officer, verifier2, secretariat, partner_user, other_partner_user):
    world = build_world(
        officer=officer,
        verifier2=verifier2,
        secretariat=secretariat,
        partner_user=partner_user,
        other_partner_user=other_partner_user,
    )
    before = PartnerReport.objects.count()
    actual = tuple(post(api_client(world.texts[key]), ALERT).status_code for key in KEYS)
    assert dict(zip(KEYS, actual, strict=True)) == dict(zip(KEYS, SENDS, strict=True))
    # Each partner key's alert is its own enterprise's.
    sent = PartnerReport.objects.order_by("pk")[before:]
    assert [report.enterprise for report in sent] == [
        partner_user.membership.enterprise,
        other_partner_user.membership.enterprise,
    ]
