"""The dossier of a nomination, and the award history on the enterprise page."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from awards.models import Cycle, Nomination, NominationResult
from awards.selectors.dossier import nomination_dossier
from awards.selectors.history import enterprise_award_history
from awards.selectors.scores import score_nominations
from partners.models import EnforcementFlag
from tests.awards.factories import CycleFactory, NominationFactory, verified_events
from tests.factories import EnterpriseFactory, EventFactory

pytestmark = pytest.mark.django_db
D = Decimal
day = datetime.date


@pytest.fixture
def cycle_in_review():
    return CycleFactory(year=2024, status=Cycle.Status.REVIEW)


@pytest.fixture
def nomination(cycle_in_review, enterprise, officer, verifier, secretariat):
    """The worked example: with the default rules (caps add up to 108),
    controlled delivery 30 + 20 = 50, capped at 30; intelligence tips 5 + 10 = 15;
    training 5 × 1 = 5, capped at 4; data sharing 4 × 2 = 8. Σ P = 57, cooperation
    score 100 × 57 / 108 = 52.777… → 52.78, from 10 verified events in the window."""
    verified_events(
        enterprise,
        verifier,
        officer,
        ("controlled_delivery", "major", day(2024, 3, 14)),
        ("controlled_delivery", "notable", day(2024, 12, 31)),
        ("intelligence_tip", "routine", day(2024, 1, 1)),
        ("intelligence_tip", "notable", day(2024, 7, 7)),
        *[("training", "routine", day(2024, 2, d)) for d in range(1, 6)],
        ("data_sharing", "notable", day(2024, 5, 21)),
        ("controlled_delivery", "major", day(2023, 12, 31)),  # before the window
    )
    EventFactory(enterprise=enterprise, logged_by=officer, submitted=True)  # not verified
    return NominationFactory(cycle=cycle_in_review, enterprise=enterprise, nominated_by=secretariat)


def _categories(dossier):
    return {c.event_type: c for c in dossier.categories}


def test_the_dossier_on_the_worked_example(nomination):
    dossier = nomination_dossier(nomination, show_restricted=True)
    categories = _categories(dossier)
    assert [(c.event_type, c.earned, c.cap, c.points, c.capped) for c in dossier.categories] == [
        # In the order of every other table of categories (EventType's), not the codes'.
        ("controlled_delivery", D(50), D(30), D(30), True),
        ("intelligence_tip", D(15), D(20), D(15), False),
        ("detection_assistance", D(0), D(20), D(0), False),
        ("facilitation", D(0), D(12), D(0), False),
        ("data_sharing", D(8), D(16), D(8), False),
        ("security_practice", D(0), D(6), D(0), False),
        ("training", D(5), D(4), D(4), True),
    ]
    assert [
        (e.occurred_on, e.significance, e.multiplier, e.points)
        for e in categories["controlled_delivery"].events
    ] == [
        (day(2024, 3, 14), "major", D(3), D(30)),
        (day(2024, 12, 31), "notable", D(2), D(20)),
    ]
    assert [e.points for e in categories["intelligence_tip"].events] == [D(5), D(10)]
    assert (dossier.total_points, dossier.total_cap) == (D(57), D(108))
    assert dossier.cooperation_score == D("52.78")
    assert dossier.verified_events == 10
    assert dossier.eligibility.eligible


def test_the_dossier_shows_the_numbers_of_the_ranking(nomination):
    dossier = nomination_dossier(nomination, show_restricted=True)
    [scored] = score_nominations(nomination.cycle, Nomination.objects.all())
    assert {c.event_type: c.points for c in dossier.categories} == scored.category_points
    assert dossier.total_points == sum(scored.category_points.values())
    assert dossier.cooperation_score == scored.cooperation_score
    assert dossier.verified_events == scored.verified_events
    # Each category's points are its events' points, capped.
    for category in dossier.categories:
        assert category.points == min(category.cap, sum(e.points for e in category.events))


def test_the_dossier_page_lays_out_the_formula(client, nomination, secretariat):
    client.force_login(secretariat)
    response = client.get(nomination.get_absolute_url())
    content = response.content.decode()
    assert "100 × 57.00 / 108.00 = 52.78" in content
    assert "10 verified events in the window." in content
    assert content.count(">capped</span>") == 4  # two categories, in the table and the heading


def test_restricted_details_only_when_the_dossier_may_show_them(nomination):
    secret = "Case CE-2024-0117, informant Chan Tai Man"
    event = nomination.enterprise.events.get(event_type="data_sharing")
    event.restricted_details, event.seizure_value_hkd = secret, D("1500000")
    event.save()

    hidden = nomination_dossier(nomination, show_restricted=False)
    [shown] = _categories(hidden)["data_sharing"].events
    assert (shown.restricted_details, shown.seizure_value_hkd) == ("", None)
    html = render_to_string("awards/nominations/_dossier.html", {"dossier": hidden})
    assert secret not in html
    assert "1,500,000" not in html
    assert event.title in html  # the rest of the dossier is there

    visible = nomination_dossier(nomination, show_restricted=True)
    html = render_to_string("awards/nominations/_dossier.html", {"dossier": visible})
    assert secret in html
    assert "HK$1,500,000.00" in html


def test_the_secretariat_sees_restricted_details_in_the_dossier(client, nomination, secretariat):
    event = nomination.enterprise.events.get(event_type="data_sharing")
    event.restricted_details = "Container MSKU 123456-7 under watch"
    event.save()
    client.force_login(secretariat)
    response = client.get(nomination.get_absolute_url())
    assert "Container MSKU 123456-7 under watch" in response.content.decode()


def test_the_dossier_says_why_the_enterprise_is_ineligible(nomination, officer):
    EnforcementFlag.objects.create(
        enterprise=nomination.enterprise,
        flagged_on=day(2024, 5, 2),
        reason="False manifest",
        raised_by=officer,
    )
    dossier = nomination_dossier(nomination, show_restricted=False)
    assert dossier.eligibility.reasons == ("Enforcement concern of 2 May 2024: False manifest",)


def test_a_finalised_dossier_shows_the_frozen_result_beside_the_live_numbers(
    client, nomination, secretariat
):
    Cycle.objects.filter(pk=nomination.cycle_id).update(status=Cycle.Status.FINALISED)
    _result(nomination, 4, "61.50", False, 0)  # frozen at 50.00; events changed since
    client.force_login(secretariat)
    content = client.get(nomination.get_absolute_url()).content.decode()
    assert "cooperation score 50.00" in content
    assert "rank 4" in content
    assert "the live numbers below differ from the frozen result, which stands" in content
    assert "Withdraw the nomination" not in content  # nothing changes once finalised


# session, user, roles, nomination with its cycle, rules, criteria, the score aggregate,
# events, concerns, audit entries
@pytest.mark.parametrize("events", [1, 10])
def test_the_dossier_page_costs_the_same_for_any_number_of_events(
    client,
    cycle_in_review,
    enterprise,
    officer,
    verifier,
    secretariat,
    events,
    django_assert_num_queries,
):
    kinds = ["controlled_delivery", "training", "intelligence_tip"]
    verified_events(
        enterprise,
        verifier,
        officer,
        *[(kinds[n % 3], "notable", day(2024, 4, 1 + n)) for n in range(events)],
    )
    nomination = NominationFactory(
        cycle=cycle_in_review, enterprise=enterprise, nominated_by=secretariat
    )
    client.force_login(secretariat)
    url = nomination.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(11):
        response = client.get(url)
    assert response.context["dossier"].verified_events == events


# Award history


def _result(nomination, rank, final, awarded, streak):
    return NominationResult.objects.create(
        nomination=nomination,
        rank=rank,
        category_points={},
        verified_events=3,
        cooperation_score=D("50.00"),
        panel_score=D("70.00"),
        reviews=3,
        final_score=D(final),
        awarded=awarded,
        streak=streak,
    )


@pytest.fixture
def history(enterprise, secretariat):
    """Awarded in 2021, 2022 and 2023, then nominated in 2024 (in review)."""
    for year in (2021, 2022, 2023):
        cycle = CycleFactory(year=year, status=Cycle.Status.PUBLISHED)
        nomination = NominationFactory(
            cycle=cycle, enterprise=enterprise, nominated_by=secretariat, awarded=True
        )
        _result(nomination, 2, "71.20", True, year - 2020)
    review = CycleFactory(year=2024, status=Cycle.Status.REVIEW)
    return NominationFactory(cycle=review, enterprise=enterprise, nominated_by=secretariat)


def test_the_award_history_of_an_enterprise(enterprise, history):
    award_history = enterprise_award_history(enterprise)
    assert [
        (row.cycle.year, row.result and row.result.rank, row.awarded) for row in award_history.rows
    ] == [(2024, None, None), (2023, 2, True), (2022, 2, True), (2021, 2, True)]
    assert (award_history.streak, award_history.streak_cycle.year) == (3, 2023)


def test_a_cycle_without_the_enterprise_ends_its_streak(enterprise, history, other_enterprise):
    later = CycleFactory(year=2025, status=Cycle.Status.FINALISED)
    _result(NominationFactory(cycle=later, enterprise=other_enterprise), 1, "80.00", True, 1)
    award_history = enterprise_award_history(enterprise)
    assert (award_history.streak, award_history.streak_cycle.year) == (0, 2025)


def test_a_withdrawn_nomination_is_history_but_no_award(enterprise, secretariat):
    cycle = CycleFactory(year=2024)
    NominationFactory(cycle=cycle, enterprise=enterprise, status="withdrawn", awarded=None)
    [row] = enterprise_award_history(enterprise).rows
    assert (row.nomination.status, row.result) == ("withdrawn", None)


def test_the_enterprise_page_shows_the_award_history_to_staff(client, enterprise, history, officer):
    client.force_login(officer)
    response = client.get(enterprise.get_absolute_url())
    content = response.content.decode()
    assert "Current streak: 3 awards in a row, up to 2023." in content
    assert response.context["award_history"].rows[1].result.final_score == D("71.20")
    assert "71.20" in content


def test_partners_do_not_see_the_award_history(client, enterprise, history, partner_user):
    client.force_login(partner_user)
    response = client.get(enterprise.get_absolute_url())
    assert response.context["award_history"] is None
    assert "Award history" not in response.content.decode()


@pytest.mark.parametrize("cycles", [2, 8])
def test_the_award_history_costs_the_same_for_any_number_of_cycles(
    enterprise, secretariat, cycles, django_assert_num_queries
):
    for year in range(2010, 2010 + cycles):
        cycle = CycleFactory(year=year, status=Cycle.Status.PUBLISHED)
        nomination = NominationFactory(cycle=cycle, enterprise=enterprise, nominated_by=secretariat)
        _result(nomination, 1, "90.00", True, year - 2009)
    EnterpriseFactory()
    # nominations with cycles and results, the latest finalised cycle, awarded_streaks (2)
    with django_assert_num_queries(4):
        award_history = enterprise_award_history(enterprise)
    assert award_history.streak == cycles


def test_a_busy_year_lists_the_latest_events_of_each_type_and_counts_them_all(
    cycle_in_review, enterprise, officer, verifier, secretariat
):
    """25 training events (1 point each, cap 4) and 2 tips: the dossier lists the latest
    EVENTS_SHOWN_PER_TYPE (10) training events, oldest first, and counts and scores all 25."""
    verified_events(
        enterprise,
        verifier,
        officer,
        *[("training", "notable", day(2024, 1, 1) + datetime.timedelta(days=d)) for d in range(25)],
        ("intelligence_tip", "routine", day(2024, 3, 3)),
        ("intelligence_tip", "routine", day(2024, 3, 4)),
    )
    nomination = NominationFactory(
        cycle=cycle_in_review, enterprise=enterprise, nominated_by=secretariat
    )
    dossier = nomination_dossier(nomination, show_restricted=False)
    training = _categories(dossier)["training"]
    assert [event.occurred_on for event in training.events] == [
        day(2024, 1, 1) + datetime.timedelta(days=d) for d in range(15, 25)
    ]
    assert (training.count, training.more, training.earned, training.points) == (
        25,
        15,
        D(50),  # 25 × 1 point × 2 (notable)
        D(4),
    )
    tips = _categories(dossier)["intelligence_tip"]
    assert (len(tips.events), tips.count, tips.more) == (2, 2, 0)
    html = render_to_string(
        "awards/nominations/_dossier.html", {"dossier": dossier, "link_events": True}
    )
    assert "The latest 10 of 25 events are listed; the points are of them all." in html
    assert f"?q={enterprise.br_number}&amp;event_type=training&amp;status=verified" in html
