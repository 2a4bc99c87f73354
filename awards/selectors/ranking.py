"""The ranking as the pages, the decisions and the export show it.

While a cycle is open the rows come live from awards.selectors.scores (the one computation of
every score); once it is finalised they come from the frozen NominationResult snapshot, which later
changes to events or reviews never touch. cycle_finalise writes that snapshot from live_ranking,
so a finalised cycle shows exactly what the secretariat saw when it finalised.
"""

import copy
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from awards import scoring
from awards.models import (
    Cycle,
    EventType,
    EventTypeRule,
    Nomination,
    NominationResult,
    Review,
    ReviewScore,
)
from awards.selectors.scores import ScoredNomination, awarded_streaks, score_nominations


def is_suggested(rank: int | None, awards_planned: int) -> bool:
    """The top N of the ranking are suggested as awardees; pending nominees never are."""
    return rank is not None and rank <= awards_planned


def departs_from_ranking(rank: int | None, awarded: bool | None, awards_planned: int) -> bool:
    """A decision departs from the ranking when it awards someone outside the top N or does
    not award someone inside it. Such a decision needs a written rationale."""
    return awarded is not None and awarded != is_suggested(rank, awards_planned)


@dataclass(frozen=True)
class RankingRow:
    nomination: Nomination
    rank: int | None  # None: pending
    category_points: dict[str, Decimal]  # event type → capped points
    verified_events: int
    cooperation_score: Decimal
    panel_score: Decimal | None
    reviews: int
    final_score: Decimal | None
    awarded: bool | None  # None: not decided yet (open cycles only)
    rationale: str
    streak: int
    suggested: bool
    departs: bool

    @property
    def enterprise(self):
        return self.nomination.enterprise

    @property
    def pending(self) -> bool:
        return self.rank is None

    @property
    def ordered_points(self) -> list[Decimal | None]:
        """Category points to 2 places, in EventType order (the columns of Ranking)."""
        points = self.category_points
        return [scoring.round2(points[code]) for code in EventType.values if code in points]


@dataclass(frozen=True)
class Ranking:
    cycle: Cycle
    frozen: bool
    event_types: list[str]  # the cycle's event types, in EventType order
    ranked: list[RankingRow]
    pending: list[RankingRow]

    @property
    def rows(self) -> list[RankingRow]:
        return [*self.ranked, *self.pending]

    @property
    def event_type_labels(self) -> list[tuple[str, str]]:
        return [(code, EventType(code).label) for code in self.event_types]


def _event_types(cycle: Cycle) -> list[str]:
    ruled = set(cycle.event_rules.values_list("event_type", flat=True))
    return [code for code in EventType.values if code in ruled]


def _row(cycle, nomination, rank, scored, streak) -> RankingRow:
    return RankingRow(
        nomination=nomination,
        rank=rank,
        category_points=scored.category_points,
        verified_events=scored.verified_events,
        cooperation_score=scored.cooperation_score,
        panel_score=scored.panel_score,
        reviews=scored.reviews,
        final_score=scored.final_score,
        awarded=nomination.awarded,
        rationale=nomination.decision_rationale,
        streak=streak,
        suggested=is_suggested(rank, cycle.awards_planned),
        departs=departs_from_ranking(rank, nomination.awarded, cycle.awards_planned),
    )


def _ranked(cycle: Cycle, rules=None) -> tuple[list[tuple[int, ScoredNomination]], list]:
    """The cycle's active nominations scored and ranked by the rules of docs/scoring.md:
    ([(rank, scored)], [pending scored])."""
    nominations = Nomination.objects.filter(cycle=cycle).active()
    scored = score_nominations(cycle, nominations, rules)
    ranked, pending = scoring.rank([s.standing() for s in scored], cycle.quorum)
    return [(rank, standing.key) for rank, standing in ranked], [s.key for s in pending]


def live_ranking(cycle: Cycle, *, rules=None) -> Ranking:
    """The ranking of the cycle's active nominations as it stands now, with the secretariat's
    current decisions and the streaks they would give. `rules` (EventTypeRule objects,
    possibly unsaved) replace the cycle's own, for a what-if that is never saved."""
    ranked, pending = _ranked(cycle, rules)
    scored = [s for _, s in ranked] + pending
    for s in scored:
        s.nomination.cycle = cycle  # links (get_absolute_url) without a query per row
    streaks = awarded_streaks(cycle, [s.nomination.enterprise_id for s in scored])
    return Ranking(
        cycle=cycle,
        frozen=False,
        event_types=_event_types(cycle),
        ranked=[
            _row(cycle, s.nomination, rank, s, streaks[s.nomination.enterprise_id])
            for rank, s in ranked
        ],
        pending=[
            _row(cycle, s.nomination, None, s, streaks[s.nomination.enterprise_id]) for s in pending
        ],
    )


def frozen_ranking(cycle: Cycle) -> Ranking:
    """The snapshot written when the cycle was finalised."""
    results = NominationResult.objects.filter(nomination__cycle=cycle).select_related(
        "nomination__enterprise"
    )
    for result in results:
        result.nomination.cycle = cycle
    rows = [
        RankingRow(
            nomination=result.nomination,
            rank=result.rank,
            category_points={k: Decimal(v) for k, v in result.category_points.items()},
            verified_events=result.verified_events,
            cooperation_score=result.cooperation_score,
            panel_score=result.panel_score,
            reviews=result.reviews,
            final_score=result.final_score,
            awarded=result.awarded,
            rationale=result.rationale,
            streak=result.streak,
            suggested=is_suggested(result.rank, cycle.awards_planned),
            departs=departs_from_ranking(result.rank, result.awarded, cycle.awards_planned),
        )
        for result in results
    ]
    ranked = sorted((r for r in rows if r.rank is not None), key=lambda r: r.rank)
    pending = sorted(
        (r for r in rows if r.rank is None), key=lambda r: r.nomination.enterprise.br_number
    )
    return Ranking(
        cycle=cycle,
        frozen=True,
        event_types=_event_types(cycle),
        ranked=ranked,
        pending=pending,
    )


def ranking_of(cycle: Cycle, visible=None) -> Ranking:
    """The ranking to show: frozen once finalised, else live. Ranks are always those of the
    whole cycle; `visible` (a queryset of nominations) keeps only the rows the reader may see."""
    ranking = frozen_ranking(cycle) if cycle.is_frozen else live_ranking(cycle)
    if visible is None:
        return ranking
    keep = set(visible.filter(cycle=cycle).values_list("pk", flat=True))
    return Ranking(
        cycle=ranking.cycle,
        frozen=ranking.frozen,
        event_types=ranking.event_types,
        ranked=[row for row in ranking.ranked if row.nomination.pk in keep],
        pending=[row for row in ranking.pending if row.nomination.pk in keep],
    )


# What-if


@dataclass(frozen=True)
class WhatIfRow:
    nomination: Nomination
    official_rank: int | None
    what_if_rank: int | None
    official_final: Decimal | None
    what_if_final: Decimal | None
    what_if_cooperation: Decimal

    @property
    def movement(self) -> int | None:
        """Places gained (positive) or lost (negative); None for a pending nominee."""
        if self.official_rank is None or self.what_if_rank is None:
            return None
        return self.official_rank - self.what_if_rank

    @property
    def movement_label(self) -> str:
        if self.movement is None:
            return ""
        if self.movement > 0:
            return f"↑{self.movement}"
        if self.movement < 0:
            return f"↓{-self.movement}"
        return "="


def what_if(
    cycle: Cycle,
    *,
    cooperation_weight: Decimal,
    multipliers: dict[str, Decimal],
    rules: dict[str, tuple[Decimal, Decimal]],
) -> list[WhatIfRow]:
    """The ranking under other settings, next to the official one. Nothing is saved: the
    same selector scores an in-memory copy of the cycle and unsaved event-type rules."""
    official = _ranked(cycle)
    trial_cycle = copy.copy(cycle)
    trial_cycle.cooperation_weight = cooperation_weight
    trial_cycle.multiplier_routine = multipliers["routine"]
    trial_cycle.multiplier_notable = multipliers["notable"]
    trial_cycle.multiplier_major = multipliers["major"]
    trial_rules = [
        EventTypeRule(event_type=code, points=points, cap=cap)
        for code, (points, cap) in rules.items()
    ]
    trial_ranked, trial_pending = _ranked(trial_cycle, rules=trial_rules)
    official_ranked, official_pending = official
    official_by_pk = {s.nomination.pk: (rank, s) for rank, s in official_ranked}
    official_by_pk.update({s.nomination.pk: (None, s) for s in official_pending})
    rows = []
    for rank, scored in [*trial_ranked, *((None, s) for s in trial_pending)]:
        official_rank, official_scored = official_by_pk[scored.nomination.pk]
        rows.append(
            WhatIfRow(
                nomination=scored.nomination,
                official_rank=official_rank,
                what_if_rank=rank,
                official_final=official_scored.final_score,
                what_if_final=scored.final_score,
                what_if_cooperation=scored.cooperation_score,
            )
        )
    return rows


# Reviewer normalisation


def cycle_member_scores(cycle: Cycle) -> dict[tuple[int, int], Decimal]:
    """{(member id, nomination id): member score M_r} over the counted reviews (submitted, not
    recused) of the cycle's active nominations. Two queries."""
    weights = {criterion.pk: criterion.weight for criterion in cycle.criteria.all()}
    scores = defaultdict(dict)
    rows = ReviewScore.objects.filter(
        review__in=Review.objects.counted(),
        review__assignment__nomination__cycle=cycle,
        review__assignment__nomination__status=Nomination.Status.ACTIVE,
    ).values_list(
        "review__assignment__member_id",
        "review__assignment__nomination_id",
        "criterion_id",
        "score",
    )
    for member_id, nomination_id, criterion_id, score in rows:
        scores[(member_id, nomination_id)][criterion_id] = score
    return {key: scoring.member_score(given, weights) for key, given in scores.items()}
