"""The ranking page, its tie-breaks, pending nominees, the what-if panel and the reviewer-normalised
view, on hand-computed examples (tests/awards/ranking_world.py: caps adding up to 100, one
criterion of weight 1, α 0.6, quorum 2)."""

import datetime

import pytest
from django.urls import reverse

from awards.models import Cycle, EventTypeRule, Nomination
from awards.normalisation import HARSH_LENIENT_THRESHOLD, normalise
from awards.scoring import round2
from awards.selectors.ranking import cycle_member_scores, ranking_of
from awards.services.decisions import cycle_finalise, decisions_apply_suggestion
from awards.services.scores import nominations_rescore
from portal.models import AuditEntry
from tests.awards.factories import submitted_review
from tests.awards.ranking_world import D, nominee, panel, simple_cycle
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db


def _summary(rows):
    return [
        (
            row.rank,
            row.enterprise.br_number,
            row.cooperation_score,
            row.panel_score,
            row.reviews,
            row.final_score,
        )
        for row in rows
    ]


@pytest.mark.smoke
def test_the_ranking_page_shows_every_number_with_pending_nominees_apart(
    client, secretariat, cycle, nominees
):
    client.force_login(secretariat)
    response = client.get(reverse("awards:ranking-detail", args=[2024]))

    assert response.status_code == 200
    ranking = response.context["ranking"]
    assert _summary(ranking.ranked) == [
        (1, "10000002", D("50.00"), D("55.00"), 2, D("52.00")),
        (2, "10000001", D("40.00"), D("70.00"), 2, D("52.00")),
        (3, "10000003", D("10.00"), D("93.33"), 3, D("43.33")),
    ]
    assert _summary(ranking.pending) == [
        (None, "10000004", D("55.00"), D("70.00"), 1, D("61.00")),
    ]
    assert ranking.event_types == ["controlled_delivery", "training"]
    assert [row.ordered_points for row in ranking.ranked] == [
        [D("50.00"), D("0.00")],
        [D("30.00"), D("10.00")],
        [D("10.00"), D("0.00")],
    ]
    html = response.text
    assert "企業10000002有限公司" in html
    assert html.index("Enterprise 10000002 Limited") < html.index("Enterprise 10000001 Limited")
    assert html.index("Enterprise 10000003 Limited") < html.index("Pending")
    assert html.index("Pending") < html.index("Enterprise 10000004 Limited")


def test_ties_on_the_final_score_and_cooperation_go_to_more_verified_events(cycle):
    members = panel(2)
    # Both 30 points (coop 30.00) and M 50, 50 (panel 50.00): final 18 + 20 = 38.00.
    one_big = nominee(cycle, "20000001", major_deliveries=1, scores=[5, 5], members=members)
    three_small = nominee(cycle, "20000002", deliveries=3, scores=[5, 5], members=members)

    ranking = ranking_of(cycle)

    assert [(r.rank, r.nomination, r.final_score, r.verified_events) for r in ranking.ranked] == [
        (1, three_small, D("38.00"), 3),
        (2, one_big, D("38.00"), 1),
    ]


def test_a_complete_tie_goes_to_the_lower_br_number(cycle):
    members = panel(2)
    later = nominee(cycle, "30000002", deliveries=2, scores=[6, 6], members=members)
    earlier = nominee(cycle, "30000001", deliveries=2, scores=[6, 6], members=members)

    ranking = ranking_of(cycle)

    assert [(r.rank, r.nomination) for r in ranking.ranked] == [(1, earlier), (2, later)]
    assert ranking.ranked[0].final_score == ranking.ranked[1].final_score == D("36.00")


def test_the_final_score_comes_before_the_cooperation_score(cycle):
    members = panel(2)
    # coop 50, panel 0 → final 30.00; coop 10, panel 100 → final 46.00
    cooperative = nominee(cycle, "40000001", deliveries=5, scores=[0, 0], members=members)
    liked = nominee(cycle, "40000002", deliveries=1, scores=[10, 10], members=members)

    ranking = ranking_of(cycle)

    assert [(r.rank, r.nomination, r.final_score) for r in ranking.ranked] == [
        (1, liked, D("46.00")),
        (2, cooperative, D("30.00")),
    ]


def test_recused_and_draft_reviews_count_neither_for_the_score_nor_for_the_quorum(cycle):
    members = panel(4)
    nomination = nominee(cycle, "50000001", deliveries=1, scores=[8], members=members)
    submitted_review(nomination, members[1], [0], declaration="conflict")
    draft = submitted_review(nomination, members[2], [0])
    draft.status = "draft"
    draft.save()
    nominations_rescore(Nomination.objects.filter(pk=nomination.pk))  # kept, as a service would

    [row] = ranking_of(cycle).pending

    assert (row.reviews, row.panel_score) == (1, D("80.00"))

    submitted_review(nomination, members[3], [6])
    [row] = ranking_of(cycle).ranked
    assert (row.rank, row.reviews, row.panel_score, row.final_score) == (
        1,
        2,
        D("70.00"),
        D("34.00"),  # 0.6 × 10 + 0.4 × 70
    )


def test_only_verified_events_inside_the_window_count(cycle, officer, verifier):
    nomination = nominee(cycle, "60000001", scores=[5, 5])
    enterprise = nomination.enterprise

    def event(occurred_on, **status):
        return EventFactory(
            enterprise=enterprise,
            event_type="controlled_delivery",
            occurred_on=occurred_on,
            logged_by=officer,
            **status,
        )

    verified = {"verified": True, "verified_by": verifier}
    event(datetime.date(2024, 1, 1), **verified)  # first day: counts
    event(datetime.date(2024, 12, 31), **verified)  # last day: counts
    event(datetime.date(2023, 12, 31), **verified)  # the day before
    event(datetime.date(2025, 1, 1), **verified)  # the day after
    event(datetime.date(2024, 6, 1))  # draft
    event(datetime.date(2024, 6, 1), submitted=True)
    event(datetime.date(2024, 6, 1), status="returned", return_reason="Dates do not match.")
    event(datetime.date(2024, 6, 1), status="withdrawn", withdrawal_reason="Logged twice.")

    [row] = ranking_of(cycle).ranked

    assert (row.verified_events, row.category_points["controlled_delivery"]) == (2, D(20))
    assert row.cooperation_score == D("20.00")


def test_a_panel_member_sees_only_the_nominees_they_reviewed_with_the_cycles_ranks(
    client, cycle, nominees
):
    # panel3 reviewed only C (the third score of each list); panel1 reviewed all four.
    client.force_login(UserFactory(username="panel3"))
    response = client.get(reverse("awards:ranking-detail", args=[2024]))

    ranking = response.context["ranking"]
    assert [(r.rank, r.enterprise.br_number) for r in ranking.rows] == [(3, "10000003")]
    assert "Enterprise 10000002 Limited" not in response.text
    assert "What if" not in response.text
    assert reverse("awards:ranking-export", args=[2024]) not in response.text


def test_a_recused_or_not_yet_submitted_member_does_not_see_the_nominees_scores(client, cycle):
    members = panel(3)
    nomination = nominee(cycle, "70000001", deliveries=1, scores=[5, 5], members=members)
    submitted_review(nomination, members[2], [9], declaration="conflict")
    client.force_login(members[2])

    response = client.get(reverse("awards:ranking-detail", args=[2024]))

    assert response.context["ranking"].rows == []


def test_a_panel_member_not_assigned_in_the_cycle_gets_404(client, cycle, nominees):
    client.force_login(UserFactory(username="outsider", roles=["Panel"]))
    assert client.get(reverse("awards:ranking-detail", args=[2024])).status_code == 404


# What-if


def _what_if_url(cycle, **overrides):
    data = {
        "cooperation_weight": "0.60",
        "multiplier_routine": "1",
        "multiplier_notable": "2",
        "multiplier_major": "3",
        "points_controlled_delivery": "10",
        "cap_controlled_delivery": "50",
        "points_training": "5",
        "cap_training": "50",
        **overrides,
    }
    return reverse("awards:ranking-what-if", args=[cycle.year]), data


def test_what_if_shows_the_ranks_move_and_saves_nothing(client, secretariat, cycle, nominees):
    client.force_login(secretariat)
    url, data = _what_if_url(cycle, cooperation_weight="0.20")
    audit_entries = AuditEntry.objects.count()

    response = client.get(url, data, headers={"HX-Request": "true"})

    # α 0.2: A 0.2 × 40 + 0.8 × 70 = 64.00, B 10 + 44 = 54.00, C 2 + 74.664 = 76.66
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "awards/ranking/_what_if.html"
    assert "<html" not in response.text
    rows = response.context["rows"]
    assert [
        (
            r.nomination.enterprise.br_number,
            r.what_if_rank,
            r.official_rank,
            r.movement_label,
            r.what_if_final,
        )
        for r in rows
    ] == [
        ("10000003", 1, 3, "↑2", D("76.66")),
        ("10000001", 2, 2, "=", D("64.00")),
        ("10000002", 3, 1, "↓2", D("54.00")),
        ("10000004", None, None, "", D("67.00")),  # 11 + 56, pending
    ]
    assert "↑2" in response.text and "↓2" in response.text
    cycle.refresh_from_db()
    assert cycle.cooperation_weight == D("0.60")
    assert AuditEntry.objects.count() == audit_entries


def test_what_if_changes_points_caps_and_multipliers_in_memory_only(
    client, secretariat, cycle, nominees
):
    client.force_login(secretariat)
    # Trainings worth 20 up to 50, major ×1: A 30 + 40 = 70, B 20, C 10, D 50 + 20 = 70.
    url, data = _what_if_url(cycle, points_training="20", multiplier_major="1")

    rows = client.get(url, data).context["rows"]

    assert [(r.nomination.enterprise.br_number, r.what_if_cooperation) for r in rows] == [
        ("10000001", D("70.00")),  # final 42 + 28 = 70.00
        ("10000003", D("10.00")),  # 43.33
        ("10000002", D("20.00")),  # 12 + 22 = 34.00
        ("10000004", D("70.00")),
    ]
    assert [(rule.event_type, rule.points, rule.cap) for rule in cycle.event_rules.all()] == [
        ("controlled_delivery", D("10.00"), D("50.00")),
        ("training", D("5.00"), D("50.00")),
    ]
    assert EventTypeRule.objects.count() == 2


def test_what_if_without_javascript_is_a_whole_page(client, secretariat, cycle, nominees):
    client.force_login(secretariat)
    url, data = _what_if_url(cycle)

    response = client.get(url, data)

    assert [t.name for t in response.templates][0] == "awards/ranking/what_if.html"
    assert "<html" in response.text
    assert [r.movement_label for r in response.context["rows"]] == ["=", "=", "=", ""]


def test_what_if_refuses_invalid_settings_and_shows_why(client, secretariat, cycle, nominees):
    client.force_login(secretariat)
    url, data = _what_if_url(cycle, cooperation_weight="1.5", cap_training="0")

    response = client.get(url, data, headers={"HX-Request": "true"})

    assert response.context["rows"] is None
    assert set(response.context["form"].errors) == {"cooperation_weight", "cap_training"}
    assert "Some settings are not valid" in response.text


def test_the_ranking_page_loads_htmx_from_static_files_configured_for_the_csp(
    client, secretariat, cycle, nominees
):
    client.force_login(secretariat)
    response = client.get(reverse("awards:ranking-detail", args=[2024]))

    html = response.text
    assert '<script src="/static/vendor/htmx/htmx.min.js"></script>' in html
    assert '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false' in html
    assert "<script>" not in html and " style=" not in html
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert f'hx-get="{reverse("awards:ranking-what-if", args=[2024])}"' in html


def test_a_finalised_cycle_has_no_what_if(client, secretariat, cycle, nominees):
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.FINALISED)
    client.force_login(secretariat)
    url, data = _what_if_url(cycle)

    response = client.get(url, data, headers={"HX-Request": "true"})

    assert response.context["rows"] is None
    assert "frozen" in response.text


# Reviewer normalisation


def test_normalisation_on_a_hand_computed_example():
    """Member scores (M): A gives n1 80, n2 60, n3 70; B n1 90, n2 70; C n1 40, n3 50.
    z: A mean 70, sd √(200/3) = 8.165 → 1.22, −1.22, 0; B mean 80, sd 10 → 1, −1;
    C mean 45, sd 5 → −1, 1. Nominee means: n1 70, n2 65, n3 60.
    All seven scores: mean 460/7 = 65.71, sd √(12400)/7 = 15.908.
    Offsets: A (10 − 5 + 10)/3 / 15.908 = 0.31; B (20 + 5)/2 / 15.908 = 0.79;
    C (−30 − 10)/2 / 15.908 = −1.26: harsh."""
    scores = {
        ("A", "n1"): D(80),
        ("A", "n2"): D(60),
        ("A", "n3"): D(70),
        ("B", "n1"): D(90),
        ("B", "n2"): D(70),
        ("C", "n1"): D(40),
        ("C", "n3"): D(50),
    }

    result = normalise(scores)

    assert {key: round2(z) for key, z in result.z.items()} == {
        ("A", "n1"): D("1.22"),
        ("A", "n2"): D("-1.22"),
        ("A", "n3"): D("0.00"),
        ("B", "n1"): D("1.00"),
        ("B", "n2"): D("-1.00"),
        ("C", "n1"): D("-1.00"),
        ("C", "n3"): D("1.00"),
    }
    # n1 (1.2247 + 1 − 1)/3, n2 (−1.2247 − 1)/2, n3 (0 + 1)/2
    assert {n: round2(z) for n, z in result.nominee_mean_z.items()} == {
        "n1": D("0.41"),
        "n2": D("-1.11"),
        "n3": D("0.50"),
    }
    assert (round2(result.panel_mean), round2(result.panel_sd)) == (D("65.71"), D("15.91"))
    assert {m: (round2(r.offset), r.leaning) for m, r in result.reviewers.items()} == {
        "A": (D("0.31"), ""),
        "B": (D("0.79"), ""),
        "C": (D("-1.26"), "harsh"),
    }
    assert D(1) == HARSH_LENIENT_THRESHOLD


def test_a_member_without_spread_has_z_scores_of_zero_and_a_lenient_one_is_flagged():
    result = normalise({("A", "n1"): D(50), ("A", "n2"): D(50), ("B", "n1"): D(90)})

    assert result.z == {("A", "n1"): 0, ("A", "n2"): 0, ("B", "n1"): 0}
    # n1's mean is 70; panel sd of 50, 50, 90 is 18.856: A (−20 + 0)/2/18.856, B 20/18.856
    assert {m: (round2(r.offset), r.leaning) for m, r in result.reviewers.items()} == {
        "A": (D("-0.53"), ""),
        "B": (D("1.06"), "lenient"),
    }
    assert normalise({}).reviewers == {}


def test_member_scores_come_from_counted_reviews_only(cycle, nominees):
    members = panel(4)
    submitted_review(nominees["C"], members[3], [0], declaration="conflict")

    scores = cycle_member_scores(cycle)

    a, b, c, d = (nominees[k].pk for k in "ABCD")
    p1, p2, p3 = (m.pk for m in members[:3])
    assert scores == {
        (p1, a): D(80),
        (p2, a): D(60),
        (p1, b): D(50),
        (p2, b): D(60),
        (p1, c): D(90),
        (p2, c): D(90),
        (p3, c): D(100),
        (p1, d): D(70),
    }


def test_the_normalised_page_flags_harsh_reviewers(client, secretariat, cycle, nominees):
    client.force_login(secretariat)
    response = client.get(reverse("awards:ranking-normalised", args=[2024]))

    assert response.status_code == 200
    flagged = {m.username: r.leaning for m, r in response.context["reviewers"]}
    # panel1 80 50 90 70, panel2 60 60 90, panel3 100: every offset is under 1 in size.
    assert flagged == {"panel1": "", "panel2": "", "panel3": ""}
    assert [
        (row.enterprise.br_number, row.panel_score, mean_z is None)
        for row, mean_z in response.context["rows"]
    ] == [
        ("10000002", D("55.00"), False),
        ("10000001", D("70.00"), False),
        ("10000003", D("93.33"), False),
        ("10000004", D("70.00"), False),
    ]


# Query counts


def _many(cycle, count, secretariat):
    members = panel(3)
    for i in range(count):
        nominee(
            cycle,
            f"{(cycle.year % 100) * 1000000 + i:08d}",
            deliveries=i % 4,
            trainings=1,
            scores=[5 + i % 5, 6, 7] if i % 3 != 1 else [5],
            members=members,
        )
    decisions_apply_suggestion(cycle=cycle, user=secretariat)


# Session, user, roles, cycle; a page of the ranking: its count and rows, the kept scores with
# their tallies, the rules, the ranks in the whole cycle, streaks (2)…
@pytest.mark.parametrize(
    ("url_name", "role", "finalised", "queries"),
    [
        ("awards:ranking-detail", "secretariat", False, 14),  # with the quorum alert
        ("awards:ranking-detail", "panel", False, 13),
        ("awards:ranking-detail", "secretariat", True, 9),
        ("awards:ranking-detail", "panel", True, 9),
        ("awards:decision-list", "secretariat", False, 14),
        ("awards:decision-list", "secretariat", True, 10),
        ("awards:ranking-normalised", "secretariat", False, 12),
        ("awards:ranking-export", "secretariat", False, 9),
        ("awards:ranking-export", "secretariat", True, 6),
    ],
)
def test_query_counts_do_not_grow_with_the_nominees(
    client, django_assert_num_queries, secretariat, url_name, role, finalised, queries
):
    for year, size in ((2024, 1), (2025, 12)):
        cycle = simple_cycle(year=year)
        _many(cycle, size, secretariat)
        if finalised:
            cycle_finalise(cycle=cycle, user=secretariat)
        client.force_login(secretariat if role == "secretariat" else UserFactory(username="panel1"))
        with django_assert_num_queries(queries):
            response = client.get(reverse(url_name, args=[year]))
        assert response.status_code == 200


def test_the_ranking_leads_with_the_enterprises_name_in_the_readers_language(
    client, secretariat, cycle, nominees
):
    enterprise = Nomination.objects.get(cycle=cycle, enterprise__br_number="10000002").enterprise
    client.force_login(secretariat)

    english = client.get(reverse("awards:ranking-detail", args=[2024])).text
    client.cookies["django_language"] = "zh-hant"
    chinese = client.get(reverse("awards:ranking-detail", args=[2024])).text

    assert english.index(enterprise.name_en) < english.index(enterprise.name_zh)
    assert f'<span lang="zh-Hant">{enterprise.name_zh}</span>' in english
    assert chinese.index(enterprise.name_zh) < chinese.index(enterprise.name_en)
    assert f'<span lang="en">{enterprise.name_en}</span>' in chinese
