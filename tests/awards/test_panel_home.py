"""The panel member's home: per cycle their nominees, what is left to do and the deadline; once a
cycle is finalised, how the whole panel scored each criterion (counts only, never names)."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.urls import reverse

from awards.models import Assignment, Cycle, Review, ReviewScore
from awards.selectors.panel_home import NOMINEES_PAGE
from portal import clock
from tests.awards.factories import (
    AssignmentFactory,
    CycleFactory,
    NominationFactory,
    submitted_review,
)
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("awards:panel-home"))
    assert response.status_code == 200
    return response


def _cycle(year, status, **fields):
    return CycleFactory(year=year, status=status, **fields)


def _nominee(cycle, name):
    return NominationFactory(cycle=cycle, enterprise=EnterpriseFactory(name_en=name))


def _draft_review(nomination, member, scores):
    assignment = AssignmentFactory(nomination=nomination, member=member)
    review = Review.objects.create(assignment=assignment)
    for criterion, score in zip(nomination.cycle.criteria.all(), scores, strict=True):
        ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    return review


@pytest.fixture
def colleagues(db):
    return [UserFactory(username=f"colleague{i}", first_name=f"Colleague{i}") for i in (1, 2, 3)]


def test_each_cycle_lists_the_members_nominees_with_counts_and_days_left(client, panel_member):
    today = clock.today()
    cycle = _cycle(2024, Cycle.Status.REVIEW, scoring_deadline=today + datetime.timedelta(days=5))
    alpha, beta, gamma, delta = (
        _nominee(cycle, name) for name in ("Alpha Cargo", "Beta Freight", "Gamma Air", "Delta Sea")
    )
    AssignmentFactory(nomination=alpha, member=panel_member, declaration="pending")
    AssignmentFactory(
        nomination=beta, member=panel_member, declaration="conflict", conflict_reason="Kin."
    )
    submitted_review(gamma, panel_member, [5, 5])
    _draft_review(delta, panel_member, [3, 4])

    response = _home(client, panel_member)

    [entry] = response.context["cycles"]
    assert [(a.nomination.enterprise.name_en, a.declaration) for a in entry.assignments] == [
        ("Alpha Cargo", "pending"),
        ("Delta Sea", "no_conflict"),  # to do first: to declare, to review
        ("Beta Freight", "conflict"),  # then done: recused, submitted
        ("Gamma Air", "no_conflict"),
    ]
    assert (entry.to_declare, entry.to_review, entry.submitted) == (1, 1, 1)
    assert (entry.days_left, entry.scoring_closed) == (5, False)
    assert entry.distributions == []
    assert "5 days left." in response.text
    assert "To declare: <strong>1</strong>" in response.text
    assert "Score distribution per criterion" not in response.text


def test_a_past_deadline_or_a_finalised_cycle_shows_scoring_closed(client, panel_member):
    today = clock.today()
    late = _cycle(2024, Cycle.Status.REVIEW, scoring_deadline=today - datetime.timedelta(days=1))
    done = _cycle(2023, Cycle.Status.FINALISED, scoring_deadline=None)
    submitted_review(_nominee(late, "Late Ltd"), panel_member, [5, 5])
    submitted_review(_nominee(done, "Done Ltd"), panel_member, [5, 5])

    response = _home(client, panel_member)

    assert [(e.cycle.year, e.scoring_closed) for e in response.context["cycles"]] == [
        (2024, True),
        (2023, True),
    ]
    assert response.text.count("Scoring has closed.") == 2


def test_one_cycles_nominees_are_shown_and_the_others_are_a_link_away(client, panel_member):
    open_cycle = _cycle(2024, Cycle.Status.REVIEW)
    done = _cycle(2023, Cycle.Status.FINALISED)
    _draft_review(_nominee(open_cycle, "Open Ltd"), panel_member, [5, 5])
    submitted_review(_nominee(done, "Done Ltd"), panel_member, [5, 5])
    submitted_review(_nominee(done, "Also Done Ltd"), panel_member, [6, 6])

    page = _home(client, panel_member).text
    open_section = page[page.index('id="panel-cycle-2024"') : page.index('id="panel-cycle-2023"')]
    done_section = page[page.index('id="panel-cycle-2023"') :]

    assert "Open Ltd" in open_section
    assert "Show your 2 nominees" in done_section and "Done Ltd" not in done_section

    client.force_login(panel_member)
    response = client.get(reverse("awards:panel-home") + "?cycle=2023")
    open_entry, done_entry = response.context["cycles"]
    assert open_entry.assignments == [] and open_entry.nominees == 1
    assert [a.nomination.enterprise.name_en for a in done_entry.assignments] == [
        "Also Done Ltd",
        "Done Ltd",
    ]


def _many_nominees(member, cycle, n):
    for i in range(n):
        nomination = _nominee(cycle, f"Nominee {i:03d}")
        if i % 10 == 0:
            AssignmentFactory(nomination=nomination, member=member, declaration="pending")
        else:
            submitted_review(nomination, member, [5, 5])


def test_a_member_with_many_nominees_sees_a_page_with_the_counts_of_all(client, panel_member):
    cycle = _cycle(2024, Cycle.Status.REVIEW)
    _many_nominees(panel_member, cycle, 60)

    response = _home(client, panel_member)
    [entry] = response.context["cycles"]
    # The six left to declare first, then the 54 submitted, each part by name.
    assert [a.nomination.enterprise.name_en for a in entry.assignments][:8] == [
        "Nominee 000",
        "Nominee 010",
        "Nominee 020",
        "Nominee 030",
        "Nominee 040",
        "Nominee 050",
        "Nominee 001",
        "Nominee 002",
    ]
    assert len(entry.assignments) == NOMINEES_PAGE == 25
    assert (entry.to_declare, entry.to_review, entry.submitted, entry.nominees) == (6, 0, 54, 60)
    assert "Page 1 of 3" in response.text

    last = client.get(reverse("awards:panel-home") + "?page=3").context["cycles"][0]
    assert [a.nomination.enterprise.name_en for a in last.assignments][-1] == "Nominee 059"
    assert len(last.assignments) == 10


def _keys_limit(client, query: str) -> int:
    """The LIMIT of the query reading the keys of the member's nominees for the page."""
    limits = []

    def capture(execute, sql, params, many, context):
        if sql.startswith('SELECT "awards_assignment"."id" AS "pk"'):
            limits.append(int(sql.rsplit("LIMIT", 1)[1]))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        assert client.get(reverse("awards:panel-home") + query).status_code == 200
    [limit] = limits
    return limit


def test_the_counts_say_how_many_so_only_the_keys_to_the_page_are_read(client, panel_member):
    cycle = _cycle(2024, Cycle.Status.REVIEW)
    _many_nominees(panel_member, cycle, 60)
    client.force_login(panel_member)

    # Page 1 reads 26 keys (a top-N sort in the database), page 2 51: not the 60 to count them.
    assert _keys_limit(client, "") == NOMINEES_PAGE + 1
    assert _keys_limit(client, "?page=2") == 2 * NOMINEES_PAGE + 1
    assert _keys_limit(client, "?state=submitted") == NOMINEES_PAGE + 1
    page = client.get(reverse("awards:panel-home") + "?state=submitted&page=3")
    assert "Page 3 of 3" in page.text
    assert len(page.context["cycles"][0].assignments) == 54 - 2 * NOMINEES_PAGE
    # A search is not counted beforehand: its keys are read to count the pages.
    assert _keys_limit(client, "?q=nominee") > 60
    # Past the last page is the last page, read no further than its end.
    assert _keys_limit(client, "?page=99999") == 3 * NOMINEES_PAGE + 1


def test_a_stale_assignment_saved_after_its_review_was_submitted_stays_submitted(panel_member):
    cycle = _cycle(2024, Cycle.Status.REVIEW)
    review = _draft_review(_nominee(cycle, "Alpha Cargo"), panel_member, [5, 5])
    stale = Assignment.objects.get(pk=review.assignment_id)
    assert stale.state == "review"

    fresh = Review.objects.get(pk=review.pk)
    fresh.status = Review.Status.SUBMITTED
    fresh.save()
    stale.save()  # as it saw things before the review was submitted

    assert Assignment.objects.get(pk=stale.pk).state == "submitted"


def test_the_members_to_do_comes_first_then_what_is_done(client, panel_member):
    cycle = _cycle(2024, Cycle.Status.REVIEW)
    submitted_review(_nominee(cycle, "Alpha Submitted"), panel_member, [5, 5])
    AssignmentFactory(
        nomination=_nominee(cycle, "Beta Recused"),
        member=panel_member,
        declaration="conflict",
        conflict_reason="Kin.",
    )
    AssignmentFactory(nomination=_nominee(cycle, "Gamma To Declare"), member=panel_member)
    _draft_review(_nominee(cycle, "Delta Draft"), panel_member, [4, 4])
    AssignmentFactory(
        nomination=_nominee(cycle, "Epsilon Not Started"),
        member=panel_member,
        declaration="no_conflict",
    )

    response = _home(client, panel_member)
    [entry] = response.context["cycles"]
    assert [(a.nomination.enterprise.name_en, a.is_done) for a in entry.assignments] == [
        ("Delta Draft", False),
        ("Epsilon Not Started", False),
        ("Gamma To Declare", False),
        ("Alpha Submitted", True),
        ("Beta Recused", True),
    ]
    page = response.text
    assert page.index("Left to do") < page.index("Delta Draft") < page.index(">Done<")
    assert page.index(">Done<") < page.index("Alpha Submitted")
    assert page.count('class="table-light nominee-group"') == 2


def test_a_member_finds_a_nominee_by_name_or_by_what_is_left_to_do(client, panel_member):
    cycle = _cycle(2024, Cycle.Status.REVIEW)
    _many_nominees(panel_member, cycle, 60)
    client.force_login(panel_member)
    url = reverse("awards:panel-home")

    found = client.get(url + "?cycle=2024&q=nominee 04").context["cycles"][0]
    assert [a.nomination.enterprise.name_en for a in found.assignments] == [
        f"Nominee 04{i}" for i in range(10)
    ]
    to_declare = client.get(url + "?state=declare").context["cycles"][0]
    assert [a.nomination.enterprise.name_en for a in to_declare.assignments] == [
        f"Nominee {i:03d}" for i in range(0, 60, 10)
    ]
    response = client.get(url + "?q=nobody")
    assert response.context["cycles"][0].assignments == []
    assert "None of your nominees matches." in response.text


def test_the_search_never_shows_another_members_nominees(client, panel_member, colleagues):
    cycle = _cycle(2024, Cycle.Status.REVIEW)
    submitted_review(_nominee(cycle, "Mine Ltd"), panel_member, [5, 5])
    submitted_review(_nominee(cycle, "Theirs Ltd"), colleagues[0], [5, 5])
    client.force_login(panel_member)
    response = client.get(reverse("awards:panel-home") + "?q=Ltd")
    assert [a.nomination.enterprise.name_en for a in response.context["cycles"][0].assignments] == [
        "Mine Ltd"
    ]


def test_only_the_cycles_the_member_is_assigned_in_are_shown(client, panel_member, colleagues):
    mine = _cycle(2024, Cycle.Status.FINALISED)
    other = _cycle(2023, Cycle.Status.FINALISED)
    submitted_review(_nominee(mine, "Mine Ltd"), panel_member, [6, 6])
    submitted_review(_nominee(other, "Other Ltd"), colleagues[0], [9, 9])
    _cycle(2025, Cycle.Status.DRAFT)

    response = _home(client, panel_member)

    assert [e.cycle.year for e in response.context["cycles"]] == [2024]
    assert "Other Ltd" not in response.text
    assert other.title_en not in response.text


def test_a_finalised_cycle_shows_the_counted_score_distribution_per_criterion(
    client, panel_member, colleagues
):
    cycle = _cycle(2024, Cycle.Status.FINALISED)
    first, second = _nominee(cycle, "Alpha Cargo"), _nominee(cycle, "Beta Freight")
    c1, c2, c3 = colleagues
    # Counted (criteria: Impact on enforcement, Commitment):
    submitted_review(first, panel_member, [7, 3])
    submitted_review(first, c1, [7, 10])
    submitted_review(first, c2, [4, 10])
    submitted_review(second, panel_member, [7, 0])
    submitted_review(second, c1, [9, 10])
    # Not counted: a recused member's review, a draft.
    submitted_review(second, c2, [0, 0], declaration="conflict")
    _draft_review(second, c3, [1, 1])

    response = _home(client, panel_member)

    [entry] = response.context["cycles"]
    impact, commitment = entry.distributions
    assert impact.criterion.name_en == "Impact on enforcement"
    assert impact.counts == [0, 0, 0, 0, 1, 0, 0, 3, 0, 1, 0]
    assert impact.own == [0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0]
    assert (impact.reviews, impact.mean, impact.median) == (5, Decimal("6.80"), Decimal(7))
    assert commitment.counts == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3]
    assert commitment.own == [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert (commitment.mean, commitment.median) == (Decimal("6.60"), Decimal(10))
    assert commitment.chart == {
        "labels": [str(score) for score in range(11)],
        "datasets": [
            {"label": "Counted reviews", "data": [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 3]},
            {"label": "Your scores", "data": [1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0]},
        ],
    }
    # The member's own scores are marked in words, not only by colour.
    assert "★ your score (2 reviews)" in response.text
    assert response.text.count("★ your score<") == 2
    assert "5 counted reviews; mean 6.80, median 7." in response.text
    assert 'data-chart="bar"' in response.text
    assert f'id="{impact.chart_id}"' in response.text
    assert "js/charts.js" in response.text
    # Counts only: no colleague is ever named.
    for colleague in colleagues:
        assert colleague.first_name not in response.text
        assert colleague.username not in response.text


def test_an_even_number_of_reviews_has_the_middle_pair_as_median(client, panel_member, colleagues):
    cycle = _cycle(2024, Cycle.Status.PUBLISHED, criteria=[("Overall", Decimal(1))])
    nomination = _nominee(cycle, "Alpha Cargo")
    submitted_review(nomination, panel_member, [4])
    submitted_review(nomination, colleagues[0], [7])

    [entry] = _home(client, panel_member).context["cycles"]

    [overall] = entry.distributions
    assert (overall.mean, overall.median) == (Decimal("5.50"), Decimal("5.5"))


def test_a_recused_member_sees_the_distribution_without_a_score_of_theirs(
    client, panel_member, colleagues
):
    cycle = _cycle(2024, Cycle.Status.FINALISED, criteria=[("Overall", Decimal(1))])
    nomination = _nominee(cycle, "Alpha Cargo")
    submitted_review(nomination, panel_member, [2], declaration="conflict")
    submitted_review(nomination, colleagues[0], [8])

    response = _home(client, panel_member)

    [overall] = response.context["cycles"][0].distributions
    assert (overall.counts[2], overall.counts[8], sum(overall.own)) == (0, 1, 0)
    assert "your score" not in response.text


def test_only_the_shown_cycles_distribution_is_read_the_others_are_a_link_away(
    client, panel_member, colleagues, django_assert_num_queries
):
    old = _cycle(2023, Cycle.Status.FINALISED, criteria=[("Overall", Decimal(1))])
    submitted_review(_nominee(old, "Alpha Cargo"), panel_member, [4])
    current = _cycle(2024, Cycle.Status.REVIEW)
    submitted_review(_nominee(current, "Beta Freight"), panel_member, [5, 6])
    client.force_login(panel_member)
    url = reverse("awards:panel-home")
    client.get(url)  # warm-up

    # session, user, roles, cycles, the page's keys and rows, the counts: no distribution.
    with django_assert_num_queries(7):
        response = client.get(url)
    latest, earlier = response.context["cycles"]
    assert (latest.cycle, latest.distributions, earlier.distributions) == (current, [], [])
    assert "Show your 1 nominee and the score distribution" in response.text

    response = client.get(url, {"cycle": 2023})
    [overall] = response.context["cycles"][1].distributions
    assert overall.counts[4] == 1
    assert "Score distribution per criterion" in response.text


def test_a_member_without_assignments_sees_the_empty_state(client, panel_member):
    response = _home(client, panel_member)
    assert response.context["cycles"] == []
    assert "No nominee has been assigned to you yet." in response.text
    assert "charts.js" not in response.text


def _world(member, colleagues, cycles, nominees):
    """`cycles` cycles, half of them finalised (the latest, shown, among them), each with
    `nominees` nominees reviewed by the member and two colleagues."""
    for index in range(cycles):
        latest_first = cycles - 1 - index
        status = Cycle.Status.FINALISED if latest_first % 2 == 0 else Cycle.Status.REVIEW
        cycle = _cycle(2020 + index, status)
        for n in range(nominees):
            nomination = _nominee(cycle, f"Nominee {index}-{n}")
            submitted_review(nomination, member, [n % 11, (n + 3) % 11])
            submitted_review(nomination, colleagues[0], [(n + 1) % 11, 5])
            if n % 2:
                AssignmentFactory(
                    nomination=nomination,
                    member=colleagues[1],
                    declaration=Assignment.Declaration.PENDING,
                )


# session, user, roles, the member's cycles, the shown cycle's page of assignments (their keys
# in order, the page's rows with nominee and review), the counts per cycle and state, the shown
# finalised cycle's criteria and grouped score counts
@pytest.mark.parametrize(("cycles", "nominees"), [(1, 1), (4, 6)])
def test_panel_home_costs_nine_queries_whatever_the_size(
    client, panel_member, colleagues, cycles, nominees, django_assert_num_queries
):
    _world(panel_member, colleagues, cycles, nominees)
    client.force_login(panel_member)
    url = reverse("awards:panel-home")
    client.get(url)  # warm-up
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["cycles"]) == cycles
    assert len(response.context["cycles"][0].assignments) == nominees
    assert sum(e.nominees for e in response.context["cycles"]) == cycles * nominees


def test_a_renamed_nominee_moves_to_its_new_place_in_the_order(client, panel_member, secretariat):
    from partners.services.enterprises import enterprise_update

    cycle = _cycle(2024, Cycle.Status.REVIEW)
    alpha, beta = (_nominee(cycle, name) for name in ("Alpha Cargo", "Beta Freight"))
    for nominee in (alpha, beta):
        AssignmentFactory(nomination=nominee, member=panel_member, declaration="pending")

    enterprise_update(enterprise=beta.enterprise, user=secretariat, name_en="Aardvark Freight")

    [entry] = _home(client, panel_member).context["cycles"]
    assert [a.nomination.enterprise.name_en for a in entry.assignments] == [
        "Aardvark Freight",
        "Alpha Cargo",
    ]


def test_a_review_submitted_or_a_conflict_declared_moves_the_nominee_to_done(client, panel_member):
    cycle = _cycle(2024, Cycle.Status.REVIEW)
    alpha, beta, gamma = (_nominee(cycle, n) for n in ("Alpha Cargo", "Beta Air", "Gamma Sea"))
    review = _draft_review(alpha, panel_member, [5, 5])
    recused = AssignmentFactory(nomination=beta, member=panel_member, declaration="no_conflict")
    AssignmentFactory(nomination=gamma, member=panel_member, declaration="pending")
    assert [a.state for a in Assignment.objects.order_by("nomination__sort_name")] == [
        "review",
        "review",
        "declare",
    ]

    review.status = Review.Status.SUBMITTED
    review.save()
    recused.declaration, recused.conflict_reason = "conflict", "Kin."
    recused.save(update_fields=["declaration", "conflict_reason"])

    [entry] = _home(client, panel_member).context["cycles"]
    assert [(a.nomination.enterprise.name_en, a.state, a.is_done) for a in entry.assignments] == [
        ("Gamma Sea", "declare", False),
        ("Alpha Cargo", "submitted", True),
        ("Beta Air", "recused", True),
    ]
    assert (entry.to_declare, entry.to_review, entry.submitted) == (1, 0, 1)
