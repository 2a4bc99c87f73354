"""Properties of the scoring rules, with hypothesis: the pure rules of awards/scoring.py, and the
computation from the database (score_nominations: the events and reviews counted by
awards.selectors.scores) agreeing with them on random cycles, events and reviews."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards import scoring
from awards.models import (
    Assignment,
    Cycle,
    EventTypeRule,
    Nomination,
    PanelCriterion,
    Review,
    ReviewScore,
)
from awards.selectors.ranking import live_ranking
from awards.selectors.scores import score_nominations
from awards.services.scores import cycle_recount
from partners.models import CooperationEvent
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

TYPES = list(CooperationEvent.EventType.values)
SIGNIFICANCES = ["routine", "notable", "major"]
STATUSES = list(CooperationEvent.Status.values)


def cents(low, high):
    """Decimals with two places between low and high."""
    return st.integers(int(low * 100), int(high * 100)).map(lambda n: Decimal(n) / 100)


rules_strategy = st.dictionaries(
    st.sampled_from(TYPES),
    st.builds(scoring.Rule, points=cents(0.5, 20), cap=cents(1, 60)),
    min_size=1,
)
multipliers_strategy = st.fixed_dictionaries(
    {
        level: st.sampled_from([Decimal("0.5"), Decimal(1), Decimal(2), Decimal(3)])
        for level in SIGNIFICANCES
    }
)
event_strategy = st.tuples(st.sampled_from(TYPES), st.sampled_from(SIGNIFICANCES))


# The pure rules


@given(rules_strategy, multipliers_strategy, st.lists(event_strategy, max_size=30), event_strategy)
def test_adding_a_verified_event_never_lowers_the_cooperation_score(
    rules, multipliers, events, extra
):
    before = scoring.cooperation_score(scoring.category_points(events, rules, multipliers), rules)
    after = scoring.cooperation_score(
        scoring.category_points([*events, extra], rules, multipliers), rules
    )
    assert after >= before


@given(
    rules_strategy,
    multipliers_strategy,
    st.lists(event_strategy, max_size=60),
    st.lists(st.lists(st.integers(0, 10), min_size=3, max_size=3), max_size=6),
    st.lists(cents(0.5, 5), min_size=3, max_size=3),
    cents(0, 1),
)
def test_every_score_stays_within_0_and_100(rules, multipliers, events, reviews, weights, alpha):
    cooperation = scoring.cooperation_score(
        scoring.category_points(events, rules, multipliers), rules
    )
    weight_of = dict(enumerate(weights))
    members = [scoring.member_score(dict(enumerate(s)), weight_of) for s in reviews]
    panel = scoring.panel_score(members)

    assert Decimal(0) <= cooperation <= 100
    assert all(Decimal(0) <= m <= 100 for m in members)
    if panel is not None:
        assert Decimal(0) <= panel <= 100
        assert Decimal(0) <= scoring.final_score(cooperation, panel, alpha) <= 100


# Few distinct values, so that ties on the final score, cooperation and events are frequent.
standing_strategy = st.builds(
    lambda final, cooperation, events, reviews: (final, cooperation, events, reviews),
    st.sampled_from([Decimal("50.00"), Decimal("62.50"), Decimal("70.10")]),
    st.sampled_from([Decimal("40.00"), Decimal("55.55")]),
    st.integers(0, 2),
    st.integers(0, 3),
)


def _standings(values):
    # BR numbers are unique, as in the registry.
    return [
        scoring.Standing(
            key=i,
            br_number=f"{10000000 + (i * 7919) % 1000:08d}",
            cooperation=cooperation,
            panel=final,
            final=final,
            verified_events=events,
            reviews=reviews,
        )
        for i, (final, cooperation, events, reviews) in enumerate(values)
    ]


def _winner(a, b, quorum):
    ranked, _ = scoring.rank([a, b], quorum)
    return ranked[0][1].key


@given(st.lists(standing_strategy, min_size=1, max_size=12), st.integers(1, 3), st.randoms())
def test_the_ranking_is_a_total_order_without_ties(values, quorum, random):
    standings = _standings(values)
    ranked, pending = scoring.rank(standings, quorum)
    countable = [s for s in standings if s.reviews >= quorum]

    # Ranks 1…n, no tie, pending apart; the order does not depend on the input's order.
    assert [position for position, _ in ranked] == list(range(1, len(countable) + 1))
    assert {s.key for _, s in ranked} == {s.key for s in countable}
    assert all(s.reviews < quorum for s in pending)
    shuffled = standings[:]
    random.shuffle(shuffled)
    assert [s.key for _, s in scoring.rank(shuffled, quorum)[0]] == [s.key for _, s in ranked]
    # Pairwise: antisymmetric (one winner whichever comes first), and the full ranking agrees
    # with every pair, which makes it transitive.
    position = {s.key: p for p, s in ranked}
    for a, b in itertools.combinations(countable, 2):
        winner = _winner(a, b, quorum)
        assert winner == _winner(b, a, quorum)
        loser = b.key if winner == a.key else a.key
        assert position[winner] < position[loser]
    for a, b, c in itertools.permutations(countable[:6], 3):
        if _winner(a, b, quorum) == a.key and _winner(b, c, quorum) == b.key:
            assert _winner(a, c, quorum) == a.key


# The database computation agrees with the pure rules

WINDOW = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
# Around both edges of the window, and inside it.
DATES = [
    datetime.date(2023, 12, 31),
    datetime.date(2024, 1, 1),
    datetime.date(2024, 1, 2),
    datetime.date(2024, 6, 15),
    datetime.date(2024, 12, 30),
    datetime.date(2024, 12, 31),
    datetime.date(2025, 1, 1),
]
MEMBERS = 4

review_strategy = st.tuples(
    st.sampled_from(["no_conflict", "no_conflict", "conflict"]),  # declaration
    st.sampled_from(["submitted", "submitted", "draft"]),  # status
    st.lists(st.integers(0, 10), min_size=3, max_size=3),  # one score per criterion (≤ 3)
)
nominee_strategy = st.tuples(
    st.lists(
        st.tuples(
            st.sampled_from(TYPES),
            st.sampled_from(SIGNIFICANCES),
            st.sampled_from(STATUSES),
            st.sampled_from(DATES),
        ),
        max_size=12,
    ),
    # Reviews by panel members 0…3: each member at most once.
    st.dictionaries(st.integers(0, MEMBERS - 1), review_strategy, max_size=MEMBERS),
)
cycle_strategy = st.fixed_dictionaries(
    {
        "rules": rules_strategy,
        "multipliers": multipliers_strategy,
        "alpha": cents(0, 1),
        "quorum": st.integers(1, 3),
        "weights": st.lists(
            st.sampled_from([Decimal("0.5"), Decimal(1), Decimal(2), Decimal(3)]),
            min_size=1,
            max_size=3,
        ),
        "nominees": st.lists(nominee_strategy, min_size=1, max_size=4),
    }
)


@pytest.fixture
def people(officer, verifier, secretariat):
    members = [UserFactory(username=f"member{i}", roles=["Panel"]) for i in range(MEMBERS)]
    return officer, verifier, secretariat, members


def _build(spec, people):
    officer, verifier, secretariat, members = people
    multipliers = spec["multipliers"]
    cycle = Cycle.objects.create(
        year=2024,
        title_en="Property cycle",
        title_zh="性質",
        window_start=WINDOW[0],
        window_end=WINDOW[1],
        quorum=spec["quorum"],
        cooperation_weight=spec["alpha"],
        multiplier_routine=multipliers["routine"],
        multiplier_notable=multipliers["notable"],
        multiplier_major=multipliers["major"],
    )
    EventTypeRule.objects.bulk_create(
        EventTypeRule(cycle=cycle, event_type=code, points=rule.points, cap=rule.cap)
        for code, rule in spec["rules"].items()
    )
    criteria = [
        PanelCriterion.objects.create(
            cycle=cycle, name_en=f"Criterion {i}", name_zh=f"準則{i}", weight=weight, position=i
        )
        for i, weight in enumerate(spec["weights"])
    ]
    now = timezone.now()
    nominations = []
    for events, reviews in spec["nominees"]:
        enterprise = EnterpriseFactory()
        CooperationEvent.objects.bulk_create(
            CooperationEvent(
                enterprise=enterprise,
                event_type=event_type,
                significance=significance,
                status=status,
                occurred_on=occurred_on,
                title="Property event",
                logged_by=officer,
                verified_by=verifier if status == "verified" else None,
                verified_at=now if status == "verified" else None,
            )
            for event_type, significance, status, occurred_on in events
        )
        nomination = Nomination.objects.create(
            cycle=cycle, enterprise=enterprise, nominated_by=secretariat
        )
        nominations.append(nomination)
        for member_index, (declaration, status, scores) in reviews.items():
            assignment = Assignment.objects.create(
                nomination=nomination,
                member=members[member_index],
                declaration=declaration,
                conflict_reason="Related company" if declaration == "conflict" else "",
            )
            review = Review.objects.create(assignment=assignment, status=status)
            ReviewScore.objects.bulk_create(
                ReviewScore(review=review, criterion=criterion, score=score)
                for criterion, score in zip(criteria, scores, strict=False)
            )
    # Written around the services: the kept scores are counted as the rebuild counts them.
    cycle_recount(cycle)
    return cycle, criteria, nominations


def _expected(spec, criteria):
    """The scores of each nominee by the pure rules alone, straight from the generated data."""
    rules, multipliers = spec["rules"], spec["multipliers"]
    weights = {c.pk: c.weight for c in criteria}
    expected = []
    for events, reviews in spec["nominees"]:
        counted_events = [
            (event_type, significance)
            for event_type, significance, status, occurred_on in events
            if status == "verified" and WINDOW[0] <= occurred_on <= WINDOW[1]
        ]
        points = scoring.category_points(counted_events, rules, multipliers)
        cooperation = scoring.cooperation_score(points, rules)
        members = [
            scoring.member_score(dict(zip(weights, scores, strict=False)), weights)
            for declaration, status, scores in reviews.values()
            if status == "submitted" and declaration != "conflict"
        ]
        panel = scoring.panel_score(members)
        final = None if panel is None else scoring.final_score(cooperation, panel, spec["alpha"])
        expected.append((points, len(counted_events), cooperation, len(members), panel, final))
    return expected


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=cycle_strategy)
def test_the_database_aggregation_agrees_with_the_pure_rules(people, spec):
    with transaction.atomic():
        cycle, criteria, nominations = _build(spec, people)
        scored = {s.nomination.pk: s for s in score_nominations(cycle, Nomination.objects.all())}
        ranking = live_ranking(cycle)
        expected = _expected(spec, criteria)

        for nomination, (points, events, cooperation, reviews, panel, final) in zip(
            nominations, expected, strict=True
        ):
            actual = scored[nomination.pk]
            assert actual.category_points == points
            assert (
                actual.verified_events,
                actual.cooperation_score,
                actual.reviews,
                actual.panel_score,
                actual.final_score,
                actual.pending,
            ) == (events, cooperation, reviews, panel, final, reviews < spec["quorum"])

        standings = [
            scoring.Standing(
                key=nomination.pk,
                br_number=nomination.enterprise.br_number,
                cooperation=cooperation,
                panel=panel,
                final=final,
                verified_events=events,
                reviews=reviews,
            )
            for nomination, (_, events, cooperation, reviews, panel, final) in zip(
                nominations, expected, strict=True
            )
        ]
        ranked, pending = scoring.rank(standings, spec["quorum"])
        assert [(r.rank, r.nomination.pk) for r in ranking.ranked] == [
            (p, s.key) for p, s in ranked
        ]
        assert [r.nomination.pk for r in ranking.pending] == [s.key for s in pending]
        transaction.set_rollback(True)
