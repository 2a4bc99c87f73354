"""Accessibility in headless Chromium: axe-core (WCAG 2.1 A and AA, tests/browser/axe.py) on the
main pages of every role, in English and in Traditional Chinese; the event form, the review form
and the ceremony reordering used with the keyboard alone; a visible focus on every stop; and the
partner and verification pages on a phone-sized screen (docs/accessibility.md)."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from playwright.sync_api import expect

from awards.models import Assignment, CeremonyEntry, Cycle, Review
from awards.notifications import Kind as AwardKind
from partners.models import CooperationEvent
from portal.models import Notification
from portal.roles import Role
from tests.awards.ceremony_data import awardees
from tests.awards.certificate_data import awarded_result, certificate_of
from tests.awards.factories import (
    AssignmentFactory,
    CycleFactory,
    NominationFactory,
    submitted_review,
    verified_events,
)
from tests.browser.axe import (
    assert_no_serious_violations,
    axe_run,
    describe,
    serious_violations,
)
from tests.factories import (
    PASSWORD,
    EnterpriseFactory,
    EventFactory,
    MembershipFactory,
    UserFactory,
)
from tests.partners.report_data import report_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture
def world():
    """Every kind of page with something on it: events in each status, the 2025 cycle in panel
    review (panel1 assigned, one review to write), the 2024 cycle published with its awardees,
    a ceremony list and an issued certificate, a partner's report and notification."""
    secretariat = UserFactory(username="secretariat", roles=[Role.SECRETARIAT])
    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    verifier = UserFactory(username="verifier", roles=[Role.VERIFIER])
    panel = [UserFactory(username=f"panel{n}", roles=[Role.PANEL]) for n in (1, 2, 3)]
    sunrise = EnterpriseFactory(
        name_en="Sunrise Harbour Terminals Limited",
        name_zh="旭日海港碼頭有限公司",
        br_number="61458302",
    )
    partner = UserFactory(username="partner1", roles=[Role.PARTNER])
    MembershipFactory(user=partner, enterprise=sunrise, is_manager=True)
    MembershipFactory(
        user=UserFactory(username="partner2", roles=[Role.PARTNER]), enterprise=sunrise
    )
    verified_events(
        sunrise,
        verifier,
        officer,
        ("training", "routine", datetime.date(2024, 4, 12)),
        ("controlled_delivery", "major", datetime.date(2024, 9, 8)),
        ("intelligence_tip", "notable", datetime.date(2025, 2, 14)),
    )
    events = {
        status: EventFactory(
            enterprise=sunrise,
            logged_by=officer,
            status=status,
            title=f"Tip on container {status}",
            submitted_at=None if status == "draft" else datetime.datetime.now(datetime.UTC),
            return_reason="Add the seizure value." if status == "returned" else "",
            withdrawal_reason="Logged twice." if status == "withdrawn" else "",
        )
        for status in ("draft", "submitted", "returned", "withdrawn")
    }

    # 2024: published, six awardees, sunrise' certificate issued.
    published = CycleFactory(
        year=2024, status=Cycle.Status.PUBLISHED, ceremony_date=datetime.date(2024, 10, 24)
    )
    results = awardees(published, secretariat, count=5)
    own = awarded_result(published, sunrise, nominated_by=secretariat, rank=6, streak=1)
    certificate = certificate_of(own, serial="EEPA-2024-0006", code="a11y-verification-code")

    # 2025: panel review; panel1 has declared and has one review to write.
    review = CycleFactory(
        year=2025,
        status=Cycle.Status.REVIEW,
        awards_planned=1,
        scoring_deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    nominee = NominationFactory(cycle=review, enterprise=sunrise, nominated_by=secretariat)
    AssignmentFactory(
        nomination=nominee, member=panel[0], declaration=Assignment.Declaration.NO_CONFLICT
    )
    submitted_review(nominee, panel[1], [8, 7])
    for n in range(2):
        rival = EnterpriseFactory(name_en=f"Rival Nominee {n} Limited")
        verified_events(
            rival, verifier, officer, ("training", "routine", datetime.date(2025, 3, 1))
        )
        other = NominationFactory(cycle=review, enterprise=rival, nominated_by=secretariat)
        submitted_review(other, panel[1], [6 + n, 5])
        submitted_review(other, panel[2], [7, 6 + n])
        AssignmentFactory(nomination=other, member=panel[0], declaration="pending")

    report = report_of(partner)
    Notification.objects.create(
        recipient=partner,
        kind=AwardKind.CERTIFICATE_ISSUED,
        params={"year": 2024, "serial": certificate.serial},
        link="/awards/my-certificates/",
    )
    return {
        "enterprise": sunrise,
        "events": events,
        "published": published,
        "results": results,
        "review": review,
        "nominee": nominee,
        "certificate": certificate,
        "report": report,
    }


def test_the_axe_check_reports_what_it_finds(page):
    page.set_content(
        '<html lang="en"><body><main><h1>Faint</h1><p style="color: #ccc">Grey on white</p>'
        '<img src="seal.png"></main></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        assert_no_serious_violations(page, "a faint page")
    report = str(failure.value)
    assert "[serious] color-contrast" in report and "Grey on white" in report
    assert "[critical] image-alt" in report and 'src="seal.png"' in report


def dashboard_url() -> str | None:
    """The staff dashboard, once it exists (issue 6, item 1)."""
    try:
        return reverse("dashboard")
    except NoReverseMatch:
        return None


def main_pages(world) -> dict[str | None, list[str]]:
    """The pages to check, by the user who opens them (None: anonymous)."""
    events, published, review = world["events"], world["published"], world["review"]
    enterprise = world["enterprise"]
    staff_home = [url for url in [dashboard_url()] if url]
    return {
        None: [
            reverse("login"),
            reverse("password_reset"),
            reverse("password_reset_done"),
            reverse("certificate-verify-form"),
            reverse("certificate-verify", args=[world["certificate"].verification_code]),
        ],
        "officer": [
            "/",
            *staff_home,
            reverse("partners:event-list"),
            reverse("partners:event-create"),
            events["returned"].get_absolute_url(),
            reverse("partners:event-import"),
            reverse("partners:report-queue"),
            reverse("two-factor-enrol"),
        ],
        "verifier": ["/", events["submitted"].get_absolute_url()],
        "secretariat": [
            "/",
            *staff_home,
            reverse("partners:enterprise-list"),
            enterprise.get_absolute_url(),
            reverse("awards:cycle-list"),
            reverse("awards:cycle-detail", args=[review.year]),
            reverse("awards:nomination-list", args=[review.year]),
            reverse("awards:ranking-detail", args=[review.year]),
            reverse("awards:decision-list", args=[review.year]),
            reverse("awards:panel-progress", args=[review.year]),
            reverse("awards:certificate-list", args=[published.year]),
            reverse("awards:ceremony-list", args=[published.year]),
            reverse("two-factor"),
            reverse("second-factor-users"),
            reverse("reauthenticate"),
            reverse("security-log"),
        ],
        "panel1": [
            "/",
            reverse("awards:panel-nominee", args=[review.year, world["nominee"].pk]),
        ],
        "partner1": [
            "/",
            reverse("partners:my-reports"),
            world["report"].get_partner_url(),
            reverse("partners:report-submit"),
            reverse("awards:my-certificates"),
            reverse("notification-list"),
            reverse("partners:colleagues"),
        ],
    }


def choose_language(page, live_server, language: str) -> None:
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )


def open_as(page, live_server, username: str | None, language: str):
    """A fresh session for `username` (None: anonymous) with `language` chosen."""
    page.context.clear_cookies()
    choose_language(page, live_server, language)
    if username:
        # By the fields' names: the labels are in the chosen language.
        page.goto(f"{live_server.url}{reverse('login')}")
        form = page.locator("main form")
        form.locator("[name=username]").fill(username)
        form.locator("[name=password]").fill(PASSWORD)
        form.locator("[type=submit]").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def test_the_main_pages_of_every_role_have_no_serious_axe_violation_in_either_language(
    page, live_server, world
):
    failures, checked = [], 0
    for username, urls in main_pages(world).items():
        open_as(page, live_server, username, "en")
        for language, lang in [("en", "en"), ("zh-hant", "zh-Hant")]:
            choose_language(page, live_server, language)
            seen = set()
            for url in urls:
                response = page.goto(f"{live_server.url}{url}")
                assert response.ok, f"{username} {url}: {response.status}"
                if page.url in seen:  # "/" redirected to a page of the list
                    continue
                seen.add(page.url)
                expect(page.locator("html")).to_have_attribute("lang", lang)
                found = serious_violations(axe_run(page))
                checked += 1
                if found:
                    who = username or "anonymous"
                    failures.append(f"{who} ({language}) {page.url}:\n{describe(found)}")
    assert not failures, "\n\n".join(failures)
    assert checked >= 60


# Keyboard only: the flows below press keys; nothing is clicked or filled by selector.


def tab_to(page, selector: str, *, key: str = "Tab", limit: int = 150) -> None:
    """Presses Tab (or `key`) until the focused element matches `selector`."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate("s => document.activeElement?.matches(s) ?? false", selector):
            return
    raise AssertionError(f"{selector} not reached by {key} in {limit} presses")


def focused(page, script: str = "e => e"):
    return page.evaluate(f"() => ({script})(document.activeElement)")


def test_an_officer_logs_and_submits_an_event_with_the_keyboard_alone(page, live_server, world):
    open_as(page, live_server, "officer", "en")
    page.goto(f"{live_server.url}{reverse('partners:event-create')}")
    # A closed <select> takes the first letters of an option; a date field takes its digits.
    tab_to(page, "#id_enterprise")
    page.keyboard.type("Sunrise")
    tab_to(page, "#id_event_type")
    page.keyboard.type("Controlled")
    tab_to(page, "#id_occurred_on")
    page.keyboard.type("03032099")  # the same in dd/mm/yyyy and mm/dd/yyyy; a mistake
    tab_to(page, "#id_significance")
    page.keyboard.type("Major")
    tab_to(page, "#id_title")
    page.keyboard.type("Controlled delivery of 40 kg of cocaine, Kwai Chung")
    tab_to(page, "#id_partner_summary")
    page.keyboard.type("Held the container in the yard for the operation.")
    tab_to(page, "[type=submit][name=save]")
    page.keyboard.press("Enter")

    # The error is written beside the field (not only a red border) and tied to it.
    date = page.get_by_label("Date it occurred")
    expect(date).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#id_occurred_on_error")).to_have_text("The date cannot be in the future.")
    assert "id_occurred_on_error" in date.get_attribute("aria-describedby")
    assert_no_serious_violations(page, "the event form with an error")
    tab_to(page, "#id_occurred_on")
    page.keyboard.type("03032025")
    tab_to(page, "[type=submit][name=save]")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_contain_text("Controlled delivery of 40 kg")
    tab_to(page, "form[action$='/submit/'] [type=submit]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_be_visible()

    event = CooperationEvent.objects.get(
        title="Controlled delivery of 40 kg of cocaine, Kwai Chung"
    )
    assert event.enterprise == world["enterprise"]
    assert event.event_type == CooperationEvent.EventType.CONTROLLED_DELIVERY
    assert event.occurred_on == datetime.date(2025, 3, 3)
    assert event.significance == CooperationEvent.Significance.MAJOR
    assert event.partner_summary == "Held the container in the yard for the operation."
    assert event.status == CooperationEvent.Status.SUBMITTED


def test_a_panel_member_declares_and_submits_a_review_with_the_keyboard_alone(
    page, live_server, world
):
    nomination = world["review"].nominations.get(enterprise__name_en="Rival Nominee 0 Limited")
    open_as(page, live_server, "panel1", "en")
    page.goto(f"{live_server.url}{reverse('awards:panel-nominee', args=[2025, nomination.pk])}")
    # Into the declaration's radio group: its first choice, "no conflict", is checked by Space.
    tab_to(page, "input[name=declaration]")
    assert focused(page, "e => e.labels[0].textContent").strip() == (
        "I have no conflict of interest with this nominee"
    )
    page.keyboard.press("Space")
    tab_to(page, "[type=submit][name=declare]")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Dossier")).to_be_visible()

    # One radio group per criterion: Space picks 0, each arrow one point more; Tab leaves it.
    tab_to(page, "input[type=radio][name^=criterion_]")
    first = focused(page, "e => e.name")
    page.keyboard.press("Space")
    for _ in range(7):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("Tab")
    second = focused(page, "e => e.name")
    assert second.startswith("criterion_") and second != first
    page.keyboard.press("Space")
    for _ in range(9):
        page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowLeft")  # 8: back one
    tab_to(page, "textarea[name=comment]")
    page.keyboard.type("Steady partner.")
    tab_to(page, "[type=submit][name=submit]")
    page.keyboard.press("Enter")
    # The second step (no JavaScript needed): the focus on what will happen, read first by a
    # screen reader (its name and description); Tab reaches the button that does it.
    confirmation = page.get_by_role("region", name="Submit your review of Rival Nominee 0")
    expect(confirmation).to_be_focused()
    expect(confirmation).to_have_accessible_description(
        re.compile(r"^Submit your review of Rival Nominee 0 Limited: your member score ")
    )
    expect(confirmation).to_contain_text("A submitted review is final")
    assert_no_serious_violations(page)
    assert not Review.objects.filter(
        assignment__nomination=nomination, assignment__member__username="panel1"
    ).exists()
    page.keyboard.press("Tab")
    assert focused(page, "e => e.textContent") == "Submit the review"
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").first).to_have_text("Review submitted.")

    review = Review.objects.get(
        assignment__nomination=nomination, assignment__member__username="panel1"
    )
    assert review.status == Review.Status.SUBMITTED
    assert review.assignment.declaration == Assignment.Declaration.NO_CONFLICT
    assert review.comment == "Steady partner."
    assert {f"criterion_{s.criterion_id}": s.score for s in review.scores.all()} == {
        first: 7,
        second: 8,
    }


def ceremony_order(cycle) -> list[str]:
    return list(
        CeremonyEntry.objects.filter(result__nomination__cycle=cycle)
        .order_by("position")
        .values_list("result__nomination__enterprise__name_en", flat=True)
    )


def test_the_secretariat_reorders_the_ceremony_with_the_keyboard_and_keeps_its_place(
    page, live_server, world
):
    cycle = world["published"]
    open_as(page, live_server, "secretariat", "en")
    page.goto(f"{live_server.url}{reverse('awards:ceremony-list', args=[cycle.year])}")
    rows = page.locator("#ceremony-list tbody tr")
    second = rows.nth(1).locator("td").nth(1).inner_text().splitlines()[0]
    third = rows.nth(2).locator("td").nth(1).inner_text().splitlines()[0]
    moved_id = rows.nth(1).get_attribute("id")

    tab_to(page, f"#{moved_id} button[value=down]")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"#{moved_id}$"))
    expect(page.get_by_role("status").first).to_contain_text(f"{second} is now number 3.")
    order = ceremony_order(cycle)
    assert order[1:3] == [third, second]
    # The reloaded page gives the focus back to the button just used, in the moved row.
    expect(page.locator(f"#{moved_id} button[value=down]")).to_be_focused()

    # Back up: Shift+Tab to its Up button, Space.
    page.keyboard.press("Shift+Tab")
    expect(page.locator(f"#{moved_id} button[value=up]")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.get_by_role("status").first).to_contain_text(f"{second} is now number 2.")
    assert ceremony_order(cycle)[1:3] == [second, third]
    expect(page.locator(f"#{moved_id} button[value=up]")).to_be_focused()


FOCUS_RING = """e => {
  const style = getComputedStyle(e);
  return {
    tag: e.tagName, text: (e.textContent || e.name || "").trim().slice(0, 40),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    shadow: style.boxShadow !== "none",
  };
}"""


def test_every_stop_of_the_tab_order_shows_where_the_focus_is(page, live_server, world):
    open_as(page, live_server, "officer", "en")
    page.goto(f"{live_server.url}{reverse('partners:event-create')}")
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        stop = focused(page, FOCUS_RING)
        if stop["tag"] == "BODY":
            break
        stops.append(stop)
    assert len(stops) > 15
    invisible = [stop for stop in stops if not (stop["outline"] or stop["shadow"])]
    assert not invisible, invisible


# A phone-sized screen (issue 6, item 6).
PHONE = {"width": 390, "height": 844}


def phone_pages(world) -> dict[str | None, dict[str, str]]:
    """Screenshot names and addresses, by the user who opens them (None: anonymous)."""
    return {
        "partner1": {
            "partner-home": reverse("my-enterprise"),
            "partner-reports": reverse("partners:my-reports"),
            "partner-report-form": reverse("partners:report-submit"),
            "partner-certificates": reverse("awards:my-certificates"),
            "partner-notifications": reverse("notification-list"),
        },
        None: {
            "verify-form": reverse("certificate-verify-form"),
            "verify-result": reverse(
                "certificate-verify", args=[world["certificate"].verification_code]
            ),
        },
    }


SERIES_MARKS = """() => [...document.querySelectorAll("canvas[data-chart]")].flatMap(canvas => {
  const chart = Chart.getChart(canvas);
  return chart.data.datasets.map(d => chart.config.type === "bar"
    ? [d.label, d.backgroundColor instanceof CanvasPattern]
    : [d.label, Boolean(d.pointStyle && d.borderDash)]);
})"""


def test_the_partner_and_verification_pages_fit_a_phone_screen(page, live_server, world):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    failures = []
    for username, pages in phone_pages(world).items():
        open_as(page, live_server, username, "en")
        for name, url in pages.items():
            page.goto(f"{live_server.url}{url}")
            page.screenshot(path=SCREENSHOTS / f"{name}-390x844.png", full_page=True)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= PHONE["width"], f"{name} scrolls sideways: {width}px wide"
            # Every table scrolls inside its own box, never the page.
            loose = page.locator("main table:not(.table-responsive table)")
            assert loose.count() == 0, f"{name}: a table outside .table-responsive"
            found = serious_violations(axe_run(page))
            if found:
                failures.append(f"{name}:\n{describe(found)}")
            if name == "partner-home":
                # Colour is never the only signal: bars are hatched, lines dashed and marked.
                marks = page.evaluate(SERIES_MARKS)
                assert marks and all(marked for _label, marked in marks), marks
            if username:
                # The menu hides behind its button, which opens it from the keyboard.
                menu = page.locator("#main-nav")
                expect(menu).to_be_hidden()
                tab_to(page, ".navbar-toggler")
                page.keyboard.press("Enter")
                expect(menu).to_be_visible()
                expect(page.locator(".navbar-toggler")).to_have_attribute("aria-expanded", "true")
                tab_to(page, "#main-nav a")
                assert focused(page, "e => e.getBoundingClientRect().right") <= PHONE["width"]
    assert not failures, "\n\n".join(failures)
