"""The kept numbers (awards.models.scores, partners' EventMonthCount) equal a fresh computation
from the events and reviews after any sequence of the changes that move them, made through the
services: events logged, submitted, verified, returned and withdrawn; a cycle's rules,
multipliers, window, α and quorum changed; nominations made and withdrawn; the panel assigned,
reviews submitted, conflicts declared. Hypothesis draws the sequences; `manage.py
rebuild_derived` is checked the same way."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from awards.models import Assignment, CooperationTally, Cycle, Nomination, NominationScore
from awards.services.cycles import cycle_advance, cycle_create, cycle_update
from awards.services.nominations import nomination_create, nomination_withdraw
from awards.services.panel import (
    AssignmentMode,
    assignment_declare,
    assignments_create,
    review_save,
)
from partners.models import CooperationEvent, EventMonthCount
from partners.services import events as event_services
from partners.services.enterprises import enterprise_update
from tests.awards.kept import assert_kept_equals_fresh
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

EventType = CooperationEvent.EventType
Significance = CooperationEvent.Significance
WINDOW = (datetime.date(2024, 1, 1), datetime.date(2024, 12, 31))
ENTERPRISES = 4
MEMBERS = 3


@pytest.fixture
def world(officer, verifier, secretariat):
    members = [UserFactory(username=f"member{i}", roles=["Panel"]) for i in range(MEMBERS)]
    enterprises = [EnterpriseFactory() for _ in range(ENTERPRISES)]
    return {
        "officer": officer,
        "verifier": verifier,
        "secretariat": secretariat,
        "members": members,
        "enterprises": enterprises,
    }


def _cycle(world, year: int, start: datetime.date, end: datetime.date) -> Cycle:
    return cycle_create(
        user=world["secretariat"],
        year=year,
        title_en=f"Award {year}",
        title_zh=f"{year}年",
        window_start=start,
        window_end=end,
        quorum=2,
        criteria=[
            {"name_en": "Impact", "name_zh": "影響", "weight": Decimal("2")},
            {"name_en": "Commitment", "name_zh": "承擔", "weight": Decimal("1")},
        ],
    )


days = st.integers(min_value=-60, max_value=425)  # from before the window to after it
enterprise = st.integers(min_value=0, max_value=ENTERPRISES - 1)
member = st.integers(min_value=0, max_value=MEMBERS - 1)
score = st.integers(min_value=0, max_value=10)
event_op = st.tuples(
    st.just("event"),
    enterprise,
    st.sampled_from(EventType.values),
    st.sampled_from(Significance.values),
    days,
    # Mostly verified: the events that count.
    st.sampled_from(["verified"] * 4 + ["draft", "submitted", "returned", "withdrawn"]),
)
withdraw_verified = st.tuples(st.just("withdraw_verified"), st.integers(min_value=0, max_value=30))
alpha = st.tuples(st.just("alpha"), st.sampled_from([Decimal("0.5"), Decimal("0.7")]))
quorum = st.tuples(st.just("quorum"), st.integers(min_value=1, max_value=3))
nominate = st.tuples(st.just("nominate"), enterprise)
# The secretariat corrects an enterprise's name or BR number (copies of both are kept).
rename = st.tuples(
    st.just("rename"),
    enterprise,
    st.sampled_from(["Aardvark Freight", "Zephyr Logistics", "Mid Terminal"]),
    st.sampled_from(["70000001", "70000002", "09999999"]),
)
withdraw_nomination = st.tuples(st.just("withdraw_nomination"), enterprise)
# Before the panel review: the settings the scores come from may still change.
before_review = st.lists(
    st.one_of(
        event_op,
        event_op,
        withdraw_verified,
        st.tuples(
            st.just("rule"),
            st.sampled_from(EventType.values),
            st.integers(min_value=1, max_value=8),
            st.integers(min_value=2, max_value=30),
        ),
        st.tuples(
            st.just("multiplier"),
            st.sampled_from(["multiplier_notable", "multiplier_major"]),
            st.sampled_from([Decimal("1.5"), Decimal("2"), Decimal("4")]),
        ),
        st.tuples(st.just("window"), days, st.integers(min_value=30, max_value=400)),
        alpha,
        quorum,
        nominate,
        withdraw_nomination,
        rename,
    ),
    max_size=14,
)
# During the review: reviews and conflicts, and events still verified or withdrawn.
during_review = st.lists(
    st.one_of(
        event_op,
        withdraw_verified,
        # Submitted, or saved as a draft (the assignment's state then stays "to review").
        st.tuples(st.just("review"), enterprise, member, score, score, st.booleans()),
        st.tuples(st.just("review"), enterprise, member, score, score, st.just(True)),
        st.tuples(st.just("conflict"), enterprise, member),
        alpha,
        quorum,
        withdraw_nomination,
        rename,
    ),
    max_size=14,
)


def _apply(world, cycle: Cycle, operation) -> None:
    kind, *args = operation
    secretariat = world["secretariat"]
    cycle.refresh_from_db()
    if kind == "event":
        index, event_type, significance, offset, status = args
        event = event_services.event_create(
            user=world["officer"],
            enterprise=world["enterprises"][index],
            event_type=event_type,
            significance=significance,
            occurred_on=min(WINDOW[0] + datetime.timedelta(days=offset), datetime.date.today()),
            title=f"Event {offset}",
            partner_summary="",
            restricted_details="",
        )
        if status == "draft":
            return
        event = event_services.event_submit(event=event, user=world["officer"])
        if status == "returned":
            event_services.event_return(event=event, user=world["verifier"], reason="Check it.")
        elif status in ("verified", "withdrawn"):
            event = event_services.event_verify(event=event, user=world["verifier"])
            if status == "withdrawn":
                event_services.event_withdraw(event=event, user=secretariat, reason="Wrong.")
    elif kind == "withdraw_verified":
        verified = list(CooperationEvent.objects.verified().order_by("pk"))
        if verified:
            event = verified[args[0] % len(verified)]
            event_services.event_withdraw(event=event, user=secretariat, reason="Found wrong.")
    elif kind == "rule":
        event_type, points, cap = args
        rules = {r.event_type: (r.points, r.cap) for r in cycle.event_rules.all()}
        rules[event_type] = (Decimal(points), Decimal(cap))
        cycle_update(cycle=cycle, user=secretariat, rules=rules)
    elif kind == "multiplier":
        field, value = args
        cycle_update(cycle=cycle, user=secretariat, **{field: value})
    elif kind == "window":
        offset, length = args
        start = WINDOW[0] + datetime.timedelta(days=offset)
        cycle_update(
            cycle=cycle,
            user=secretariat,
            window_start=start,
            window_end=start + datetime.timedelta(days=length),
        )
    elif kind == "alpha":
        cycle_update(cycle=cycle, user=secretariat, cooperation_weight=args[0])
    elif kind == "quorum":
        cycle_update(cycle=cycle, user=secretariat, quorum=args[0])
    elif kind == "rename":
        index, name, br_number = args
        enterprise_update(
            enterprise=world["enterprises"][index],
            user=secretariat,
            name_en=f"{name} {index}",
            br_number=br_number[:-1] + str(index),  # unique among the enterprises
        )
    elif kind == "nominate":
        nomination_create(cycle=cycle, enterprise=world["enterprises"][args[0]], user=secretariat)
    elif kind == "withdraw_nomination":
        nomination = Nomination.objects.get(cycle=cycle, enterprise=world["enterprises"][args[0]])
        nomination_withdraw(nomination=nomination, user=secretariat, reason="Merged.")
    elif kind == "advance":
        cycle = cycle_advance(cycle=cycle, user=secretariat)
        if cycle.status == Cycle.Status.REVIEW:
            assignments_create(cycle=cycle, user=secretariat, mode=AssignmentMode.ALL)
    elif kind in ("review", "conflict"):
        index, member_index = args[0], args[1]
        assignment = world["members"][member_index].panel_assignments.get(
            nomination__cycle=cycle, nomination__enterprise=world["enterprises"][index]
        )
        user = world["members"][member_index]
        if kind == "conflict":
            assignment_declare(
                assignment=assignment, user=user, declaration="conflict", reason="A relation."
            )
            return
        if assignment.declaration == "pending":
            assignment = assignment_declare(
                assignment=assignment, user=user, declaration="no_conflict"
            )
        criteria = list(cycle.criteria.order_by("position"))
        review_save(
            assignment=assignment,
            user=user,
            scores={criteria[0].pk: args[2], criteria[1].pk: args[3]},
            submit=args[4],
        )


@settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(before=before_review, during=during_review)
def test_the_kept_numbers_equal_a_fresh_computation_after_any_changes(world, before, during):
    with transaction.atomic():
        cycle = _cycle(world, 2024, *WINDOW)
        # A second cycle whose window overlaps: an event can count in both.
        _cycle(world, 2025, datetime.date(2024, 6, 1), datetime.date(2025, 5, 31))
        cycle_advance(cycle=cycle, user=world["secretariat"])  # nominations open
        operations = [
            ("nominate", 0),
            ("nominate", 1),
            *before,
            ("advance",),  # the panel review starts, every member assigned to every nominee
            *during,
        ]
        for operation in operations:
            try:
                with transaction.atomic():
                    _apply(world, cycle, operation)
            except (ValidationError, PermissionDenied, Nomination.DoesNotExist):
                pass  # a change the state does not allow: refused, nothing written
            except Exception as error:  # noqa: BLE001
                if type(error).__name__ != "DoesNotExist":
                    raise
        assert_kept_equals_fresh()
        call_command("rebuild_derived", stdout=open("/dev/null", "w"))  # noqa: SIM115
        assert_kept_equals_fresh()
        transaction.set_rollback(True)


def test_rebuild_derived_recomputes_what_was_lost(world):
    cycle = _cycle(world, 2024, *WINDOW)
    event = event_services.event_create(
        user=world["officer"],
        enterprise=world["enterprises"][0],
        event_type=EventType.TRAINING,
        significance=Significance.MAJOR,
        occurred_on=datetime.date(2024, 3, 1),
        title="Training",
        partner_summary="",
        restricted_details="",
    )
    event_services.event_submit(event=event, user=world["officer"])
    event_services.event_verify(event=event, user=world["verifier"])
    nomination_create(cycle=cycle, enterprise=world["enterprises"][0], user=world["secretariat"])
    cycle_advance(cycle=cycle, user=world["secretariat"])
    cycle = cycle_advance(cycle=cycle, user=world["secretariat"])  # the panel review
    assignments_create(cycle=cycle, user=world["secretariat"], mode=AssignmentMode.ALL)
    reviewer, recused, _undeclared = world["members"]
    assignment = assignment_declare(
        assignment=reviewer.panel_assignments.get(), user=reviewer, declaration="no_conflict"
    )
    criteria = list(cycle.criteria.order_by("position"))
    review_save(
        assignment=assignment,
        user=reviewer,
        scores={criteria[0].pk: 7, criteria[1].pk: 8},
        submit=True,
    )
    assignment_declare(
        assignment=recused.panel_assignments.get(),
        user=recused,
        declaration="conflict",
        reason="A relation.",
    )
    assert_kept_equals_fresh()
    CooperationTally.objects.all().delete()
    NominationScore.objects.all().delete()
    EventMonthCount.objects.all().delete()
    Assignment.objects.update(state=Assignment.State.SUBMITTED)  # lost or never written
    Nomination.objects.update(sort_name="")

    call_command("rebuild_derived", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert_kept_equals_fresh()
    tally = CooperationTally.objects.get(cycle=cycle, enterprise=world["enterprises"][0])
    assert tally.counts == {"training": {"major": 1}}
    assert NominationScore.objects.get().verified_events == 1
    assert sorted(Assignment.objects.values_list("state", flat=True)) == [
        "declare",
        "recused",
        "submitted",
    ]
