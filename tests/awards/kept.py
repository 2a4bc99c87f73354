"""The check that the kept numbers equal a fresh computation from the records (docs/scoring.md):
used after random changes (test_kept_scores.py) and after seeding the demo (test_seed_demo.py)."""

from decimal import Decimal

from django.db.models import Count
from django.db.models.functions import TruncMonth

from awards.models import Assignment, CooperationTally, Cycle, Nomination, NominationScore
from awards.selectors.scores import (
    cooperation_of_points,
    cycle_rules,
    event_counts,
    points_of_counts,
    score_nominations,
)
from partners.models import CooperationEvent, EventMonthCount


def assert_kept_equals_fresh() -> None:
    for cycle in Cycle.objects.prefetch_related("event_rules", "criteria"):
        rules = cycle_rules(cycle)
        fresh = event_counts(cycle)
        kept = {t.enterprise_id: t for t in CooperationTally.objects.filter(cycle=cycle)}
        assert {e: t.counts for e, t in kept.items() if t.verified_events} == fresh
        for enterprise_id, tally in kept.items():
            points = points_of_counts(fresh.get(enterprise_id, {}), cycle, rules)
            assert tally.points_total == sum(points.values(), Decimal(0))
            assert tally.cooperation_score == cooperation_of_points(points, rules)
        scored = score_nominations(cycle, Nomination.objects.filter(cycle=cycle))
        kept_scores = {s.pk: s for s in NominationScore.objects.filter(cycle=cycle)}
        assert len(kept_scores) == len(scored)
        for s in scored:
            row = kept_scores[s.nomination.pk]
            assert (
                row.active,
                row.verified_events,
                row.cooperation_score,
                row.reviews,
                row.panel_score,
                row.final_score,
                row.pending,
            ) == (
                s.nomination.status == Nomination.Status.ACTIVE,
                s.verified_events,
                s.cooperation_score,
                s.reviews,
                s.panel_score,
                s.final_score,
                s.pending,
            )
    # The copies of the enterprises' names and BR numbers kept for the lists' order.
    for nomination in Nomination.objects.select_related("enterprise"):
        assert nomination.sort_name == nomination.enterprise.name_en
    for score in NominationScore.objects.select_related("nomination__enterprise"):
        assert score.br_number == score.nomination.enterprise.br_number
    # The panel assignments' kept states (the panel home's sort and counts).
    states = Assignment.objects.with_fresh_state().values_list("pk", "state", "fresh_state")
    assert [(pk, kept) for pk, kept, _fresh in states] == [
        (pk, fresh) for pk, _kept, fresh in states
    ]
    months = {
        (row["month"], row["event_type"], row["status"]): row["n"]
        for row in CooperationEvent.objects.annotate(month=TruncMonth("occurred_on"))
        .values("month", "event_type", "status")
        .annotate(n=Count("pk"))
        .order_by()
    }
    kept_months = {
        (m.month, m.event_type, m.status): m.count for m in EventMonthCount.objects.all() if m.count
    }
    assert kept_months == months
