"""Small cycles whose scores are easy to compute by hand, for the ranking and decision tests.

Two event types whose caps add up to 100, so that the cooperation score is the sum of the
category points; one panel criterion of weight 1, so that a member score is 10 × the score.
"""

import datetime
from decimal import Decimal

from awards.models import Cycle
from partners.models import Enterprise
from tests.awards.factories import CycleFactory, NominationFactory, submitted_review
from tests.factories import EnterpriseFactory, EventFactory, UserFactory

D = Decimal
SIMPLE_RULES = {"controlled_delivery": (D(10), D(50)), "training": (D(5), D(50))}
ONE_CRITERION = [("Overall contribution", D(1))]
IN_WINDOW = datetime.date(2024, 6, 1)


def simple_cycle(year=2024, **fields) -> Cycle:
    fields = {
        "quorum": 2,
        "awards_planned": 2,
        "status": Cycle.Status.REVIEW,
        **fields,
    }
    return CycleFactory(year=year, rules=SIMPLE_RULES, criteria=ONE_CRITERION, **fields)


def panel(n=4) -> list:
    return [UserFactory(username=f"panel{i}", roles=["Panel"]) for i in range(1, n + 1)]


def staff():
    return (
        UserFactory(username="officer", roles=["Officer"]),
        UserFactory(username="verifier", roles=["Verifier"]),
        UserFactory(username="secretariat", roles=["Secretariat"]),
    )


def nominee(
    cycle,
    br: str,
    *,
    deliveries=0,
    major_deliveries=0,
    trainings=0,
    scores=(),
    members=None,
    name=None,
    occurred_on=IN_WINDOW,
):
    """A nominated enterprise (created, or found by its BR number) with routine (or major)
    controlled deliveries and trainings verified on `occurred_on`, and one submitted review per
    score (by panel1, panel2…)."""
    officer, verifier, secretariat = staff()
    enterprise = Enterprise.objects.filter(br_number=br).first() or EnterpriseFactory(
        br_number=br, name_en=name or f"Enterprise {br} Limited", name_zh=f"企業{br}有限公司"
    )
    specs = (
        [("controlled_delivery", "routine")] * deliveries
        + [("controlled_delivery", "major")] * major_deliveries
        + [("training", "routine")] * trainings
    )
    for event_type, significance in specs:
        EventFactory(
            enterprise=enterprise,
            event_type=event_type,
            significance=significance,
            occurred_on=occurred_on,
            logged_by=officer,
            verified=True,
            verified_by=verifier,
        )
    nomination = NominationFactory(cycle=cycle, enterprise=enterprise, nominated_by=secretariat)
    members = members or panel(len(scores))
    for member, score in zip(members, scores, strict=False):
        submitted_review(nomination, member, [score])
    return nomination


def worked_example(cycle) -> dict:
    """Four nominees, hand-computed (α 0.6, quorum 2, 2 awards planned):
    A 10000001: 3 deliveries + 2 trainings = 40 → coop 40.00; M 80, 60 → panel 70.00;
                final 0.6 × 40 + 0.4 × 70 = 52.00
    B 10000002: 2 major deliveries = 60, capped 50 → coop 50.00; M 50, 60 → panel 55.00;
                final 30 + 22 = 52.00: ties with A, ranks above on the cooperation score
    C 10000003: 1 delivery → coop 10.00; M 90, 90, 100 → panel 93.33; final 6 + 37.332 = 43.33
    D 10000004: 5 deliveries + 1 training → coop 55.00; one review (M 70): pending.
    Ranking: 1 B, 2 A, 3 C; D pending. Reviews by panel1, panel2, panel3 in that order."""
    members = panel(3)
    return {
        "A": nominee(cycle, "10000001", deliveries=3, trainings=2, scores=[8, 6], members=members),
        "B": nominee(cycle, "10000002", major_deliveries=2, scores=[5, 6], members=members),
        "C": nominee(cycle, "10000003", deliveries=1, scores=[9, 9, 10], members=members),
        "D": nominee(cycle, "10000004", deliveries=5, trainings=1, scores=[7], members=members),
    }
