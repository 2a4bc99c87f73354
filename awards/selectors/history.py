"""An enterprise's award history: every cycle it was nominated in, with the frozen outcome of
the finalised ones, and its current streak; and its cooperation score across the cycles."""

import contextlib
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.utils.translation import gettext

from awards.models import CooperationTally, Cycle, Nomination, NominationResult
from awards.selectors.scores import awarded_streaks, cooperation_of_points, cycle_rules
from partners.models import Enterprise


@dataclass(frozen=True)
class AwardHistoryRow:
    nomination: Nomination
    cycle: Cycle
    result: NominationResult | None  # the frozen snapshot, once the cycle is finalised

    @property
    def awarded(self) -> bool | None:
        """The frozen decision once finalised; before that the secretariat's current one
        (None while undecided), which may still change."""
        if self.result is not None:
            return self.result.awarded
        return self.nomination.awarded


@dataclass(frozen=True)
class AwardHistory:
    rows: list[AwardHistoryRow]  # the latest cycle first
    streak: int  # consecutive awards ending with `streak_cycle`
    streak_cycle: Cycle | None  # the latest finalised (or published) cycle


def enterprise_award_history(enterprise: Enterprise) -> AwardHistory:
    """Four queries, whatever the number of cycles (one if it was never nominated)."""
    rows = []
    for nomination in (
        Nomination.objects.filter(enterprise=enterprise)
        .select_related("cycle", "result")
        .order_by("-cycle__year")
    ):
        result = None
        if nomination.cycle.is_frozen:
            with contextlib.suppress(ObjectDoesNotExist):
                result = nomination.result
        rows.append(AwardHistoryRow(nomination=nomination, cycle=nomination.cycle, result=result))
    if not rows:
        return AwardHistory(rows=[], streak=0, streak_cycle=None)
    latest = Cycle.objects.filter(status__in=Cycle.FROZEN_STATUSES).order_by("-year").first()
    streak = awarded_streaks(latest, [enterprise.pk])[enterprise.pk] if latest else 0
    return AwardHistory(rows=rows, streak=streak, streak_cycle=latest)


@dataclass(frozen=True)
class CycleCooperation:
    """An enterprise's cooperation score under one cycle's window and rules."""

    cycle: Cycle
    score: Decimal
    frozen: bool  # True: the finalised result's score; False: computed live from the events
    nomination: Nomination | None  # None: never nominated in that cycle
    awarded: bool  # by the frozen result only: a decision still open is no award yet


def cooperation_scores_by_cycle(enterprise: Enterprise, cycles) -> list[CycleCooperation]:
    """The enterprise's cooperation score in each of `cycles`, the oldest first: the frozen
    NominationResult.cooperation_score where the cycle is finalised and the enterprise has a
    result, else the kept tally of that cycle's window and rules (awards.models.scores: no
    tally, no verified event in the window: the score of nothing). Two queries whatever the
    number of cycles and events: its nominations with their results, and its tallies."""
    cycles = sorted(cycles, key=lambda cycle: cycle.year)
    if not cycles:
        return []
    nominations = {
        nomination.cycle_id: nomination
        for nomination in Nomination.objects.filter(
            enterprise=enterprise, cycle__in=cycles
        ).select_related("result")
    }
    results = {}
    for cycle in cycles:
        nomination = nominations.get(cycle.pk)
        if cycle.is_frozen and nomination is not None:
            with contextlib.suppress(ObjectDoesNotExist):
                results[cycle.pk] = nomination.result
    live = [cycle.pk for cycle in cycles if cycle.pk not in results]
    kept = dict(
        CooperationTally.objects.filter(enterprise=enterprise, cycle__in=live).values_list(
            "cycle_id", "cooperation_score"
        )
    )
    rows = []
    for cycle in cycles:
        nomination = nominations.get(cycle.pk)
        result = results.get(cycle.pk)
        if result is not None:
            score = result.cooperation_score
        elif cycle.pk in kept:
            score = kept[cycle.pk]
        else:
            score = cooperation_of_points({}, cycle_rules(cycle))
        rows.append(
            CycleCooperation(
                cycle=cycle,
                score=score,
                frozen=result is not None,
                nomination=nomination,
                awarded=bool(result is not None and result.awarded),
            )
        )
    return rows


def cooperation_chart(rows: list[CycleCooperation]) -> dict:
    """The line chart of static/js/charts.js: the award years' points are stars, and bigger."""
    return {
        "labels": [str(row.cycle.year) for row in rows],
        "datasets": [
            {
                "label": gettext("Cooperation score"),
                "data": [float(row.score) for row in rows],
                "pointStyles": ["star" if row.awarded else "circle" for row in rows],
                "pointRadii": [10 if row.awarded else 4 for row in rows],
            }
        ],
        "yMax": 100,
    }
