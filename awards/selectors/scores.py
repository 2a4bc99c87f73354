"""Every score of a cycle, computed once: the database aggregates put together with the rules
of awards.scoring (docs/scoring.md)."""

import operator
from dataclasses import dataclass
from decimal import Decimal
from functools import reduce

from django.db.models import F

from awards import scoring
from awards.models import Cycle, Nomination
from awards.querysets import category_points


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


def cycle_rules(cycle: Cycle, rules=None) -> dict[str, scoring.Rule]:
    return {
        rule.event_type: scoring.Rule(points=rule.points, cap=rule.cap)
        for rule in (cycle.event_rules.all() if rules is None else rules)
    }


def score_nominations(cycle: Cycle, nominations, rules=None) -> list[ScoredNomination]:
    """Scores of `nominations` (a queryset of the cycle's nominations), from one aggregate
    query, with the arithmetic of awards.scoring. `rules` (EventTypeRule objects, possibly
    unsaved) replace the cycle's own, for a what-if that is never saved."""
    rule_rows = list(cycle.event_rules.all() if rules is None else rules)
    rows = nominations.with_scores(cycle, rule_rows).select_related("enterprise")
    rules = cycle_rules(cycle, rule_rows)
    total_weight = sum((criterion.weight for criterion in cycle.criteria.all()), Decimal(0))
    scored = []
    for row in rows:
        points = {event_type: getattr(row, f"points_{event_type}") for event_type in rules}
        cooperation = scoring.cooperation_score(points, rules)
        panel = (
            scoring.round2(scoring.TEN * row.panel_weighted / (total_weight * row.reviews))
            if row.reviews and total_weight
            else None
        )
        scored.append(
            ScoredNomination(
                nomination=row,
                category_points=points,
                verified_events=row.verified_events,
                cooperation_score=cooperation,
                reviews=row.reviews,
                panel_score=panel,
                final_score=(
                    scoring.final_score(cooperation, panel, cycle.cooperation_weight)
                    if panel is not None
                    else None
                ),
                pending=row.reviews < cycle.quorum,
            )
        )
    return scored


def awarded_streaks(cycle: Cycle, enterprise_ids) -> dict[int, int]:
    """Streak per enterprise (docs/scoring.md): consecutive cycles, ending with `cycle`, in
    which it was awarded. Earlier cycles count by their frozen results; `cycle` itself by its
    frozen result once finalised, else by the secretariat's current decision. One query."""
    cycles = list(Cycle.objects.filter(year__lte=cycle.year).order_by("year"))
    awarded = {
        (cycle_id, enterprise_id): bool(result_awarded if result_awarded is not None else decision)
        for cycle_id, enterprise_id, result_awarded, decision in Nomination.objects.filter(
            cycle__in=cycles,
            enterprise_id__in=list(enterprise_ids),
            status=Nomination.Status.ACTIVE,
        ).values_list("cycle_id", "enterprise_id", "result__awarded", "awarded")
    }
    return {
        enterprise_id: scoring.streak([awarded.get((c.pk, enterprise_id), False) for c in cycles])
        for enterprise_id in enterprise_ids
    }


@dataclass(frozen=True)
class TopEnterprise:
    enterprise: object  # partners.models.Enterprise
    cooperation_score: Decimal


def top_enterprises(cycle: Cycle, enterprises, limit: int = 10) -> list[TopEnterprise]:
    """The `limit` enterprises (of the `enterprises` queryset) with the highest cooperation
    score for `cycle`'s window and rules, nominated or not: ordered in the database by the sum
    of their capped category points (the score is that sum over a constant, Σ c_k), scored
    with awards.scoring so that they round as on every other page. Two queries (rules, top);
    enterprises without a point are left out."""
    rule_rows = list(cycle.event_rules.all())
    if not rule_rows:
        return []
    rules = cycle_rules(cycle, rule_rows)
    points = category_points(cycle, rule_rows, events="events__")
    rows = (
        enterprises.annotate(**points)
        .annotate(points_total=reduce(operator.add, [F(name) for name in points]))
        .filter(points_total__gt=0)
        .order_by("-points_total", "name_en", "pk")[:limit]
    )
    return [
        TopEnterprise(
            enterprise=row,
            cooperation_score=scoring.cooperation_score(
                {event_type: getattr(row, f"points_{event_type}") for event_type in rules}, rules
            ),
        )
        for row in rows
    ]
