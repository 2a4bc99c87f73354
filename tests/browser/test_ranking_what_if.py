"""The what-if panel of the ranking page in headless Chromium: htmx, loaded from our static files,
swaps the recomputed ranking in place under the Content-Security-Policy (no inline script or
style), and nothing is saved."""

import pytest
from playwright.sync_api import expect

from awards.models import Cycle
from tests.awards.ranking_world import simple_cycle, worked_example
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_secretariat_tries_another_alpha_and_sees_the_ranks_move(page, live_server):
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    UserFactory(username="secretariat", roles=["Secretariat"])
    cycle = simple_cycle()
    worked_example(cycle)  # 1 B, 2 A, 3 C at α 0.6; D pending
    url = f"{live_server.url}/awards/cycles/2024/ranking/"

    page.goto(url)
    form = page.get_by_role("main").locator("form")
    form.get_by_label("Username").fill("secretariat")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(url)
    ranked = page.locator("#ranked-table tbody tr")
    expect(ranked.nth(0)).to_contain_text("Enterprise 10000002 Limited")

    page.get_by_label("Cooperation weight (α)").fill("0.20")
    with page.expect_request("**/ranking/what-if/**") as request:
        page.get_by_role("button", name="Recompute").click()
    assert request.value.headers.get("hx-request") == "true"

    rows = page.locator("#what-if-table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text("Enterprise 10000003 Limited")
    expect(rows.nth(0).locator(".movement")).to_have_text("↑2")
    expect(rows.nth(1).locator(".movement")).to_have_text("=")
    expect(rows.nth(2).locator(".movement")).to_have_text("↓2")
    # Swapped in place: still the ranking page, the official table unchanged.
    expect(page).to_have_url(url)
    expect(ranked.nth(0)).to_contain_text("Enterprise 10000002 Limited")
    # htmx injected no style element (the CSP would refuse it and log an error).
    assert page.locator("head style").count() == 0
    # The swapped form works again.
    page.get_by_label("Cooperation weight (α)").fill("0.60")
    page.get_by_role("button", name="Recompute").click()
    expect(rows.nth(0).locator(".movement")).to_have_text("=")

    assert Cycle.objects.get(pk=cycle.pk).cooperation_weight == cycle.cooperation_weight
    assert console_errors == []
