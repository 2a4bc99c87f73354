"""The exported ranking of every demo cycle matches the rules of docs/scoring.md to the cent:
each row rebuilt here from the raw events and reviews with the pure rules of awards/scoring.py,
in Python loops, without the database aggregation the portal uses."""

import csv
import io
from collections import defaultdict

import pytest
from django.core.management import call_command

from awards import scoring
from awards.models import Cycle, EventType, Nomination, Review
from partners.models import CooperationEvent

pytestmark = pytest.mark.django_db


def _cents(value) -> str:
    return "" if value is None else str(scoring.round2(value))


def _streaks(cycle) -> dict[int, int]:
    """Consecutive awards ending with `cycle`, from the decisions of each cycle up to it; a
    nominee of `cycle` not decided yet has the streak it comes in with (docs/scoring.md)."""
    years = list(Cycle.objects.filter(year__lte=cycle.year).order_by("year"))
    active = Nomination.objects.filter(cycle__in=years, status="active")
    awarded = {(n.cycle_id, n.enterprise_id) for n in active.filter(awarded=True)}
    undecided = set(
        active.filter(cycle=cycle, awarded__isnull=True).values_list("enterprise_id", flat=True)
    )
    enterprises = Nomination.objects.filter(cycle=cycle).values_list("enterprise_id", flat=True)
    return {
        e: scoring.streak(
            [(c.pk, e) in awarded for c in years if not (c == cycle and e in undecided)]
        )
        for e in enterprises
    }


def _expected_rows(cycle) -> list[list[str]]:
    rules = {
        r.event_type: scoring.Rule(points=r.points, cap=r.cap) for r in cycle.event_rules.all()
    }
    weights = {c.pk: c.weight for c in cycle.criteria.all()}
    scores_of = defaultdict(list)
    for review in (
        Review.objects.filter(assignment__nomination__cycle=cycle)
        .prefetch_related("scores")
        .select_related("assignment")
    ):
        if review.status == "submitted" and review.assignment.declaration != "conflict":
            given = {s.criterion_id: s.score for s in review.scores.all()}
            scores_of[review.assignment.nomination_id].append(scoring.member_score(given, weights))
    nominations = Nomination.objects.filter(cycle=cycle, status="active").select_related(
        "enterprise"
    )
    standings, rows = [], {}
    for nomination in nominations:
        events = [
            (e.event_type, e.significance)
            for e in CooperationEvent.objects.filter(enterprise=nomination.enterprise)
            if e.status == "verified" and cycle.window_start <= e.occurred_on <= cycle.window_end
        ]
        points = scoring.category_points(events, rules, cycle.multipliers)
        cooperation = scoring.cooperation_score(points, rules)
        panel = scoring.panel_score(scores_of[nomination.pk])
        final = (
            None
            if panel is None
            else scoring.final_score(cooperation, panel, cycle.cooperation_weight)
        )
        reviews = len(scores_of[nomination.pk])
        standings.append(
            scoring.Standing(
                key=nomination.pk,
                br_number=nomination.enterprise.br_number,
                cooperation=cooperation,
                panel=panel,
                final=final,
                verified_events=len(events),
                reviews=reviews,
            )
        )
        rows[nomination.pk] = (nomination, points, cooperation, panel, reviews, final)
    ranked, pending = scoring.rank(standings, cycle.quorum)
    streaks = _streaks(cycle)
    expected = []
    for rank, standing in [*ranked, *((None, s) for s in pending)]:
        nomination, points, cooperation, panel, reviews, final = rows[standing.key]
        enterprise = nomination.enterprise
        expected.append(
            [
                "" if rank is None else str(rank),
                enterprise.br_number,
                enterprise.name_en,
                enterprise.name_zh,
                enterprise.sector,
                *[_cents(points.get(code)) for code in EventType.values],
                _cents(cooperation),
                _cents(panel),
                str(reviews),
                _cents(final),
                {None: "", True: "yes", False: "no"}[nomination.awarded],
                str(streaks[enterprise.pk]),
            ]
        )
    return expected


@pytest.mark.parametrize("year", [2022, 2023, 2024, 2025])
def test_every_demo_cycle_exports_what_the_rules_give_to_the_cent(seeded, year, capsysbinary):
    cycle = Cycle.objects.get(year=year)

    call_command("export_ranking", "--cycle", str(year))

    content = capsysbinary.readouterr().out.decode("utf-8-sig")
    exported = list(csv.reader(io.StringIO(content, newline="")))
    assert exported[1:] == _expected_rows(cycle)
    assert len(exported) > 10
