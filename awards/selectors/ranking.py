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

from django.db import connection
from django.db.models import Case, F, Q, When

from awards import scoring
from awards.models import (
    Cycle,
    EventType,
    EventTypeRule,
    Nomination,
    NominationResult,
    NominationScore,
    Review,
    ReviewScore,
)
from awards.selectors.scores import (
    awarded_streaks,
    cycle_rules,
    kept_inputs,
    kept_scores,
    score_with_counts,
)


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

    @property
    def labelled_points(self) -> list[tuple[str, Decimal | None]]:
        """(event type's label, its points), in the order of ordered_points."""
        points = self.category_points
        return [
            (EventType(code).label, scoring.round2(points[code]))
            for code in EventType.values
            if code in points
        ]


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


def _event_types(cycle: Cycle, rules=None) -> list[str]:
    ruled = (
        set(rules)
        if rules is not None
        else set(cycle.event_rules.values_list("event_type", flat=True))
    )
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


# Which nominations, in which order: a page of the ranking is a slice of this.


def ranking_order(cycle: Cycle, visible=None, search: str = "", *, live: bool | None = None):
    """The nominations the ranking shows, in its order (docs/scoring.md): ranked
    ones first, best first, then the pending by BR number. Live from the kept scores; once the
    cycle is finalised from its frozen results. `visible` (a queryset of nominations) keeps the
    rows the reader may see; `search` finds an enterprise by either name or its BR number.
    `live` True: the live order even of a finalised cycle."""
    if cycle.is_frozen and not live:
        nominations = Nomination.objects.filter(cycle=cycle, result__isnull=False).order_by(
            F("result__rank").asc(nulls_last=True), "enterprise__br_number"
        )
    else:
        # Ranked ones by their scores; pending ones by BR number alone.
        ranked = {
            f"ranked_{name}": Case(When(score__pending=False, then=F(f"score__{name}")))
            for name in ("final_score", "cooperation_score", "verified_events")
        }
        nominations = (
            Nomination.objects.filter(cycle=cycle)
            .active()
            .annotate(**ranked)
            .order_by(
                "score__pending",
                *(F(name).desc(nulls_last=True) for name in ranked),
                # The kept copy, as the ranks (_live_ranks) read it: no join of the enterprises.
                "score__br_number",
            )
        )
    if visible is not None:
        nominations = nominations.filter(pk__in=visible.filter(cycle=cycle).values("pk"))
    if search := search.strip():
        nominations = nominations.filter(
            Q(enterprise__name_en__icontains=search)
            | Q(enterprise__name_zh__icontains=search)
            | Q(enterprise__br_number__startswith=search)
        )
    return nominations


def ranking_rows(cycle: Cycle, nomination_ids) -> Ranking:
    """The rows of `nomination_ids` (in that order), with their ranks in the whole cycle: a
    page of ranking_order, say."""
    nomination_ids = [getattr(n, "pk", n) for n in nomination_ids]
    if cycle.is_frozen:
        return frozen_ranking(cycle, nomination_ids)
    return live_ranking(cycle, nomination_ids)


def live_ranking(cycle: Cycle, nomination_ids=None) -> Ranking:
    """The ranking of the cycle's active nominations as it stands now, with the secretariat's
    current decisions and the streaks they would give: every row, or the rows of
    `nomination_ids` (in that order) with their ranks in the whole cycle. From the kept scores
    (awards.models.scores); a fixed number of queries whatever the number of nominees."""
    rules = cycle_rules(cycle)
    if nomination_ids is None:
        # The whole ranking: every kept score, in order; the ranks are their positions.
        scored = kept_scores(cycle, ranking_order(cycle, live=True), rules=rules)
        ranks = {s.nomination.pk: n for n, s in enumerate(_ranked_only(scored), start=1)}
    else:
        nomination_ids = list(nomination_ids)
        by_pk = {s.nomination.pk: s for s in kept_scores(cycle, nomination_ids, rules=rules)}
        scored = [by_pk[pk] for pk in nomination_ids]
        ranks = _live_ranks(cycle, nomination_ids)
    streaks = awarded_streaks(cycle, [s.nomination.enterprise_id for s in scored])
    ranked, pending = [], []
    for s in scored:
        s.nomination.cycle = cycle  # links (get_absolute_url) without a query per row
        rank = None if s.pending else ranks[s.nomination.pk]
        row = _row(cycle, s.nomination, rank, s, streaks[s.nomination.enterprise_id])
        (pending if row.pending else ranked).append(row)
    return Ranking(
        cycle=cycle,
        frozen=False,
        event_types=_event_types(cycle, rules),
        ranked=ranked,
        pending=pending,
    )


def _ranked_only(scored):
    return [s for s in scored if not s.pending]


def _live_ranks(cycle: Cycle, nomination_ids: list[int]) -> dict[int, int]:
    """{nomination id: rank in the whole cycle} of the ranked ones among `nomination_ids`: a
    window over the kept scores, in docs/scoring.md's order (a total order: no ties)."""
    if not nomination_ids:
        return {}
    table = NominationScore._meta.db_table
    placeholders = ", ".join(["%s"] * len(nomination_ids))
    sql = (
        f"SELECT nomination_id, rank FROM ("  # noqa: S608 (no user text: ids and the pk)
        f" SELECT nomination_id, ROW_NUMBER() OVER ("
        f"  ORDER BY final_score DESC, cooperation_score DESC, verified_events DESC,"
        f"  br_number ASC) AS rank"
        f" FROM {table} WHERE cycle_id = %s AND active AND NOT pending"
        f") ranked WHERE nomination_id IN ({placeholders})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [cycle.pk, *nomination_ids])
        return dict(cursor.fetchall())


def frozen_ranking(cycle: Cycle, nomination_ids=None) -> Ranking:
    """The snapshot written when the cycle was finalised: every row, or those of
    `nomination_ids` in that order."""
    results = NominationResult.objects.filter(nomination__cycle=cycle).select_related(
        "nomination__enterprise"
    )
    if nomination_ids is not None:
        nomination_ids = list(nomination_ids)
        results = results.filter(nomination__in=nomination_ids)
    for result in results:
        result.nomination.cycle = cycle
    rows = {
        result.nomination_id: RankingRow(
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
    }
    if nomination_ids is None:
        ordered = sorted(
            rows.values(),
            key=lambda r: (r.rank is None, r.rank or 0, r.nomination.enterprise.br_number),
        )
    else:
        ordered = [rows[pk] for pk in nomination_ids if pk in rows]
    return Ranking(
        cycle=cycle,
        frozen=True,
        event_types=_event_types(cycle),
        ranked=[r for r in ordered if r.rank is not None],
        pending=[r for r in ordered if r.rank is None],
    )


def awarded_count(cycle: Cycle) -> int:
    """How many are awarded: by the frozen results once finalised, else the decisions."""
    if cycle.is_frozen:
        return NominationResult.objects.filter(nomination__cycle=cycle, awarded=True).count()
    return Nomination.objects.filter(cycle=cycle, awarded=True).active().count()


def ranking_of(cycle: Cycle, visible=None) -> Ranking:
    """The whole ranking to show: frozen once finalised, else live. Ranks are always those of
    the whole cycle; `visible` (a queryset of nominations) keeps only the rows the reader may
    see."""
    if visible is None:
        return frozen_ranking(cycle) if cycle.is_frozen else live_ranking(cycle)
    return ranking_rows(cycle, ranking_order(cycle, visible).values_list("pk", flat=True))


# What-if


def _ranked(cycle: Cycle, rules=None) -> tuple[list[tuple[int, object]], list]:
    """The cycle's active nominations scored from the kept counts and panel numbers, under the
    cycle's settings (an unsaved copy of it for a what-if) and `rules`, and ranked:
    ([(rank, ScoredNomination)], [pending ScoredNomination])."""
    nominations = list(
        Nomination.objects.filter(cycle=cycle).active().select_related("enterprise", "score")
    )
    counts, panel = kept_inputs(cycle, nominations)
    rule_rows = list(cycle.event_rules.all() if rules is None else rules)
    scored = score_with_counts(cycle, nominations, counts, panel, cycle_rules(cycle, rule_rows))
    ranked, pending = scoring.rank([s.standing() for s in scored], cycle.quorum)
    return [(rank, standing.key) for rank, standing in ranked], [s.key for s in pending]


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
