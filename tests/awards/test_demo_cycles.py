"""The demo's award cycles (seeds/cycles.py, seeds/data/cycles.json): 2022-2024 published with
the real award's counts, 2025 in panel review, and a history dated as it happened."""

from collections import Counter, defaultdict
from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from awards import scoring
from awards.models import (
    Assignment,
    Cycle,
    Nomination,
    NominationResult,
    PanelAlternate,
    Review,
)
from awards.selectors.ranking import live_ranking
from awards.services.cycle_files import cycle_export
from partners.models import CooperationEvent
from portal.models import AuditEntry
from portal.roles import Role
from seeds.cycles import load_plan, member_scores, present

pytestmark = pytest.mark.django_db

TERMINAL = "61458302"  # partner1's enterprise, Stonecutters Gateway Terminals
HARBOUR_MELODY = "53360278"  # partner2's enterprise
PUBLISHED_YEARS = [2022, 2023, 2024]


def seed_demo() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def awarded_by_year() -> dict[int, set[str]]:
    awarded = defaultdict(set)
    for year, br_number in NominationResult.objects.filter(awarded=True).values_list(
        "nomination__cycle__year", "nomination__enterprise__br_number"
    ):
        awarded[year].add(br_number)
    return awarded


def test_2022_to_2024_were_published_with_8_13_and_18_awardees(seeded):
    cycles = {c.year: c for c in Cycle.objects.all()}
    assert sorted(cycles) == [2022, 2023, 2024, 2025]
    assert [cycles[year].status for year in PUBLISHED_YEARS] == ["published"] * 3
    assert {year: len(names) for year, names in awarded_by_year().items()} == {
        2022: 8,
        2023: 13,
        2024: 18,
    }
    assert [cycles[year].awards_planned for year in [*PUBLISHED_YEARS, 2025]] == [8, 13, 18, 20]
    # Every active nomination of a published cycle has its frozen result, every review counted.
    for year in PUBLISHED_YEARS:
        nominations = Nomination.objects.filter(cycle__year=year).active()
        results = NominationResult.objects.filter(nomination__cycle__year=year)
        assert results.count() == nominations.count() > cycles[year].awards_planned
        assert set(results.values_list("reviews", flat=True)) == {3}


def test_exactly_four_enterprises_won_all_three_years_with_partner1s_terminal(seeded):
    awarded = awarded_by_year()
    every_year = awarded[2022] & awarded[2023] & awarded[2024]

    assert len(every_year) == 4
    assert TERMINAL in every_year
    streak_3 = NominationResult.objects.filter(nomination__cycle__year=2024, streak=3)
    assert set(streak_3.values_list("nomination__enterprise__br_number", flat=True)) == every_year


def test_the_streaks_follow_the_awards(seeded):
    awarded = awarded_by_year()
    results = NominationResult.objects.select_related("nomination__cycle", "nomination__enterprise")
    for result in results:
        year, br_number = result.nomination.cycle.year, result.nomination.enterprise.br_number
        history = [br_number in awarded[y] for y in PUBLISHED_YEARS if y <= year]
        assert result.streak == scoring.streak(history), (year, br_number)
    terminal = results.get(nomination__cycle__year=2024, nomination__enterprise__br_number=TERMINAL)
    assert (terminal.awarded, terminal.streak) == (True, 3)


def test_partner2s_enterprise_was_nominated_but_not_always_awarded(seeded):
    results = NominationResult.objects.filter(nomination__enterprise__br_number=HARBOUR_MELODY)
    assert sorted(results.values_list("nomination__cycle__year", "awarded", "streak")) == [
        (2023, False, 0),
        (2024, True, 1),
    ]
    assert Nomination.objects.filter(
        cycle__year=2025, enterprise__br_number=HARBOUR_MELODY, status="active"
    ).exists()


def test_the_awardees_are_the_top_n_of_the_ranking_the_rules_compute(seeded):
    for cycle in Cycle.objects.filter(year__in=PUBLISHED_YEARS):
        frozen = {
            r.nomination_id: r for r in NominationResult.objects.filter(nomination__cycle=cycle)
        }
        # Nothing changed since finalisation, so the live computation gives the snapshot.
        live = live_ranking(cycle)
        assert live.pending == []
        assert len(live.ranked) == len(frozen)
        for scored in live.ranked:
            rank = scored.rank
            result = frozen[scored.nomination.pk]
            assert (result.rank, result.final_score, result.cooperation_score) == (
                rank,
                scored.final_score,
                scored.cooperation_score,
            )
            assert result.panel_score == scored.panel_score
            assert result.awarded == (rank <= cycle.awards_planned), (cycle.year, rank)
            assert result.rationale == ""
            assert result.nomination.awarded == result.awarded


def test_a_second_secretariat_user_approved_each_publication(seeded):
    for cycle in Cycle.objects.filter(year__in=PUBLISHED_YEARS).select_related(
        "finalised_by", "published_by"
    ):
        assert cycle.finalised_by != cycle.published_by
        assert {cycle.finalised_by.username, cycle.published_by.username} == {
            "secretariat",
            "secretariat2",
        }
        for user in (cycle.finalised_by, cycle.published_by):
            assert list(user.groups.values_list("name", flat=True)) == [Role.SECRETARIAT]


def test_every_event_of_a_finalised_window_was_verified_before_finalisation(seeded):
    for cycle in Cycle.objects.filter(year__in=PUBLISHED_YEARS):
        verified = CooperationEvent.objects.filter(
            status="verified",
            occurred_on__gte=cycle.window_start,
            occurred_on__lte=cycle.window_end,
        )
        assert verified.count() >= 30
        for event in verified:
            assert event.submitted_at < event.verified_at < cycle.finalised_at, event.pk
        # None of the window's events was still waiting for a verifier.
        assert not CooperationEvent.objects.filter(
            status="submitted",
            occurred_on__gte=cycle.window_start,
            occurred_on__lte=cycle.window_end,
        ).exists()


def test_every_event_was_logged_and_handled_after_it_occurred_and_before_the_demos_present(
    seeded,
):
    # The seeds' events before the demo's present, but for the decisions on those still
    # waiting then, taken in the weeks after it; the recent activity (seeds/recent.py)
    # from the day after it up to the seeding.
    for event in CooperationEvent.objects.all():
        # Dates in Hong Kong, as the events' own (from 16:00 UTC, Hong Kong is a day ahead).
        now = present() if event.occurred_on <= timezone.localdate(present()) else timezone.now()
        logged = timezone.localdate(event.created_at)
        assert event.occurred_on <= logged <= timezone.localdate(now), event.pk
        assert event.submitted_at is None or event.created_at < event.submitted_at < now, event.pk
        decided_by = now if event.updated_at <= now else present() + timedelta(weeks=7)
        assert event.verified_at is None or event.submitted_at < event.verified_at < decided_by
        assert event.updated_at < decided_by, event.pk
    # Nothing of the cycles after the present but the 2025 scoring deadline, set on seeding day
    # (as are partner1's demo API key and the demo manifest: the day the demo is seeded).
    late = AuditEntry.objects.filter(created_at__gt=present()).exclude(
        content_type__model__in=["cooperationevent", "partnerreport", "apikey", "manifest"]
    )
    assert list(late.values_list("action", flat=True)) == ["awards.cycle.updated"]
    assert not AuditEntry.objects.filter(created_at__gt=timezone.now()).exists()


def test_the_past_cycles_are_dated_as_they_happened(seeded):
    plan = {spec["year"]: spec for spec in load_plan()["cycles"]}
    for cycle in Cycle.objects.filter(year__in=PUBLISHED_YEARS):
        spec = plan[cycle.year]
        nominations = Nomination.objects.filter(cycle=cycle)
        reviews = Review.objects.filter(assignment__nomination__cycle=cycle)
        assert cycle.window_end < cycle.nomination_deadline < cycle.scoring_deadline
        assert {n.nominated_at.date() for n in nominations} <= {
            date.fromordinal(d)
            for d in range(
                date(cycle.year, 6, 1).toordinal(), cycle.nomination_deadline.toordinal()
            )
        }
        assert max(r.submitted_at.date() for r in reviews) <= cycle.scoring_deadline
        assert max(r.submitted_at for r in reviews) < cycle.finalised_at < cycle.published_at
        assert (cycle.finalised_at.month, cycle.published_at.month) == (9, 9)
        assert cycle.published_at.date() < date.fromisoformat(spec["ceremony_on"])
        assert date.fromisoformat(spec["ceremony_on"]).month == 10
        actions = AuditEntry.objects.filter(
            content_type__model="cycle", object_id=str(cycle.pk)
        ).order_by("created_at", "pk")
        assert [a.action for a in actions][-3:] == [
            "awards.cycle.suggestion_applied",
            "awards.cycle.finalised",
            "awards.cycle.published",
        ]
        assert actions.get(action="awards.cycle.finalised").created_at == cycle.finalised_at
        assert actions.get(action="awards.cycle.published").created_at == cycle.published_at


def test_the_cycles_have_the_plans_settings(seeded):
    for spec in load_plan()["cycles"]:
        exported = cycle_export(Cycle.objects.get(year=spec["year"]))
        for key in ["title_en", "title_zh", "window_start", "window_end", "quorum", "status"]:
            assert exported[key] == spec[key], (spec["year"], key)
        assert exported["cooperation_weight"] == "0.60"
        assert exported["event_types"] == spec["event_types"]
        assert exported["panel_criteria"] == [
            {"name_en": c["name_en"], "name_zh": c["name_zh"], "weight": c["weight"]}
            for c in spec["panel_criteria"]
        ]
    cycle = Cycle.objects.get(year=2024)
    assert cycle.title_en == "Elite Enterprise Partnership Award 2024"
    assert cycle.title_zh == "2024年卓越企業夥伴嘉許計劃"
    assert [c.weight for c in cycle.criteria.all()] == [Decimal(3), Decimal(2), Decimal(1)]
    assert all(c.description_en and c.description_zh for c in cycle.criteria.all())


def test_2025_is_in_panel_review_with_the_scores_partly_entered(seeded):
    cycle = Cycle.objects.get(year=2025)
    assert cycle.status == "review"
    assert (
        cycle.finalised_at is None
        and not NominationResult.objects.filter(nomination__cycle=cycle).exists()
    )
    assert not Nomination.objects.filter(cycle=cycle, awarded__isnull=False).exists()
    reviews = Counter(
        Review.objects.filter(assignment__nomination__cycle=cycle).values_list(
            "assignment__member__username", "status"
        )
    )
    assert reviews == {
        ("panel1", "submitted"): 21,
        ("panel2", "submitted"): 13,
        ("panel2", "draft"): 2,
        ("panel3", "submitted"): 6,
        ("panel3", "draft"): 1,
    }
    declarations = Counter(
        Assignment.objects.filter(nomination__cycle=cycle).values_list(
            "member__username", "declaration"
        )
    )
    assert declarations[("panel3", "pending")] == 6
    ranking = live_ranking(cycle)
    assert len(ranking.ranked) == 6 and len(ranking.pending) == 15
    # A withdrawn nomination, with its reason.
    withdrawn = Nomination.objects.get(cycle=cycle, status="withdrawn")
    assert "merging" in withdrawn.withdrawal_reason


def test_a_recused_member_neither_scores_nor_counts(seeded):
    conflict = Assignment.objects.select_related("nomination__enterprise", "member").get(
        declaration="conflict"
    )
    assert conflict.nomination.cycle.year == 2025
    assert conflict.member.username == "panel3"
    assert "consultant" in conflict.conflict_reason
    assert not Review.objects.filter(assignment=conflict).exists()
    # With three panel members, a recused one leaves the nominee pending below the quorum:
    # the alternate, panel4, stepped in and has it to declare and score.
    pending = {s.nomination.pk: s for s in live_ranking(conflict.nomination.cycle).pending}
    assert pending[conflict.nomination.pk].reviews == 2
    assert sorted(
        conflict.nomination.assignments.values_list("member__username", "declaration")
    ) == [
        ("panel1", "no_conflict"),
        ("panel2", "no_conflict"),
        ("panel3", "conflict"),
        ("panel4", "pending"),
    ]
    # panel4 is the alternate of every cycle, and reviews nothing else.
    assert set(PanelAlternate.objects.values_list("cycle__year", "member__username")) == {
        (2022, "panel4"),
        (2023, "panel4"),
        (2024, "panel4"),
        (2025, "panel4"),
    }
    assert Assignment.objects.filter(member__username="panel4").count() == 1


def test_the_reviews_hold_the_seeded_scores(seeded):
    plan = load_plan()
    impressions = {spec["year"]: spec["panel"]["impressions"] for spec in plan["cycles"]}
    review = (
        Review.objects.filter(status="submitted", assignment__nomination__cycle__year=2024)
        .select_related("assignment__member", "assignment__nomination__enterprise")
        .order_by("pk")
        .first()
    )
    br_number = review.assignment.nomination.enterprise.br_number
    member = review.assignment.member.username
    expected = member_scores(
        2024, br_number, member, impressions[2024][br_number], plan["panel_leniency"][member], 3
    )
    assert [s.score for s in review.scores.order_by("criterion__position")] == expected


def test_running_it_twice_changes_nothing(seeded):
    def snapshot():
        return {
            "cycles": list(Cycle.objects.order_by("pk").values_list()),
            "nominations": list(Nomination.objects.order_by("pk").values_list()),
            "assignments": list(Assignment.objects.order_by("pk").values_list()),
            "reviews": list(Review.objects.order_by("pk").values_list()),
            "results": list(NominationResult.objects.order_by("pk").values_list()),
            "events": list(
                CooperationEvent.objects.order_by("pk").values_list(
                    "pk", "created_at", "submitted_at", "verified_at", "updated_at"
                )
            ),
            "audit": list(AuditEntry.objects.order_by("pk").values_list("pk", "created_at")),
        }

    first = snapshot()

    output = seed_demo()

    assert snapshot() == first
    assert "Award cycles: 4 (none created)" in output
    assert "Award cycles: 4 (2022, 2023, 2024, 2025 created)" in seeded
