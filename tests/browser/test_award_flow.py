"""The panel review and the decisions end to end, in headless Chromium (Debian's, see
tests/conftest.py): panel1 declares, scores and submits the review that brings a nominee to the
quorum, and recuses itself from another; the secretariat applies the suggested awardees and
finalises the cycle."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from awards.models import Assignment, Cycle, Nomination, NominationResult, Review
from awards.selectors.ranking import live_ranking
from portal.roles import Role
from tests.awards.factories import (
    AssignmentFactory,
    CycleFactory,
    NominationFactory,
    submitted_review,
    verified_events,
)
from tests.factories import PASSWORD, EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world():
    """The 2024 cycle in panel review, quorum 3, one award planned, criteria "Impact on
    enforcement" (weight 2) and "Commitment" (weight 1).

    - Pacific Gateway: panel2 and panel3 have submitted; panel1's review makes the quorum.
    - Lion Rock: panel2, panel3 and panel4 have submitted; panel1 will declare a conflict.
    - Harbour Bonded: panel2 and panel3 only, so it stays pending.
    """
    secretariat = UserFactory(
        username="secretariat", first_name="Sam", last_name="Chan", roles=[Role.SECRETARIAT]
    )
    panel = {
        name: UserFactory(username=name, first_name=first, roles=[Role.PANEL])
        for name, first in [
            ("panel1", "Grace"),
            ("panel2", "Raymond"),
            ("panel3", "Helen"),
            ("panel4", "Ivan"),
        ]
    }
    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    verifier = UserFactory(username="verifier", roles=[Role.VERIFIER])
    cycle = CycleFactory(year=2024, status=Cycle.Status.REVIEW, quorum=3, awards_planned=1)
    pacific = EnterpriseFactory(
        name_en="Pacific Gateway Terminals Limited",
        name_zh="太平洋門戶碼頭有限公司",
        br_number="31234567",
    )
    lion_rock = EnterpriseFactory(
        name_en="Lion Rock Express Limited", name_zh="獅子山速遞有限公司", br_number="32345678"
    )
    harbour = EnterpriseFactory(
        name_en="Harbour Bonded Logistics Limited",
        name_zh="海港保稅物流有限公司",
        br_number="33456789",
    )
    verified_events(
        pacific,
        verifier,
        officer,
        ("controlled_delivery", "major", datetime.date(2024, 3, 8)),  # 30, the cap
    )
    verified_events(
        lion_rock,
        verifier,
        officer,
        ("intelligence_tip", "notable", datetime.date(2024, 6, 3)),  # 10
        ("training", "routine", datetime.date(2024, 9, 12)),  # 1
    )
    verified_events(
        harbour, verifier, officer, ("data_sharing", "routine", datetime.date(2024, 4, 2))
    )
    nominations = {
        enterprise: NominationFactory(cycle=cycle, enterprise=enterprise, nominated_by=secretariat)
        for enterprise in (pacific, lion_rock, harbour)
    }
    pacific_nom, lion_rock_nom, harbour_nom = nominations.values()
    for nomination in (pacific_nom, lion_rock_nom):
        AssignmentFactory(
            nomination=nomination,
            member=panel["panel1"],
            declaration=Assignment.Declaration.PENDING,
        )
    submitted_review(pacific_nom, panel["panel2"], [8, 7])
    submitted_review(pacific_nom, panel["panel3"], [9, 8])
    submitted_review(lion_rock_nom, panel["panel2"], [6, 6])
    submitted_review(lion_rock_nom, panel["panel3"], [7, 5])
    submitted_review(lion_rock_nom, panel["panel4"], [5, 8])
    submitted_review(harbour_nom, panel["panel2"], [9, 9])
    submitted_review(harbour_nom, panel["panel3"], [9, 9])
    return {
        "cycle": cycle,
        "secretariat": secretariat,
        "panel1": panel["panel1"],
        "pacific": pacific_nom,
        "lion_rock": lion_rock_nom,
        "harbour": harbour_nom,
    }


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    form = page.get_by_role("main").locator("form")
    form.get_by_label("Username").fill(username)
    form.get_by_label("Password").fill(PASSWORD)
    # The language switcher's buttons come first on the page: use the login form's own.
    form.get_by_role("button", name="Log in").click()
    # Wait for the role's home (staff: the dashboard) before the caller goes elsewhere.
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def log_out(page, live_server):
    page.locator("#account-menu").click()  # the account's menu holds it
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(f"{live_server.url}/accounts/login/")


def open_nominee(page, live_server, name):
    """From the panel home, the nominee's page."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Panel").click()
    expect(page).to_have_url(f"{live_server.url}/awards/panel/")
    page.get_by_role("link", name=name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(name)


def test_panel1_declares_scores_and_submits_and_the_secretariat_finalises(page, live_server, world):
    # A Content-Security-Policy violation or a failing script shows up as a console error.
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    cycle, pacific, lion_rock = world["cycle"], world["pacific"], world["lion_rock"]
    main = page.get_by_role("main")

    # panel1 lands on the panel home, with both nominees waiting for a declaration.
    log_in(page, live_server, "panel1")
    expect(page).to_have_url(f"{live_server.url}/awards/panel/")
    expect(page.get_by_role("heading", name="Selection panel")).to_be_visible()
    rows = main.get_by_role("table").get_by_role("row")
    expect(rows).to_have_count(4)  # the header, "Left to do" and two nominees
    expect(rows.nth(1)).to_have_text("Left to do")
    expect(rows.nth(2)).to_contain_text("Lion Rock Express Limited")
    expect(rows.nth(3)).to_contain_text("Pacific Gateway Terminals Limited")

    # The dossier stays closed until panel1 has declared.
    page.get_by_role("link", name="Pacific Gateway Terminals Limited").click()
    expect(page).to_have_url(f"{live_server.url}/awards/panel/2024/nominees/{pacific.pk}/")
    expect(
        page.get_by_role("heading", name="Declare any conflict of interest first")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Dossier")).to_have_count(0)
    expect(page.get_by_role("heading", name="Cooperation score")).to_have_count(0)
    expect(page.get_by_role("button", name="Submit review")).to_have_count(0)
    page.get_by_label("I have no conflict of interest with this nominee").check()
    page.get_by_role("button", name="Declare").click()

    expect(page.get_by_role("status").first).to_have_text(
        "No conflict declared: the dossier is open to you."
    )
    expect(page.get_by_role("heading", name="Dossier")).to_be_visible()
    expect(page.locator("#cooperation-score")).to_have_text("27.78")  # 100 × 30 / 108
    expect(main).to_contain_text("You will see the other members' scores once you have")

    # A draft first: the scores and the comment come back into the form.
    impact = page.get_by_role("group", name="Impact on enforcement")
    commitment = page.get_by_role("group", name="Commitment")
    impact.get_by_label("7", exact=True).check()
    commitment.get_by_label("9", exact=True).check()
    comment = "Opened the yard for the controlled delivery within hours."
    page.get_by_label("Comment (optional)").fill(comment)
    page.get_by_role("button", name="Save draft").click()
    expect(page.get_by_role("status").first).to_have_text("Draft saved.")
    expect(page.get_by_role("heading", name="Your review")).to_contain_text("Draft")
    expect(impact.get_by_label("7", exact=True)).to_be_checked()
    expect(commitment.get_by_label("9", exact=True)).to_be_checked()
    expect(page.get_by_label("Comment (optional)")).to_have_value(comment)
    assert Review.objects.get(assignment__member=world["panel1"]).status == Review.Status.DRAFT

    # Submitted: final, and the other members' scores appear.
    page.get_by_role("button", name="Submit review").click()
    # The second step says what will count, and asks.
    expect(main).to_contain_text(
        "Submit your review of Pacific Gateway Terminals Limited: your member score 76.67"
    )
    page.get_by_role("button", name="Submit the review").click()
    expect(page.get_by_role("status").first).to_have_text("Review submitted.")
    expect(page.get_by_role("heading", name="Your review")).to_contain_text("Submitted")
    expect(main).to_contain_text("it can no longer be changed.")
    expect(page.get_by_role("button", name="Submit review")).to_have_count(0)
    expect(page.get_by_role("button", name="Save draft")).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)
    own = page.locator("#own-review")
    expect(own).to_contain_text("Impact on enforcement")
    expect(own).to_contain_text("7 / 10")
    expect(own).to_contain_text("9 / 10")
    expect(own).to_contain_text("76.67")  # 10 × (2 × 7 + 9) / 3
    expect(own).to_contain_text(comment)
    others = page.locator("#other-reviews tbody tr")
    expect(others).to_have_count(2)
    expect(others.nth(0)).to_have_text(re.compile(r"Member 1\s*8\s*7\s*76\.67"))
    expect(others.nth(1)).to_have_text(re.compile(r"Member 2\s*9\s*8\s*86\.67"))
    expect(main).to_contain_text("Panel score so far: 80.00 (the mean of 3 member scores")

    # Lion Rock: a conflict, with its reason; no dossier and no scoring.
    open_nominee(page, live_server, "Lion Rock Express Limited")
    expect(
        page.get_by_role("heading", name="Declare any conflict of interest first")
    ).to_be_visible()
    page.get_by_label("I have a conflict of interest with this nominee").check()
    reason = "My brother is Lion Rock's head of compliance."
    page.get_by_label("Nature of the conflict").fill(reason)
    page.get_by_role("button", name="Declare").click()
    expect(main).to_contain_text("A declared conflict cannot be withdrawn.")
    page.get_by_role("button", name="Declare the conflict").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Conflict declared: you are recused from this nominee."
    )
    expect(page.get_by_role("heading", name="You are recused from this nominee")).to_be_visible()
    expect(main).to_contain_text(reason)
    expect(page.get_by_role("heading", name="Dossier")).to_have_count(0)
    expect(page.get_by_role("heading", name="Cooperation score")).to_have_count(0)
    expect(page.get_by_role("heading", name="Other members' scores")).to_have_count(0)
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(page.get_by_role("button", name="Submit review")).to_have_count(0)
    expect(page.get_by_role("button", name="Declare")).to_have_count(0)

    # Back on the panel home: one submitted review, one recusal.
    page.get_by_role("link", name="Selection panel").click()
    expect(rows.nth(1)).to_have_text("Done")  # nothing left to do: one group
    expect(rows.nth(2)).to_contain_text("Recused")
    expect(rows.nth(3)).to_contain_text("No conflict")
    expect(rows.nth(3)).to_contain_text("Submitted")
    log_out(page, live_server)

    # The secretariat goes from the cycle's page to its decisions.
    log_in(page, live_server, "secretariat")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Award cycles").click()
    expect(page.get_by_role("heading", name="Award cycles")).to_be_visible()
    page.get_by_role("link", name="2024", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/awards/cycles/2024/")
    page.get_by_role("link", name="Decisions", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/awards/cycles/2024/decisions/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Decisions: Elite Enterprise Partnership Award 2024"
    )
    ranked = page.locator("#ranked-decisions tbody tr")
    expect(ranked).to_have_count(2)
    expect(ranked.nth(0)).to_contain_text("Pacific Gateway Terminals Limited")
    expect(ranked.nth(0)).to_contain_text("48.67")  # 0.6 × 27.78 + 0.4 × 80.00
    expect(ranked.nth(1)).to_contain_text("Lion Rock Express Limited")
    expect(ranked.nth(1)).to_contain_text("30.56")  # 0.6 × 10.19 + 0.4 × 61.11
    pending = page.locator("#pending-decisions tbody tr")
    expect(pending).to_have_count(1)
    expect(pending.first).to_contain_text("Harbour Bonded Logistics Limited")

    page.get_by_role("button", name="Apply the suggestion (award the top 1)").click()
    expect(main).to_contain_text("Apply the suggestion: 3 decisions will be set or changed.")
    page.get_by_role("button", name="Apply the suggestion", exact=True).click()
    expect(page.get_by_role("status").first).to_have_text(
        "Suggestion applied: 3 decisions changed."
    )
    expect(main).to_contain_text("1 awarded; 1 award planned")
    # The ranking as it stands when the secretariat finalises.
    ranking = live_ranking(Cycle.objects.get(pk=cycle.pk))

    page.get_by_role("link", name="Finalise…").click()
    expect(page).to_have_url(f"{live_server.url}/awards/cycles/2024/finalise/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Finalise Elite Enterprise Partnership Award 2024?"
    )
    expect(page.get_by_role("heading", name="1 awardee")).to_be_visible()
    # The awardees' list (the breadcrumb is a list too).
    expect(main.get_by_role("listitem").filter(has_text="(rank")).to_have_text(
        [re.compile(r"Pacific Gateway Terminals Limited .*\(rank 1\)")]
    )
    page.get_by_role("button", name="Finalise the cycle").click()

    expect(page).to_have_url(f"{live_server.url}/awards/cycles/2024/ranking/")
    expect(page.get_by_role("status").first).to_have_text(
        "The cycle is finalised: its results are frozen."
    )
    expect(page.get_by_role("status").nth(1)).to_contain_text("by Sam Chan.")
    expect(main).to_contain_text("Finalised")

    # The database agrees with what was typed and shown.
    review = Review.objects.get(assignment__member=world["panel1"])
    assert (
        review.assignment.nomination,
        review.status,
        review.comment,
        {score.criterion.name_en: score.score for score in review.scores.all()},
    ) == (
        pacific,
        Review.Status.SUBMITTED,
        comment,
        {"Impact on enforcement": 7, "Commitment": 9},
    )
    assert list(
        Assignment.objects.filter(member=world["panel1"])
        .order_by("nomination__enterprise__name_en")
        .values_list("nomination", "declaration", "conflict_reason")
    ) == [
        (lion_rock.pk, Assignment.Declaration.CONFLICT, reason),
        (pacific.pk, Assignment.Declaration.NO_CONFLICT, ""),
    ]
    expected = [
        (row.nomination.pk, row.rank, row.rank is not None and row.rank <= 1)
        for row in ranking.ranked
    ] + [(row.nomination.pk, None, False) for row in ranking.pending]
    assert expected == [
        (pacific.pk, 1, True),
        (lion_rock.pk, 2, False),
        (world["harbour"].pk, None, False),
    ]
    results = NominationResult.objects.filter(nomination__cycle=cycle)
    assert sorted(results.values_list("nomination", "rank", "awarded")) == sorted(
        expected, key=lambda row: row[0]
    )
    assert {
        result.nomination_id: (result.cooperation_score, result.panel_score, result.final_score)
        for result in results
    } == {
        row.nomination.pk: (row.cooperation_score, row.panel_score, row.final_score)
        for row in ranking.rows
    }
    assert list(
        Nomination.objects.filter(cycle=cycle).order_by("pk").values_list("pk", "awarded")
    ) == [(pacific.pk, True), (lion_rock.pk, False), (world["harbour"].pk, False)]
    cycle.refresh_from_db()
    assert (cycle.status, cycle.finalised_by) == (Cycle.Status.FINALISED, world["secretariat"])
    assert console_errors == []
