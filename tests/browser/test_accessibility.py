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
from playwright.sync_api import expect

from awards.models import Assignment, Cycle
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
from tests.browser.axe import axe_run, describe, serious_violations
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


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB"}


@pytest.fixture
def world():
    """Every kind of page with something on it: events in each status, the 2025 cycle in panel
    review (panel1 assigned, one review to write), the 2024 cycle published with its awardees,
    a ceremony list and an issued certificate, a partner's report and notification."""
    secretariat = UserFactory(username="secretariat", roles=[Role.SECRETARIAT])
    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    verifier = UserFactory(username="verifier", roles=[Role.VERIFIER])
    panel = [UserFactory(username=f"panel{n}", roles=[Role.PANEL]) for n in (1, 2, 3)]
    stonecutters = EnterpriseFactory(
        name_en="Stonecutters Gateway Terminals Limited",
        name_zh="昂船洲門戶碼頭有限公司",
        br_number="61458302",
    )
    partner = UserFactory(username="partner1", roles=[Role.PARTNER])
    MembershipFactory(user=partner, enterprise=stonecutters, is_manager=True)
    MembershipFactory(
        user=UserFactory(username="partner2", roles=[Role.PARTNER]), enterprise=stonecutters
    )
    verified_events(
        stonecutters,
        verifier,
        officer,
        ("training", "routine", datetime.date(2024, 4, 12)),
        ("controlled_delivery", "major", datetime.date(2024, 9, 8)),
        ("intelligence_tip", "notable", datetime.date(2025, 2, 14)),
    )
    events = {
        status: EventFactory(
            enterprise=stonecutters,
            logged_by=officer,
            status=status,
            title=f"Tip on container {status}",
            submitted_at=None if status == "draft" else datetime.datetime.now(datetime.UTC),
            return_reason="Add the seizure value." if status == "returned" else "",
            withdrawal_reason="Logged twice." if status == "withdrawn" else "",
        )
        for status in ("draft", "submitted", "returned", "withdrawn")
    }

    # 2024: published, six awardees, stonecutters' certificate issued.
    published = CycleFactory(
        year=2024, status=Cycle.Status.PUBLISHED, ceremony_date=datetime.date(2024, 10, 24)
    )
    results = awardees(published, secretariat, count=5)
    own = awarded_result(published, stonecutters, nominated_by=secretariat, rank=6, streak=1)
    certificate = certificate_of(own, serial="EEPA-2024-0006", code="a11y-verification-code")

    # 2025: panel review; panel1 has declared and has one review to write.
    review = CycleFactory(
        year=2025,
        status=Cycle.Status.REVIEW,
        awards_planned=1,
        scoring_deadline=datetime.date(2025, 11, 30),
    )
    nominee = NominationFactory(cycle=review, enterprise=stonecutters, nominated_by=secretariat)
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
        kind=Notification.Kind.CERTIFICATE_ISSUED,
        params={"year": 2024, "serial": certificate.serial},
        link="/awards/my-certificates/",
    )
    return {
        "enterprise": stonecutters,
        "events": events,
        "published": published,
        "results": results,
        "review": review,
        "nominee": nominee,
        "certificate": certificate,
        "report": report,
    }


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


def open_as(page, live_server, username: str | None, language: str):
    """A fresh session for `username` (None: anonymous) with `language` chosen."""
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
    )
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
    for language, lang in [("en", "en"), ("zh-hant", "zh-Hant")]:
        for username, urls in main_pages(world).items():
            open_as(page, live_server, username, language)
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
                    failures.append(f"{username or 'anonymous'} {page.url}:\n{describe(found)}")
    assert not failures, "\n\n".join(failures)
    assert checked >= 60
