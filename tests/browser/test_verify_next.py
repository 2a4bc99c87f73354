"""Verifying with the keyboard alone, from the second step to the next event of the queue, with
the evidence's preview drawn in the page (issue 14, item 7)."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from partners.models import CooperationEvent
from partners.services import events as services
from portal.models import AuditEntry
from portal.roles import Role
from tests import upload_files
from tests.browser.test_event_flow import log_in
from tests.factories import EnterpriseFactory, EventFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_verifier_verifies_and_goes_to_the_next_with_the_keyboard(page, live_server):
    officer = UserFactory(username="officer", first_name="Olivia", roles=[Role.OFFICER])
    UserFactory(username="verifier", first_name="Victor", roles=[Role.VERIFIER])
    enterprise = EnterpriseFactory(name_en="Pacific Gateway Terminals Limited")
    start = timezone.now() - datetime.timedelta(days=3)
    first, second = (
        EventFactory(
            enterprise=enterprise,
            logged_by=officer,
            submitted=True,
            submitted_at=start + datetime.timedelta(hours=n),
        )
        for n in (1, 2)
    )
    services.evidence_attach(
        event=first,
        user=officer,
        upload=SimpleUploadedFile("statement.pdf", upload_files.pdf()),
    )

    log_in(page, live_server, "verifier")
    page.goto(f"{live_server.url}/events/{first.pk}/verify/")
    # The evidence's first page, drawn by the portal, shows in the page (CSP and all).
    preview = page.get_by_role("img", name="First page of statement.pdf")
    expect(preview).to_be_visible()
    expect(preview).to_have_js_property("naturalWidth", 400)  # a 200-point page, drawn at 2×

    comment = page.get_by_role("textbox", name="Comment for the officer (optional)")
    expect(comment).to_have_accessible_description(
        "Kept in the event's audit trail and sent to Olivia, who logged it."
    )
    comment.focus()
    page.keyboard.type("Seal numbers checked.")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Verify", exact=True)).to_be_focused()
    page.keyboard.press("Tab")
    next_button = page.get_by_role("button", name="Verify and go to the next")
    expect(next_button).to_be_focused()
    expect(next_button).to_have_accessible_description("1 other event awaits your verification.")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/events/{second.pk}/")
    expect(page.get_by_role("status").first).to_have_text(
        "Event verified. This is the next in your queue."
    )
    first.refresh_from_db()
    assert first.status == CooperationEvent.Status.VERIFIED
    assert AuditEntry.objects.get(action="partners.event.verified").note == "Seal numbers checked."
