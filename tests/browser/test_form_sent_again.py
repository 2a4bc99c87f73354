"""A partner sends a report, presses Back and sends the form again, in Chromium: Back fetches
the form anew, with the fields as typed but a new one-time token, and the second sending is
taken to the first report (portal/submissions.py, the content's fingerprint)."""

import pytest
from playwright.sync_api import expect

from partners.models import PartnerReport
from portal.roles import Role
from portal.submissions import ALREADY_SENT
from tests.browser.test_award_flow import log_in
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_report_sent_again_after_going_back_is_received_once(page, live_server):
    MembershipFactory(
        user=UserFactory(username="partner1", roles=[Role.PARTNER]), enterprise=EnterpriseFactory()
    )
    log_in(page, live_server, "partner1")
    page.goto(f"{live_server.url}/my-reports/new/")
    main = page.get_by_role("main")
    main.get_by_label("Category").select_option(label="Suspicious shipment")
    main.get_by_label("Description").fill("Two containers reweighed 4 tonnes heavy at gate 3.")
    token = page.locator("input[name=submission_token]").input_value()
    main.get_by_role("button", name="Send the report").click()
    first = PartnerReport.objects.get()
    expect(main.get_by_role("heading", level=1)).to_have_text(
        f"Report {first.acknowledgement_number}"
    )

    page.go_back()
    # The page shown anew: what was typed, and another token.
    expect(main.get_by_label("Description")).to_have_value(
        "Two containers reweighed 4 tonnes heavy at gate 3."
    )
    assert page.locator("input[name=submission_token]").input_value() != token
    main.get_by_role("button", name="Send the report").click()

    expect(page.get_by_role("status").filter(has_text=str(ALREADY_SENT))).to_be_visible()
    expect(main.get_by_role("heading", level=1)).to_have_text(
        f"Report {first.acknowledgement_number}"
    )
    assert PartnerReport.objects.count() == 1
