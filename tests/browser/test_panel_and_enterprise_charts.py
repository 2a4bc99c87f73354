"""The charts of the panel home and of the enterprise page are drawn in a real browser (Chart.js
from the project's static files, under the CSP), with no script error, and their points carry
the shapes the data asks for."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from awards.models import Cycle, NominationResult
from tests.awards.factories import CycleFactory, NominationFactory, submitted_review
from tests.awards.ranking_world import nominee, simple_cycle
from tests.browser.test_award_flow import log_in
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _chart(page, selector):
    """What Chart.js drew on the canvas: its type and each dataset's point styles."""
    return page.evaluate(
        """(selector) => {
            const chart = Chart.getChart(document.querySelector(selector));
            return chart && {type: chart.config.type,
                             styles: chart.data.datasets.map((d) => d.pointStyle)};
        }""",
        selector,
    )


def _errors(page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    return errors


def test_the_panel_home_draws_a_chart_per_criterion_of_a_finalised_cycle(page, live_server):
    member = UserFactory(username="panel1", roles=["Panel"])
    colleague = UserFactory(username="panel2", roles=["Panel"])
    cycle = CycleFactory(year=2023, status=Cycle.Status.FINALISED)
    nomination = NominationFactory(cycle=cycle)
    submitted_review(nomination, member, [7, 3])
    submitted_review(nomination, colleague, [9, 3])
    errors = _errors(page)

    log_in(page, live_server, "panel1")
    page.goto(f"{live_server.url}{reverse('awards:panel-home')}")

    criteria = list(cycle.criteria.all())
    for criterion in criteria:
        drawn = _chart(page, f"#distribution-chart-{criterion.pk}")
        assert drawn["type"] == "bar"
    expect(page.locator(".distribution-table").first).to_contain_text("★ your score")
    assert errors == []


def test_the_enterprise_page_draws_cooperation_per_year_and_the_scores_across_cycles(
    page, live_server
):
    secretariat = UserFactory(username="secretariat", roles=["Secretariat"])
    earlier = simple_cycle(2023, status=Cycle.Status.PUBLISHED)
    won = nominee(earlier, "10000001", deliveries=2, occurred_on=datetime.date(2023, 5, 1))
    NominationResult.objects.create(
        nomination=won,
        rank=1,
        verified_events=2,
        cooperation_score=Decimal("20.00"),
        reviews=0,
        awarded=True,
    )
    nominee(simple_cycle(2024), "10000001", deliveries=3)
    errors = _errors(page)

    log_in(page, live_server, secretariat.username)
    page.goto(f"{live_server.url}{won.enterprise.get_absolute_url()}")

    assert _chart(page, "#event-counts-chart")["type"] == "bar"
    assert _chart(page, "#cooperation-scores-chart") == {
        "type": "line",
        "styles": [["star", "circle"]],
    }
    expect(page.locator("#cooperation-scores-table")).to_contain_text("★ Awarded")
    assert errors == []
