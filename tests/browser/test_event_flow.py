"""The four-eyes workflow end to end, in headless Chromium (Debian's, see tests/conftest.py)."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from partners.models import CooperationEvent
from portal.models import AuditEntry
from portal.roles import Role
from tests.factories import PASSWORD, EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def people():
    return {
        "officer": UserFactory(username="officer", first_name="Olivia", roles=[Role.OFFICER]),
        "verifier": UserFactory(username="verifier", first_name="Victor", roles=[Role.VERIFIER]),
    }


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def log_out(page, live_server):
    page.locator("#account-menu").click()  # the account's menu holds it
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def test_an_officer_records_an_event_and_a_verifier_verifies_it(page, live_server, people):
    # A Content-Security-Policy violation or a failing script shows up as a console error.
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    enterprise = EnterpriseFactory(
        name_en="Pacific Gateway Terminals Limited",
        name_zh="太平洋門戶碼頭有限公司",
        br_number="31234567",
    )

    # The officer logs the event as a draft, then submits it.
    log_in(page, live_server, "officer")
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="Log an event").first.click()
    expect(page).to_have_url(f"{live_server.url}/events/new/")
    page.locator("#id_enterprise").select_option(label=str(enterprise))
    page.locator("#id_event_type").select_option("controlled_delivery")
    page.locator("#id_occurred_on").fill("2024-03-08")
    page.locator("#id_significance").select_option("major")
    page.locator("#id_title").fill("Controlled delivery of 40 kg of cocaine at Kwai Chung")
    page.locator("#id_partner_summary").fill("Held the container and gave access to the yard.")
    page.locator("#id_restricted_details").fill("Case HKC-2024-0318; two arrests.")
    page.locator("#id_seizure_value_hkd").fill("32000000")
    page.locator("#id_cases").fill("1")
    page.locator("#id_arrests").fill("2")
    page.get_by_role("button", name="Save draft").click()

    event = CooperationEvent.objects.get()
    expect(page).to_have_url(f"{live_server.url}/events/{event.pk}/")
    expect(page.get_by_role("status").first).to_have_text(
        "Draft saved. Submit it when it is ready for verification."
    )
    expect(page.locator("main .status-badge").first).to_have_text("Draft")
    page.get_by_role("button", name="Submit for verification").click()
    expect(page.locator("main .status-badge").first).to_have_text("Submitted")
    expect(page.get_by_role("status").first).to_have_text("Submitted for verification.")
    log_out(page, live_server)

    # The verifier finds it among the events awaiting verification and verifies it.
    log_in(page, live_server, "verifier")
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    page.get_by_role("button", name="Cooperation events").click()  # the events' menu
    page.get_by_role("link", name="Awaiting verification").click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Pacific Gateway Terminals Limited")
    rows.first.get_by_role("link", name="Controlled delivery of 40 kg of cocaine").click()
    expect(page).to_have_url(f"{live_server.url}/events/{event.pk}/")
    # The second step says what verifying will do and takes a comment for the officer.
    page.get_by_role("link", name="Verify…").click()
    expect(page).to_have_url(f"{live_server.url}/events/{event.pk}/verify/")
    expect(page.locator("#what-happens")).to_have_text(
        "Verify “Controlled delivery of 40 kg of cocaine at Kwai Chung”: it will count towards "
        "Pacific Gateway Terminals Limited's score."
    )
    page.get_by_label("Comment for the officer (optional)").fill("Matches the case file.")
    page.get_by_role("button", name="Verify", exact=True).click()

    expect(page).to_have_url(f"{live_server.url}/events/{event.pk}/")
    expect(page.get_by_role("status").first).to_have_text("Event verified.")
    expect(page.locator("#audit-heading + table")).to_contain_text("Matches the case file.")
    expect(page.locator("main .status-badge").first).to_have_text("Verified")
    expect(page.locator("dl")).to_contain_text("Verified by")

    event.refresh_from_db()
    assert (
        event.status,
        event.enterprise,
        event.event_type,
        event.occurred_on,
        event.significance,
        event.title,
        event.seizure_value_hkd,
        event.cases,
        event.arrests,
        event.logged_by,
        event.verified_by,
    ) == (
        CooperationEvent.Status.VERIFIED,
        enterprise,
        CooperationEvent.EventType.CONTROLLED_DELIVERY,
        datetime.date(2024, 3, 8),
        CooperationEvent.Significance.MAJOR,
        "Controlled delivery of 40 kg of cocaine at Kwai Chung",
        Decimal("32000000.00"),
        1,
        2,
        people["officer"],
        people["verifier"],
    )
    assert list(
        # The event's own entries (the security log's share its object ids: users').
        AuditEntry.objects.for_object(event).order_by("pk").values_list("action", "actor__username")
    ) == [
        ("partners.event.created", "officer"),
        ("partners.event.submitted", "officer"),
        ("partners.event.verified", "verifier"),
    ]
    assert console_errors == []
