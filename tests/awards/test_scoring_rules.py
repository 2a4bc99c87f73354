"""The default rules on hand-computed examples, in Python and in the database."""

import datetime
from decimal import Decimal

import pytest

from awards import scoring
from awards.models import Nomination
from awards.selectors.scores import (
    counted_events,
    cycle_rules,
    event_counts,
    panel_numbers,
    points_of_counts,
    score_nominations,
)
from tests.awards.factories import (
    CycleFactory,
    NominationFactory,
    submitted_review,
    verified_events,
)
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal


def test_category_points_are_capped_and_weighted_by_significance():
    rules = {
        "controlled_delivery": scoring.Rule(D(10), D(30)),
        "training": scoring.Rule(D(1), D(4)),
    }
    multipliers = {"routine": D(1), "notable": D(2), "major": D(3)}
    events = [
        ("controlled_delivery", "major"),
        ("controlled_delivery", "notable"),
        ("training", "routine"),
    ]
    points = scoring.category_points(events, rules, multipliers)
    assert points == {"controlled_delivery": D(30), "training": D(1)}  # 30 + 20 capped at 30
    assert scoring.cooperation_score(points, rules) == D("91.18")  # 100 × 31 / 34


def test_the_database_computes_the_same_worked_example(officer, verifier):
    cycle = CycleFactory(year=2024)
    terminal = EnterpriseFactory(br_number="61458302")
    verified_events(
        terminal,
        verifier,
        officer,
        ("controlled_delivery", "major", datetime.date(2024, 3, 14)),
        ("controlled_delivery", "notable", datetime.date(2024, 12, 31)),  # window's last day
        ("controlled_delivery", "major", datetime.date(2023, 12, 31)),  # before the window
        ("training", "routine", datetime.date(2024, 1, 1)),  # window's first day
        ("data_sharing", "notable", datetime.date(2024, 5, 21)),
    )
    nomination = NominationFactory(cycle=cycle, enterprise=terminal)
    members = [UserFactory(username=f"panel{i}", roles=["Panel"]) for i in (1, 2, 3)]
    submitted_review(nomination, members[0], [8, 6])  # M = 10 × (16 + 6) / 3 = 73.33…
    submitted_review(nomination, members[1], [9, 9])  # M = 90
    submitted_review(nomination, members[2], [2, 2], declaration="conflict")  # never counts

    counts = event_counts(cycle)[terminal.pk]
    points = points_of_counts(counts, cycle, cycle_rules(cycle))
    panel = panel_numbers(cycle)[nomination.pk]
    [scored] = score_nominations(cycle, Nomination.objects.all())

    # controlled delivery 30 + 20 = 50, capped 30; training 1; data sharing 4 × 2 = 8
    assert points["controlled_delivery"] == D(30)
    assert points["training"] == D(1)
    assert points["data_sharing"] == D(8)
    assert points["intelligence_tip"] == D(0)
    assert counted_events(counts) == 4
    assert panel.reviews == 2
    assert panel.weighted == D(49)  # 2×8 + 6 + 2×9 + 9; the recused review is left out
    assert scored.cooperation_score == D("36.11")  # 100 × 39 / 108 (the caps add up to 108)
    assert scored.panel_score == D("81.67")  # mean of 73.33… and 90
    assert scored.final_score == D("54.33")  # 0.6 × 36.11 + 0.4 × 81.67 = 54.334
