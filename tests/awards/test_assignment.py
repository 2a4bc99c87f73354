"""Assigning the panel: the balanced algorithm (pure, checked against brute force) and the
service that writes it."""

import itertools
from collections import Counter

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from awards.models import Assignment, Cycle
from awards.panel_planning import (
    InfeasibleAssignment,
    Shortfall,
    balanced_assignment,
    below_quorum,
    full_assignment,
)
from awards.services.panel import AssignmentMode, assignments_create
from portal.models import AuditEntry
from tests.awards.factories import AssignmentFactory, CycleFactory, NominationFactory
from tests.factories import EnterpriseFactory, UserFactory

# The pure algorithm


def _counting(existing, recused):
    return set(existing) - set(recused)


def _brute_force(nominees, members, quorum, max_load, existing, recused):
    """Every way of adding exactly the missing members (adding more never helps); returns the
    smallest sum of squared loads among those within the maximum load, or None if there is
    none. Independent of the algorithm under test."""
    counting = _counting(existing, recused)
    taken = set(existing) | set(recused)
    load = Counter(m for _, m in counting)
    choices = []
    for n in nominees:
        need = max(0, quorum - sum(1 for pair in counting if pair[0] == n))
        eligible = [m for m in members if (n, m) not in taken]
        choices.append(list(itertools.combinations(eligible, need)))
    best = None
    for combination in itertools.product(*choices):
        added = Counter(m for chosen in combination for m in chosen)
        if any(added[m] and load[m] + added[m] > max_load for m in members):
            continue
        cost = sum((load[m] + added[m]) ** 2 for m in members)
        best = cost if best is None else min(best, cost)
    return best


@st.composite
def situations(draw, max_nominees=4, max_members=4):
    nominees = list(range(draw(st.integers(0, max_nominees))))
    members = [f"m{i}" for i in range(draw(st.integers(1, max_members)))]
    pairs = [(n, m) for n in nominees for m in members]
    existing = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    # Conflicts are declared on assignments, and, in the function's terms, on any pair.
    recused = draw(st.lists(st.sampled_from(pairs), unique=True)) if pairs else []
    return {
        "nominees": nominees,
        "members": members,
        "quorum": draw(st.integers(1, 3)),
        "max_load": draw(st.integers(1, 4)),
        "existing": existing,
        "recused": recused,
    }


def _final(situation, added):
    counting = _counting(situation["existing"], situation["recused"]) | set(added)
    return Counter(n for n, _ in counting), Counter(m for _, m in counting)


@settings(max_examples=300, deadline=None)
@given(situations())
def test_the_quorum_is_reached_whenever_any_assignment_could_reach_it(situation):
    best = _brute_force(**situation)
    try:
        added = balanced_assignment(**situation)
    except InfeasibleAssignment as infeasible:
        assert best is None
        assert infeasible.short
        return
    assert best is not None
    have, load = _final(situation, added)
    assert all(have[n] >= situation["quorum"] for n in situation["nominees"])
    # The most even spread the constraints allow: the smallest sum of squared loads.
    assert sum(load[m] ** 2 for m in situation["members"]) == best


@settings(max_examples=300, deadline=None)
@given(situations(max_nominees=8, max_members=6))
def test_no_load_over_the_maximum_no_conflict_used_nothing_assigned_twice(situation):
    try:
        added = balanced_assignment(**situation)
    except InfeasibleAssignment:
        return
    assert len(added) == len(set(added))
    assert not set(added) & set(situation["existing"])
    assert not set(added) & set(situation["recused"])
    existing_load = Counter(m for _, m in _counting(situation["existing"], situation["recused"]))
    added_load = Counter(m for _, m in added)
    for member, count in added_load.items():
        assert existing_load[member] + count <= situation["max_load"]
    # Only what is missing is added.
    have = Counter(n for n, _ in _counting(situation["existing"], situation["recused"]))
    assert len(added) == sum(max(0, situation["quorum"] - have[n]) for n in situation["nominees"])


@settings(max_examples=200, deadline=None)
@given(situations(max_nominees=8, max_members=6), st.randoms(use_true_random=False))
def test_the_same_situation_always_gives_the_same_plan(situation, rnd):
    def attempt(s):
        try:
            return balanced_assignment(**s)
        except InfeasibleAssignment as infeasible:
            return infeasible.short, infeasible.impossible, infeasible.load_needed

    shuffled = {
        key: rnd.sample(value, len(value)) if isinstance(value, list) else value
        for key, value in situation.items()
    }
    assert attempt(situation) == attempt(shuffled)


@settings(max_examples=200, deadline=None)
@given(situations(max_nominees=8, max_members=6))
def test_an_infeasible_plan_names_the_nominees_and_the_load_that_would_do(situation):
    try:
        balanced_assignment(**situation)
    except InfeasibleAssignment as caught:
        infeasible = caught
    else:
        return
    counting = _counting(situation["existing"], situation["recused"])
    taken = set(situation["existing"]) | set(situation["recused"])

    def reachable(n):
        have = sum(1 for pair in counting if pair[0] == n)
        return have + sum(1 for m in situation["members"] if (n, m) not in taken)

    assert infeasible.impossible == [
        Shortfall(n, reachable(n))
        for n in situation["nominees"]
        if reachable(n) < situation["quorum"]
    ]
    assert all(s.reachable < situation["quorum"] for s in infeasible.short)
    if infeasible.impossible:
        assert infeasible.load_needed is None
    else:
        needed = infeasible.load_needed
        assert needed > situation["max_load"]
        balanced_assignment(**{**situation, "max_load": needed})
        with pytest.raises(InfeasibleAssignment):
            balanced_assignment(**{**situation, "max_load": needed - 1})


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 12), st.integers(1, 7), st.integers(1, 4))
def test_without_conflicts_the_loads_differ_by_at_most_one(nominees, members, quorum):
    if quorum > members:
        return
    added = balanced_assignment(range(nominees), range(members), quorum=quorum, max_load=nominees)
    load = Counter(m for _, m in added)
    loads = [load[m] for m in range(members)]
    assert max(loads) - min(loads) <= 1
    assert sum(loads) == nominees * quorum


def test_four_nominees_three_members_quorum_two():
    added = balanced_assignment(["A", "B", "C", "D"], [1, 2, 3], quorum=2, max_load=3)
    assert added == [("A", 1), ("A", 2), ("B", 1), ("B", 3), ("C", 2), ("C", 3), ("D", 1), ("D", 2)]
    assert sorted(Counter(m for _, m in added).values()) == [2, 3, 3]


def test_a_late_conflict_is_topped_up_without_removing_anything():
    existing = [("A", 1), ("A", 2), ("B", 1), ("B", 2)]
    added = balanced_assignment(
        ["A", "B"], [1, 2, 3], quorum=2, max_load=2, existing=existing, recused=[("A", 2)]
    )
    assert added == [("A", 3)]  # member 2 keeps the assignment but no longer counts on A


def test_a_member_already_over_the_load_gets_nothing_more():
    existing = [("A", 1), ("B", 1), ("C", 1)]
    added = balanced_assignment(
        ["A", "B", "C", "D"], [1, 2], quorum=1, max_load=2, existing=existing
    )
    assert added == [("D", 2)]


def test_too_few_members_without_a_conflict():
    with pytest.raises(InfeasibleAssignment) as caught:
        balanced_assignment(
            ["A", "B"], [1, 2, 3], quorum=3, max_load=5, recused=[("B", 1), ("B", 3)]
        )
    assert caught.value.impossible == [Shortfall("B", 1)]
    assert caught.value.load_needed is None


def test_a_load_too_low_says_which_load_would_do():
    with pytest.raises(InfeasibleAssignment) as caught:
        balanced_assignment(range(10), ["a", "b", "c", "d"], quorum=3, max_load=7)
    assert caught.value.impossible == []
    assert caught.value.short == [Shortfall(9, 1)]  # 28 places for 30 reviews
    assert caught.value.load_needed == 8


def test_full_assignment_adds_every_missing_pair_but_conflicts():
    pairs = full_assignment(["A", "B"], [1, 2], existing=[("A", 1)], recused=[("B", 2)])
    assert pairs == [("A", 2), ("B", 1)]
    assert below_quorum(
        ["A", "B"],
        [1, 2],
        quorum=2,
        pairs=[("A", 1), ("A", 2), ("B", 1), ("B", 2)],
        recused=[("B", 2)],
    ) == [Shortfall("B", 1)]


def test_sixty_nominees_and_fifteen_members_are_spread_evenly():
    added = balanced_assignment(range(60), range(15), quorum=3, max_load=12)
    assert set(Counter(m for _, m in added).values()) == {12}


# The service


@pytest.fixture
def review_cycle(db):
    return CycleFactory(year=2024, status=Cycle.Status.REVIEW, quorum=2)


def _nominees(cycle, count):
    return [
        NominationFactory(cycle=cycle, enterprise=EnterpriseFactory(name_en=f"Nominee {i}"))
        for i in range(count)
    ]


def _members(count):
    return [UserFactory(username=f"panel{i}", roles=["Panel"]) for i in range(1, count + 1)]


@pytest.mark.django_db
def test_balanced_assignment_is_written_and_audited(review_cycle, secretariat):
    nominees = _nominees(review_cycle, 3)
    members = _members(3)
    UserFactory(username="inactive", roles=["Panel"], is_active=False)
    outcome = assignments_create(
        cycle=review_cycle, user=secretariat, mode=AssignmentMode.BALANCED, max_load=2
    )
    assert len(outcome.created) == 6
    assert outcome.below_quorum == []
    loads = Counter(Assignment.objects.values_list("member__username", flat=True))
    assert loads == {"panel1": 2, "panel2": 2, "panel3": 2}
    for nomination in nominees:
        assert nomination.assignments.count() == 2
    assert set(Assignment.objects.values_list("declaration", flat=True)) == {"pending"}
    entries = AuditEntry.objects.filter(action="awards.assignment.created")
    assert entries.count() == 6
    assert set(entries.values_list("note", flat=True)) == {"balanced, max load 2"}
    assert members[0].panel_assignments.count() == 2


@pytest.mark.django_db
def test_every_member_on_every_nominee(review_cycle, secretariat):
    _nominees(review_cycle, 2)
    _members(3)
    outcome = assignments_create(cycle=review_cycle, user=secretariat, mode=AssignmentMode.ALL)
    assert len(outcome.created) == 6
    again = assignments_create(cycle=review_cycle, user=secretariat, mode=AssignmentMode.ALL)
    assert again.created == []


@pytest.mark.django_db
def test_every_member_but_still_below_quorum_is_reported(review_cycle, secretariat):
    [nomination] = _nominees(review_cycle, 1)
    _members(1)
    outcome = assignments_create(cycle=review_cycle, user=secretariat, mode=AssignmentMode.ALL)
    assert outcome.below_quorum == [nomination]


@pytest.mark.django_db
def test_infeasible_balancing_writes_nothing_and_names_the_nominees(review_cycle, secretariat):
    nominees = _nominees(review_cycle, 2)
    members = _members(2)
    AssignmentFactory(
        nomination=nominees[1], member=members[0], declaration="conflict", conflict_reason="Owner"
    )
    with pytest.raises(ValidationError) as caught:
        assignments_create(
            cycle=review_cycle, user=secretariat, mode=AssignmentMode.BALANCED, max_load=5
        )
    assert caught.value.messages == [
        "Nothing was assigned: these nominees cannot reach the quorum of 2 with any load, "
        "because too few panel members and alternates are free of a declared conflict: "
        "Nominee 1 (1 of 2). Add an alternate or a panel member, or lower the quorum."
    ]
    assert Assignment.objects.count() == 1
    assert not AuditEntry.objects.filter(action="awards.assignment.created").exists()


@pytest.mark.django_db
def test_a_load_too_low_is_refused_with_the_load_that_would_do(review_cycle, secretariat):
    _nominees(review_cycle, 3)
    _members(2)
    with pytest.raises(ValidationError) as caught:
        assignments_create(
            cycle=review_cycle, user=secretariat, mode=AssignmentMode.BALANCED, max_load=2
        )
    assert caught.value.messages == [
        "Nothing was assigned: with a maximum load of 2 these nominees cannot all reach the "
        "quorum of 2: Nominee 2 (0 of 2). A maximum load of 3 would be enough."
    ]
    assert not Assignment.objects.exists()


@pytest.mark.django_db
def test_rerunning_after_a_late_conflict_adds_a_member_and_keeps_the_review(
    review_cycle, secretariat
):
    from tests.awards.factories import submitted_review

    [nomination] = _nominees(review_cycle, 1)
    members = _members(3)
    submitted_review(nomination, members[0], [5, 5])
    AssignmentFactory(nomination=nomination, member=members[1])
    Assignment.objects.filter(member=members[0]).update(
        declaration="conflict", conflict_reason="Joined their board"
    )
    outcome = assignments_create(
        cycle=review_cycle, user=secretariat, mode=AssignmentMode.BALANCED, max_load=1
    )
    assert [(a.nomination, a.member) for a in outcome.created] == [(nomination, members[2])]
    assert nomination.assignments.count() == 3
    assert nomination.assignments.get(member=members[0]).review.status == "submitted"


@pytest.mark.django_db
def test_withdrawn_nominees_and_frozen_cycles_are_left_alone(review_cycle, secretariat):
    [active, withdrawn] = _nominees(review_cycle, 2)
    withdrawn.status = "withdrawn"
    withdrawn.save()
    _members(2)
    assignments_create(cycle=review_cycle, user=secretariat, mode=AssignmentMode.ALL)
    assert set(Assignment.objects.values_list("nomination", flat=True)) == {active.pk}
    Cycle.objects.filter(pk=review_cycle.pk).update(status=Cycle.Status.FINALISED)
    with pytest.raises(ValidationError):
        assignments_create(cycle=review_cycle, user=secretariat, mode=AssignmentMode.ALL)


@pytest.mark.django_db
def test_only_the_secretariat_assigns(review_cycle, panel_member):
    _nominees(review_cycle, 1)
    with pytest.raises(PermissionDenied):
        assignments_create(cycle=review_cycle, user=panel_member, mode=AssignmentMode.ALL)


@pytest.mark.django_db
def test_a_draft_cycle_has_nobody_to_assign_yet(secretariat):
    cycle = CycleFactory(year=2023, status=Cycle.Status.DRAFT)
    _nominees(cycle, 1)
    _members(1)
    with pytest.raises(ValidationError):
        assignments_create(cycle=cycle, user=secretariat, mode=AssignmentMode.ALL)


@pytest.mark.django_db(transaction=True)
def test_two_secretaries_assigning_at_once_assign_once(secretariat):
    from tests.concurrency import run_at_once

    cycle = CycleFactory(year=2024, status=Cycle.Status.REVIEW, quorum=2)
    _nominees(cycle, 4)
    _members(4)
    other = UserFactory(username="secretariat2", roles=["Secretariat"])
    outcomes = run_at_once(
        lambda: assignments_create(
            cycle=cycle, user=secretariat, mode=AssignmentMode.BALANCED, max_load=2
        ),
        lambda: assignments_create(
            cycle=cycle, user=other, mode=AssignmentMode.BALANCED, max_load=2
        ),
    )
    assert outcomes == ["ok", "ok"]  # the second waited for the first, then had nothing to add
    assert Assignment.objects.count() == 8
    assert set(Counter(Assignment.objects.values_list("member", flat=True)).values()) == {2}
    assert AuditEntry.objects.filter(action="awards.assignment.created").count() == 8
