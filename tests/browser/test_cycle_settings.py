"""The cycle settings page in headless Chromium: copy last year's, add a criterion with the
formset script, save, open nominations."""

import os
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from awards.models import Cycle
from portal.roles import Role
from tests.awards.factories import CycleFactory
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# Set to a directory to keep screenshots of the pages for a look.
SCREENSHOTS = os.environ.get("CYCLE_SCREENSHOTS")


def snap(page, name):
    if SCREENSHOTS:
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=True)


def test_the_secretariat_copies_last_years_cycle_adds_a_criterion_and_opens_nominations(
    page, live_server
):
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    UserFactory(username="secretariat", first_name="Sam", roles=[Role.SECRETARIAT])
    CycleFactory(year=2024, quorum=4)

    page.goto(f"{live_server.url}/accounts/login/?next=/awards/cycles/")
    page.locator("#id_username").fill("secretariat")
    page.locator("#id_password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Award cycles")).to_be_visible()
    snap(page, "1-list")

    page.get_by_role("link", name="Copy settings from the 2024 cycle").click()
    expect(page.get_by_label("Year")).to_have_value("2025")
    expect(page.get_by_label("Quorum of reviews")).to_have_value("4")
    expect(page.locator("#id_criteria-0-name_en")).to_have_value("Impact on enforcement")
    page.get_by_role("button", name="Add a criterion").click()
    page.locator("#id_criteria-3-name_en").fill("Innovation")
    page.locator("#id_criteria-3-name_zh").fill("創新")
    page.locator("#id_criteria-3-weight").fill("0.5")
    page.locator("#id_criteria-1-DELETE").check()
    snap(page, "2-form")
    page.get_by_role("button", name="Create cycle").click()

    expect(page.get_by_text("Cycle created as a draft.")).to_be_visible()
    cycle = Cycle.objects.get(year=2025)
    assert list(cycle.criteria.values_list("name_en", "weight")) == [
        ("Impact on enforcement", Decimal("2.00")),
        ("Innovation", Decimal("0.50")),
    ]
    snap(page, "3-detail")

    page.get_by_role("link", name="Open nominations…").click()
    snap(page, "4-confirm")
    page.get_by_role("button", name="Open nominations").click()
    expect(page.get_by_text("The cycle is now in the “Nominations” stage.")).to_be_visible()
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.NOMINATIONS
    assert console_errors == []
