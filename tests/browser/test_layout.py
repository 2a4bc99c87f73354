"""Layout in headless Chromium (issue 14, items 11 and 12): no page wider than a phone's screen
(390 px) among every partner page and the main staff pages, in English and in Chinese; the
partner's chart readable on a phone; at 1366 px the staff menu on one line and the ranking's
key columns in view without scrolling. One browser; one logged-in context per role, reused for
both languages (the language is the cookie's)."""

import datetime
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from partners.models import CooperationEvent
from tests.awards.factories import verified_events
from tests.browser.test_accessibility import main_pages, world  # noqa: F401 (the fixture)
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
LANGUAGES = ["en", "zh-hant"]
STAFF = ["officer", "verifier", "secretariat", "panel1"]


@pytest.fixture
def layout_world(world):  # noqa: F811 (the fixture imported above)
    """The accessibility world, with verified cooperation of every type for its partner's
    enterprise (seven series in its chart, seven per-type columns in the ranking)."""
    enterprise = world["enterprise"]
    officer = CooperationEvent.objects.filter(enterprise=enterprise).first().logged_by
    verifier = CooperationEvent.objects.filter(verified_by__isnull=False).first().verified_by
    verified_events(
        enterprise,
        verifier,
        officer,
        *[
            (event_type, "notable", datetime.date(year, 5, 1 + index))
            for index, event_type in enumerate(CooperationEvent.EventType.values)
            for year in (2023, 2024, 2025)
        ],
    )
    return world


@contextmanager
def signed_in(browser, browser_context_args, live_server, username, viewport):
    """A page of a new context, signed in as `username` (None: anonymous)."""
    context = browser.new_context(**{**browser_context_args, "viewport": viewport})
    page = context.new_page()
    try:
        if username:
            page.goto(f"{live_server.url}{reverse('login')}")
            form = page.locator("main form")
            form.locator("[name=username]").fill(username)
            form.locator("[name=password]").fill(PASSWORD)
            form.locator("[type=submit]").click()
            expect(page).not_to_have_url(f"{live_server.url}{reverse('login')}")
        yield page
    finally:
        context.close()


def in_language(page, live_server, language):
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def partner_pages(data) -> list[str]:
    """Every page a partner user opens (a manager: partner1)."""
    return [
        reverse("my-enterprise"),
        reverse("partners:my-reports"),
        reverse("partners:report-submit"),
        data["report"].get_partner_url(),
        reverse("awards:my-certificates"),
        reverse("partners:colleagues"),
        reverse("partners:colleague-invite"),
        reverse("notification-list"),
        reverse("notification-preferences"),
        reverse("two-factor"),
        reverse("password_change"),
    ]


def staff_pages(data) -> dict[str, list[str]]:
    pages = main_pages(data)
    pages["panel1"] = [*pages["panel1"], reverse("awards:panel-home")]
    pages["officer"] = [*pages["officer"], data["events"]["submitted"].get_absolute_url()]
    return {username: pages[username] for username in STAFF}


WIDTH = "document.documentElement.scrollWidth"


def test_every_partner_page_and_the_main_staff_pages_fit_a_phone_in_both_languages(
    browser, browser_context_args, live_server, layout_world
):
    pages = {"partner1": partner_pages(layout_world), **staff_pages(layout_world)}
    pages[None] = main_pages(layout_world)[None]
    too_wide, checked = [], 0
    for username, urls in pages.items():
        with signed_in(browser, browser_context_args, live_server, username, PHONE) as page:
            for language in LANGUAGES:
                in_language(page, live_server, language)
                for url in urls:
                    response = page.goto(f"{live_server.url}{url}")
                    assert response.ok, f"{username} {url}: {response.status}"
                    checked += 1
                    width = page.evaluate(WIDTH)
                    if width > PHONE["width"]:
                        too_wide.append(f"{username} ({language}) {url}: {width}px")
    assert not too_wide, "wider than the phone's 390 px:\n" + "\n".join(too_wide)
    assert checked >= 90


# The chart's canvas, its plot area and its legend: which entries are drawn inside the legend.
CHART = """() => {
  const chart = Chart.getChart(document.getElementById("event-counts-chart"));
  const legend = chart.legend;
  return {
    height: chart.height,
    plot: chart.chartArea.bottom - chart.chartArea.top,
    series: chart.data.datasets.length,
    shown: legend.legendHitBoxes.filter(box => box.top + box.height <= legend.bottom + 1
      && box.left + box.width <= legend.right + 1).length,
  };
}"""

TYPE_CELLS = """() => [...document.querySelectorAll("#events tbody tr")].slice(0, 3).flatMap(
  row => [row.cells[1], row.cells[2]].map(cell => {
    const text = document.createRange();
    text.selectNodeContents(cell);
    const lines = new Set([...text.getClientRects()].map(r => Math.round(r.top))).size;
    return [cell.textContent.trim(), lines];
  }))"""


def test_the_partners_chart_and_events_read_well_on_a_phone(
    browser, browser_context_args, live_server, layout_world
):
    with signed_in(browser, browser_context_args, live_server, "partner1", PHONE) as page:
        for language in LANGUAGES:
            in_language(page, live_server, language)
            page.goto(f"{live_server.url}{reverse('my-enterprise')}")
            chart = page.evaluate(CHART)
            assert chart["series"] == 7
            assert chart["shown"] == 7, chart
            assert chart["height"] >= 300 and chart["plot"] >= 180, chart
            # Type and significance on one line each, not a character a line (Chinese).
            cells = page.evaluate(TYPE_CELLS)
            assert cells and all(lines == 1 for _text, lines in cells), cells


# The ranking's columns a reader decides by.
KEY_COLUMNS = {
    "en": ["Panel score", "Final score", "Streak", "Decision"],
    "zh-hant": ["評審分數", "總分", "連續得獎年數", "決定"],
}
MENU_LINES = """() => new Set([...document.querySelectorAll(
  "nav.navbar .navbar-brand, #main-nav > .navbar-nav > .nav-item")].map(
  e => Math.round(e.getBoundingClientRect().top / 10))).size"""


def test_at_1366_px_the_staff_menu_is_one_line_and_the_rankings_key_columns_show(
    browser, browser_context_args, live_server, layout_world
):
    ranking = reverse("awards:ranking-detail", args=[layout_world["review"].year])
    for username in STAFF:
        with signed_in(browser, browser_context_args, live_server, username, LAPTOP) as page:
            for language in LANGUAGES:
                in_language(page, live_server, language)
                page.goto(f"{live_server.url}{reverse('home')}")
                assert page.evaluate(MENU_LINES) == 1, f"{username} ({language}): menu wraps"
                height = page.locator("nav.navbar").bounding_box()["height"]
                assert height < 70, f"{username} ({language}): menu {height}px tall"
                if username != "secretariat":
                    continue
                page.goto(f"{live_server.url}{ranking}")
                table = page.locator(".ranking-table").first
                box = table.locator("xpath=..").bounding_box()
                for name in KEY_COLUMNS[language]:
                    header = table.get_by_role("columnheader", name=name, exact=True)
                    expect(header).to_be_visible()
                    right = header.bounding_box()["x"] + header.bounding_box()["width"]
                    assert right <= box["x"] + box["width"], f"{language}: {name} out of view"
                # The per-type points are still there, a click away.
                assert table.locator("tbody tr").count() >= 1
