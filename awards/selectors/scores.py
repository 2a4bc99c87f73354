"""Every score of a cycle, computed once: what the database counts, put together with the rules
of awards.scoring (docs/scoring.md).

Two reads, each filtered in its WHERE clause and grouped once, never joined to each other:
- `event_counts`: the verified events inside the window, per enterprise, type and significance
  (the index on enterprise, status and date serves it);
- `panel_numbers`: per nomination, the counted reviews and Σ weight × score over them.
`score_nominations` puts them together for any set of nominations: the fresh computation from
the records. The pages read the kept scores (awards.models.scores, kept by
awards.services.scores with these same functions), which a test proves equal to it.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from django.db import connections
from django.db.models import Count, F, Q, QuerySet, Sum

from awards import scoring
from awards.models import CooperationTally, Cycle, Nomination, Review, ReviewScore
from awards.querysets import SCORE, counted_review
from partners.models import CooperationEvent

ZERO = Decimal(0)
Counts = dict[str, dict[str, int]]  # event type -> significance -> verified events
SIGNIFICANCES = CooperationEvent.Significance.values


@dataclass(frozen=True)
class ScoredNomination:
    nomination: Nomination
    category_points: dict[str, Decimal]  # event type → capped points, in the cycle's type order
    verified_events: int
    cooperation_score: Decimal
    reviews: int
    panel_score: Decimal | None
    final_score: Decimal | None
    pending: bool
    # The verified events counted by type and significance, when read from the kept tallies.
    counts: Counts = field(default_factory=dict, compare=False)

    def standing(self) -> scoring.Standing:
        return scoring.Standing(
            key=self,
            br_number=self.nomination.enterprise.br_number,
            cooperation=self.cooperation_score,
            panel=self.panel_score,
            final=self.final_score,
            verified_events=self.verified_events,
            reviews=self.reviews,
        )


class PanelNumbers(NamedTuple):
    reviews: int  # counted: submitted, by a member not recused
    weighted: Decimal  # Σ weight × score over the counted reviews


NO_REVIEWS = PanelNumbers(0, ZERO)


def in_event_type_order(codes) -> list[str]:
    """`codes` in the order of CooperationEvent.EventType, the order of every table of
    categories (the ranking's columns, the cycle's rules); a code no longer a type last."""
    order = {code: index for index, code in enumerate(CooperationEvent.EventType.values)}
    return sorted(codes, key=lambda code: (order.get(code, len(order)), code))


def cycle_rules(cycle: Cycle, rules=None) -> dict[str, scoring.Rule]:
    """The cycle's event-type rules; `rules` (EventTypeRule objects, possibly unsaved) replace
    them, for a what-if that is never saved."""
    return {
        rule.event_type: scoring.Rule(points=rule.points, cap=rule.cap)
        for rule in (cycle.event_rules.all() if rules is None else rules)
    }


# The arithmetic, on counts


def counted_events(counts: Counts) -> int:
    return sum(n for by_significance in counts.values() for n in by_significance.values())


def points_of_counts(counts: Counts, cycle: Cycle, rules) -> dict[str, Decimal]:
    """P_k for every event type of `rules`, in the order of the rules."""
    return scoring.category_points_of_counts(counts, rules, cycle.multipliers)


def cooperation_of_points(points: dict[str, Decimal], rules) -> Decimal:
    return scoring.cooperation_score({k: points.get(k, ZERO) for k in rules}, rules)


def total_weight(cycle: Cycle) -> Decimal:
    return sum((criterion.weight for criterion in cycle.criteria.all()), ZERO)


def panel_and_final(
    cycle: Cycle, cooperation: Decimal, numbers: PanelNumbers, weight: Decimal
) -> tuple[Decimal | None, Decimal | None]:
    """The panel score (the mean of the member scores M_r = 10 Σ w s / W, which every counted
    review gives on every criterion: 10 × Σ w s / (W × reviews)) and the final score."""
    if not numbers.reviews or not weight:
        return None, None
    panel = scoring.round2(scoring.TEN * numbers.weighted / (weight * numbers.reviews))
    return panel, scoring.final_score(cooperation, panel, cycle.cooperation_weight)


# The reads


def event_counts(cycle: Cycle, enterprise_ids=None) -> dict[int, Counts]:
    """{enterprise id: counts} of the verified events that occurred inside the cycle's window,
    for the enterprises of `enterprise_ids` (a list or a subquery; None: every enterprise).
    One grouped query."""
    events = CooperationEvent.objects.verified_in_window(cycle.window_start, cycle.window_end)
    if enterprise_ids is not None:
        events = events.filter(enterprise_id__in=enterprise_ids)
    counts: dict[int, Counts] = defaultdict(dict)
    # One row per enterprise and type with a count per significance: a third of the rows of
    # grouping by significance too (at 2,000 nominees, 14,000 rows to read, not 42,000).
    per_significance = {
        f"n_{significance}": Count("pk", filter=Q(significance=significance))
        for significance in SIGNIFICANCES
    }
    grouped = (
        events.values("enterprise_id", "event_type")
        .annotate(**per_significance)
        .order_by()
        .values_list("enterprise_id", "event_type", *per_significance)
    )
    # Read with the database cursor: the counts are integers already, and the ORM's converter
    # per value is a third of the Python time at 14,000 rows.
    sql, params = grouped.query.sql_with_params()
    with connections[grouped.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for enterprise_id, event_type, *numbers in rows:
        counts[enterprise_id][event_type] = {
            significance: n for significance, n in zip(SIGNIFICANCES, numbers, strict=True) if n
        }
    return dict(counts)


def panel_numbers(cycle: Cycle, nomination_ids=None) -> dict[int, PanelNumbers]:
    """{nomination id: PanelNumbers} over the counted reviews of the cycle's nominations (of
    `nomination_ids`, a list or a subquery, if given). Two grouped queries."""
    reviews = Review.objects.counted().filter(assignment__nomination__cycle=cycle)
    marks = ReviewScore.objects.filter(
        counted_review("review__"), review__assignment__nomination__cycle=cycle
    )
    if nomination_ids is not None:
        reviews = reviews.filter(assignment__nomination__in=nomination_ids)
        marks = marks.filter(review__assignment__nomination__in=nomination_ids)
    counted = dict(
        reviews.values("assignment__nomination")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("assignment__nomination", "n")
    )
    weighted = dict(
        marks.values("review__assignment__nomination")
        .annotate(total=Sum(F("score") * F("criterion__weight"), output_field=SCORE))
        .order_by()
        .values_list("review__assignment__nomination", "total")
    )
    return {pk: PanelNumbers(n, weighted.get(pk) or ZERO) for pk, n in counted.items()}


def score_nominations(cycle: Cycle, nominations, rules=None) -> list[ScoredNomination]:
    """Scores of `nominations` (a queryset of the cycle's nominations), freshly from the events
    and reviews, with the arithmetic of awards.scoring. `rules` (EventTypeRule objects,
    possibly unsaved) replace the cycle's own."""
    rule_rows = list(cycle.event_rules.all() if rules is None else rules)
    rules = cycle_rules(cycle, rule_rows)
    nominations = nominations.filter(cycle=cycle)
    # The events and reviews are read for the nominations' subquery, not a list of their ids:
    # at 2,000 nominees the planner then joins instead of matching each row to a long list.
    counts = event_counts(cycle, nominations.values("enterprise_id"))
    panel = panel_numbers(cycle, nominations.values("pk"))
    return _scored(cycle, list(nominations.select_related("enterprise")), counts, panel, rules)


def score_with_counts(
    cycle: Cycle, nominations: list, counts: dict[int, Counts], panel, rules
) -> list[ScoredNomination]:
    """Scores from counts and panel numbers already read (kept ones for a what-if)."""
    return _scored(cycle, nominations, counts, panel, rules)


def kept_inputs(cycle: Cycle, nominations: list) -> tuple[dict[int, Counts], dict]:
    """The kept counts (tallies) and panel numbers of `nominations` (with their `score`
    loaded): what score_with_counts needs, without reading an event or a review."""
    counts = dict(
        CooperationTally.objects.filter(
            cycle=cycle, enterprise_id__in=[n.enterprise_id for n in nominations]
        ).values_list("enterprise_id", "counts")
    )
    panel = {}
    for nomination in nominations:
        kept = getattr(nomination, "score", None)
        if kept is not None:
            panel[nomination.pk] = PanelNumbers(kept.reviews, kept.panel_weighted)
    return counts, panel


def kept_scores(cycle: Cycle, nominations, rules=None) -> list[ScoredNomination]:
    """The scores of `nominations` (a queryset of the cycle's nominations, whose order is kept,
    or a list of ids) as kept: the numbers the ranking reads, with each nomination's category
    points from its tally. Two queries (three without `rules`, the cycle's cycle_rules)."""
    if not isinstance(nominations, QuerySet):
        nominations = Nomination.objects.filter(cycle=cycle, pk__in=list(nominations))
    nominations = list(nominations.select_related("enterprise", "score"))
    counts, _panel = kept_inputs(cycle, nominations)
    rules = cycle_rules(cycle) if rules is None else rules
    scored = []
    for nomination in nominations:
        kept = nomination.score
        scored.append(
            ScoredNomination(
                nomination=nomination,
                category_points=points_of_counts(
                    counts.get(nomination.enterprise_id, {}), cycle, rules
                ),
                verified_events=kept.verified_events,
                cooperation_score=kept.cooperation_score,
                reviews=kept.reviews,
                panel_score=kept.panel_score,
                final_score=kept.final_score,
                pending=kept.pending,
                counts=counts.get(nomination.enterprise_id, {}),
            )
        )
    return scored


def _scored(cycle, nominations, counts, panel, rules) -> list[ScoredNomination]:
    weight = total_weight(cycle)
    scored = []
    for nomination in nominations:
        own = counts.get(nomination.enterprise_id, {})
        points = points_of_counts(own, cycle, rules)
        cooperation = cooperation_of_points(points, rules)
        numbers = panel.get(nomination.pk, NO_REVIEWS)
        panel_score, final = panel_and_final(cycle, cooperation, numbers, weight)
        scored.append(
            ScoredNomination(
                nomination=nomination,
                category_points=points,
                verified_events=counted_events(own),
                cooperation_score=cooperation,
                reviews=numbers.reviews,
                panel_score=panel_score,
                final_score=final,
                pending=numbers.reviews < cycle.quorum,
            )
        )
    return scored


def awarded_streaks(cycle: Cycle, enterprise_ids) -> dict[int, int]:
    """Streak per enterprise (docs/scoring.md): consecutive cycles, ending with `cycle`, in
    which it was awarded. Earlier cycles count by their frozen results; `cycle` itself by its
    frozen result once finalised, else by the secretariat's current decision; while that is
    not taken yet, the streak is the one it comes into `cycle` with (a three-time winner not
    decided yet reads 3, not 0). One query."""
    enterprise_ids = list(enterprise_ids)
    cycles = list(Cycle.objects.filter(year__lte=cycle.year).order_by("year"))
    awarded, undecided = {}, set()
    for cycle_id, enterprise_id, result_awarded, decision in Nomination.objects.filter(
        cycle__in=cycles, enterprise_id__in=enterprise_ids, status=Nomination.Status.ACTIVE
    ).values_list("cycle_id", "enterprise_id", "result__awarded", "awarded"):
        awarded[(cycle_id, enterprise_id)] = bool(
            result_awarded if result_awarded is not None else decision
        )
        if cycle_id == cycle.pk and result_awarded is None and decision is None:
            undecided.add(enterprise_id)
    return {
        enterprise_id: scoring.streak(
            [
                awarded.get((c.pk, enterprise_id), False)
                for c in cycles
                if not (c.pk == cycle.pk and enterprise_id in undecided)
            ]
        )
        for enterprise_id in enterprise_ids
    }


@dataclass(frozen=True)
class TopEnterprise:
    enterprise: object  # partners.models.Enterprise
    cooperation_score: Decimal


def top_enterprises(cycle: Cycle, enterprises, limit: int = 10) -> list[TopEnterprise]:
    """The `limit` enterprises (of the `enterprises` queryset) with the highest cooperation
    score for `cycle`'s window and rules, nominated or not, read from the kept tallies in the
    order of their capped points (the score is that sum over a constant, Σ c_k). One query;
    enterprises without a point are left out."""
    rows = (
        CooperationTally.objects.filter(cycle=cycle, enterprise__in=enterprises, points_total__gt=0)
        .select_related("enterprise")
        .order_by("-points_total", "enterprise__name_en", "enterprise_id")[:limit]
    )
    return [TopEnterprise(row.enterprise, row.cooperation_score) for row in rows]
