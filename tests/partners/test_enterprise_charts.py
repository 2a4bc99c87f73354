"""The enterprise page's charts: verified cooperation per type per year (staff and the
enterprise's own partners), and, for staff, the cooperation score in every cycle with the award
years marked: frozen where a finalised result exists, else live under that cycle's rules.

The world (tests/awards/ranking_world.py rules: controlled delivery 10 points, cap 50;
training 5 points, cap 50; caps add up to 100, so the score is the sum of the points):
  2023, finalised: E with 2 deliveries (20.00) ranks first of two and is awarded; a third
        delivery in 2023 verified after finalisation moves its live score to 30.00, not the
        frozen one.
  2024, panel review: E nominated with 3 deliveries and 2 trainings: live 40.00.
  2025, nominations: E not nominated, 1 training in 2025: live 5.00.
A submitted (unverified) event never counts.
"""

import datetime
from decimal import Decimal

import pytest

from awards.models import Cycle, Nomination, NominationResult
from awards.selectors.history import cooperation_chart, cooperation_scores_by_cycle
from awards.selectors.scores import score_nominations
from awards.services.decisions import cycle_finalise, decisions_apply_suggestion
from partners.models import CooperationEvent
from tests.awards.ranking_world import nominee, panel, simple_cycle
from tests.factories import EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

D = Decimal
BR = "10000001"


def _event(enterprise, event_type, occurred_on, **fields):
    fields = {"verified": True, **fields}
    return EventFactory(
        enterprise=enterprise,
        event_type=event_type,
        occurred_on=occurred_on,
        logged_by=UserFactory(username="officer", roles=["Officer"]),
        **fields,
    )


@pytest.fixture
def world(secretariat):
    members = panel(2)
    earlier = simple_cycle(2023, awards_planned=1)
    won = nominee(
        earlier,
        BR,
        deliveries=2,
        scores=[8, 6],
        members=members,
        occurred_on=datetime.date(2023, 6, 1),
    )
    nominee(earlier, "10000002", deliveries=1, scores=[5, 5], members=members)
    decisions_apply_suggestion(cycle=earlier, user=secretariat)
    cycle_finalise(cycle=earlier, user=secretariat)
    enterprise = won.enterprise
    _event(enterprise, "controlled_delivery", datetime.date(2023, 9, 1))  # after finalising

    current = simple_cycle(2024)
    nominated = nominee(current, BR, deliveries=3, trainings=2)
    _event(enterprise, "training", datetime.date(2024, 7, 1), verified=False, submitted=True)

    upcoming = simple_cycle(2025, status=Cycle.Status.NOMINATIONS)
    _event(enterprise, "training", datetime.date(2025, 2, 1))
    return {
        "enterprise": enterprise,
        "cycles": (earlier, current, upcoming),
        "won": won,
        "nominated": nominated,
    }


def _cycles():
    return Cycle.objects.prefetch_related("event_rules")


def test_the_scores_across_cycles_are_frozen_where_finalised_and_live_elsewhere(world):
    rows = cooperation_scores_by_cycle(world["enterprise"], _cycles())

    assert [
        (row.cycle.year, row.score, row.frozen, row.nomination, row.awarded) for row in rows
    ] == [
        (2023, D("20.00"), True, world["won"], True),
        (2024, D("40.00"), False, world["nominated"], False),
        (2025, D("5.00"), False, None, False),
    ]


def test_a_frozen_score_is_the_results_even_after_later_events(world):
    [earlier, *_] = cooperation_scores_by_cycle(world["enterprise"], _cycles())

    assert earlier.score == NominationResult.objects.get(nomination=world["won"]).cooperation_score
    live = score_nominations(earlier.cycle, Nomination.objects.filter(pk=world["won"].pk))
    assert live[0].cooperation_score == D("30.00")  # what it would be now: not shown


def test_a_live_score_equals_the_cycles_own_scoring(world):
    _earlier, current, _upcoming = cooperation_scores_by_cycle(world["enterprise"], _cycles())

    [scored] = score_nominations(current.cycle, Nomination.objects.filter(pk=world["nominated"].pk))
    assert current.score == scored.cooperation_score == D("40.00")


def test_a_finalised_cycle_without_a_result_is_scored_live(world):
    [earlier, *_] = world["cycles"]
    NominationResult.objects.filter(nomination=world["won"]).delete()

    [row, *_] = cooperation_scores_by_cycle(world["enterprise"], _cycles())

    assert (row.cycle, row.score, row.frozen, row.awarded) == (earlier, D("30.00"), False, False)


def test_the_chart_marks_the_award_years_with_bigger_stars(world):
    rows = cooperation_scores_by_cycle(world["enterprise"], _cycles())

    assert cooperation_chart(rows) == {
        "labels": ["2023", "2024", "2025"],
        "datasets": [
            {
                "label": "Cooperation score",
                "data": [20.0, 40.0, 5.0],
                "pointStyles": ["star", "circle", "circle"],
                "pointRadii": [10, 4, 4],
            }
        ],
        "yMax": 100,
    }


def test_staff_see_both_charts_with_their_tables(client, world, secretariat):
    client.force_login(secretariat)
    response = client.get(world["enterprise"].get_absolute_url())

    counts = response.context["counts"]
    assert counts.types == [
        ("controlled_delivery", "Controlled delivery"),
        ("training", "Training programme"),
    ]
    # Verified events only: the submitted training of 2024 is not counted.
    assert counts.rows == [(2023, [3, 0]), (2024, [3, 2]), (2025, [0, 1])]
    assert [row.score for row in response.context["cooperation"]] == [
        D("20.00"),
        D("40.00"),
        D("5.00"),
    ]
    text = response.text
    assert 'data-chart="stacked-bar"' in text
    assert 'data-chart="line"' in text
    assert 'id="cooperation-scores-data"' in text
    assert "js/charts.js" in text
    table = text[text.index('id="cooperation-scores-table"') :]
    assert "<strong>★ Awarded</strong>" in table
    assert "Final result" in table
    assert table.count("Live") == 2


def test_partners_see_only_their_cooperation_per_year(client, world):
    partner = MembershipFactory(enterprise=world["enterprise"]).user
    client.force_login(partner)
    response = client.get(world["enterprise"].get_absolute_url())

    assert response.status_code == 200
    assert response.context["counts"].rows == [(2023, [3, 0]), (2024, [3, 2]), (2025, [0, 1])]
    assert response.context["cooperation"] == []
    assert "Cooperation score across cycles" not in response.text
    assert 'data-chart="line"' not in response.text


@pytest.mark.parametrize("role", ["officer", "verifier"])
def test_officers_and_verifiers_see_the_scores_across_cycles_like_the_award_history(
    client, world, role, request
):
    # All customs staff see the verified record the scores come from, and the award history.
    client.force_login(request.getfixturevalue(role))
    response = client.get(world["enterprise"].get_absolute_url())

    assert [row.score for row in response.context["cooperation"]] == [
        D("20.00"),
        D("40.00"),
        D("5.00"),
    ]
    assert 'data-chart="stacked-bar"' in response.text
    assert "Cooperation score across cycles" in response.text


def test_an_enterprise_without_verified_cooperation_shows_no_chart(client, secretariat, enterprise):
    EventFactory(enterprise=enterprise, submitted=True)
    client.force_login(secretariat)
    response = client.get(enterprise.get_absolute_url())

    assert response.context["counts"].rows == []
    assert "No verified cooperation yet." in response.text
    assert "charts.js" not in response.text


def _grow(enterprise, secretariat, cycles, events):
    """`cycles` cycles (every other one finalised with a frozen result) and `events` verified
    events of every type in each cycle's year."""
    for index in range(cycles):
        year = 2015 + index
        frozen = index % 2 == 0
        cycle = simple_cycle(year, status=Cycle.Status.FINALISED if frozen else "review")
        for n in range(events):
            for event_type in ("controlled_delivery", "training", "intelligence_tip"):
                _event(enterprise, event_type, datetime.date(year, 1 + n % 12, 1))
        nomination = Nomination.objects.create(
            cycle=cycle, enterprise=enterprise, nominated_by=secretariat
        )
        if frozen:
            NominationResult.objects.create(
                nomination=nomination,
                rank=1,
                verified_events=events,
                cooperation_score=D("12.50"),
                reviews=0,
                awarded=index == 0,
            )


# session, user, roles, enterprise, event count, event page, audit entries, enforcement
# concerns, event counts per type and year, the award history (nominations, latest finalised
# cycle, streaks: 2), cycles, their rules, the enterprise's nominations with results, the live
# scores of every cycle still to compute (one aggregate; none when every cycle has a result)
@pytest.mark.parametrize(("cycles", "events"), [(2, 1), (7, 8)])
def test_the_staff_page_costs_the_same_whatever_the_cycles_and_events(
    client, enterprise, secretariat, cycles, events, django_assert_num_queries
):
    _grow(enterprise, secretariat, cycles, events)
    client.force_login(secretariat)
    url = enterprise.get_absolute_url()
    client.get(url)  # warm-up
    with django_assert_num_queries(17):
        response = client.get(url)
    assert len(response.context["cooperation"]) == cycles
    assert response.context["cooperation"][0].score == D("12.50")


# session, user, roles, enterprise, event count, event page, event counts per type and year
@pytest.mark.parametrize(("cycles", "events"), [(2, 1), (7, 8)])
def test_the_partner_page_costs_the_same_whatever_the_cycles_and_events(
    client, enterprise, partner_user, secretariat, cycles, events, django_assert_num_queries
):
    _grow(enterprise, secretariat, cycles, events)
    client.force_login(partner_user)
    url = enterprise.get_absolute_url()
    client.get(url)  # warm-up
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["counts"].rows) == cycles
    assert CooperationEvent.objects.filter(enterprise=enterprise).count() == cycles * events * 3
