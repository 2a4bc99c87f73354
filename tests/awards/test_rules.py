"""awards.rules: who may do what in the award cycles, one test per rule, every role and every
status a rule depends on. The services require the same verdicts."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from awards import rules
from awards.models import Assignment, Cycle, Nomination, Review
from portal import clock
from portal.rules import require
from tests.awards.factories import AssignmentFactory, CycleFactory, NominationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

Status = Cycle.Status
ROLES = ["officer", "verifier", "secretariat", "panel_member", "partner_user"]


@pytest.fixture
def draft_cycle(db):
    return CycleFactory(year=2024)


def _user(request, who):
    return request.getfixturevalue(who)


@pytest.mark.parametrize(
    "rule",
    [
        rules.may_manage_cycles,
        rules.may_nominate,
        rules.may_decide_awards,
        rules.may_assign_panel,
        rules.may_issue_certificates,
        rules.may_arrange_ceremony,
    ],
)
@pytest.mark.parametrize("who", ROLES)
def test_the_secretariat_rules_allow_the_secretariat_only(request, rule, who):
    verdict = rule(_user(request, who))
    assert bool(verdict) is (who == "secretariat")
    if not verdict:
        assert not verdict.not_now and verdict.reason.startswith("Only the secretariat")


def test_the_system_may_issue_certificates():
    assert rules.may_issue_certificates(None)


@pytest.mark.parametrize("status", list(Status))
def test_may_decide_awards_in_review_only(secretariat, draft_cycle, status):
    draft_cycle.status = status
    verdict = rules.may_decide_awards(secretariat, draft_cycle)
    assert bool(verdict) is (status == Status.REVIEW)
    assert verdict or verdict.not_now


@pytest.mark.parametrize("status", list(Status))
def test_may_assign_panel_from_nominations_to_review(secretariat, draft_cycle, status):
    draft_cycle.status = status
    assert bool(rules.may_assign_panel(secretariat, draft_cycle)) is (status in Cycle.OPEN_STATUSES)


@pytest.mark.parametrize(
    ("status", "allowed"),
    [(s, s not in Cycle.FROZEN_STATUSES) for s in Status],
)
def test_may_edit_cycle_until_it_is_frozen(secretariat, draft_cycle, status, allowed):
    draft_cycle.status = status
    assert bool(rules.may_edit_cycle(secretariat, draft_cycle)) is allowed


@pytest.mark.parametrize("status", list(Status))
def test_may_advance_cycle_from_draft_and_nominations(secretariat, draft_cycle, status):
    draft_cycle.status = status
    verdict = rules.may_advance_cycle(secretariat, draft_cycle)
    assert bool(verdict) is (status in (Status.DRAFT, Status.NOMINATIONS))
    assert verdict.reason == rules.advance_refusal(draft_cycle)


@pytest.mark.parametrize("status", list(Status))
def test_may_reopen_cycle_when_finalised(secretariat, draft_cycle, status):
    draft_cycle.status = status
    assert bool(rules.may_reopen_cycle(secretariat, draft_cycle)) is (status == Status.FINALISED)


def test_may_publish_cycle_four_eyes(secretariat, draft_cycle):
    other = UserFactory(username="secretariat2", roles=["Secretariat"])
    draft_cycle.status, draft_cycle.finalised_by = Status.FINALISED, secretariat
    assert rules.may_publish_cycle(other, draft_cycle)
    own = rules.may_publish_cycle(secretariat, draft_cycle)
    assert not own and own.code == "four_eyes" and not own.not_now
    draft_cycle.status = Status.REVIEW
    assert rules.may_publish_cycle(other, draft_cycle).not_now
    draft_cycle.status = Status.PUBLISHED
    assert rules.may_publish_cycle(other, draft_cycle).reason == "This cycle is already published."


@pytest.mark.parametrize("status", list(Status))
def test_cycle_actions_follow_the_status(secretariat, draft_cycle, status):
    draft_cycle.status = status
    offered = {name for name, v in rules.cycle_actions(secretariat, draft_cycle).items() if v}
    assert (
        offered
        == {
            Status.DRAFT: {"edit", "advance"},
            Status.NOMINATIONS: {"edit", "advance"},
            Status.REVIEW: {"edit", "finalise"},
            Status.FINALISED: {"reopen", "publish"},
            Status.PUBLISHED: set(),
        }[status]
    )


def test_cycle_actions_offer_nothing_to_the_panel(panel_member, draft_cycle):
    assert not any(rules.cycle_actions(panel_member, draft_cycle).values())


def test_may_act_on_assignment_only_ones_own(panel_member, draft_cycle):
    assignment = AssignmentFactory(
        nomination=NominationFactory(cycle=draft_cycle), member=panel_member
    )
    assert rules.may_act_on_assignment(panel_member, assignment)
    other = UserFactory(username="panel2", roles=["Panel"])
    with pytest.raises(PermissionDenied, match="another panel member's assignment"):
        require(rules.may_act_on_assignment(other, assignment))


@pytest.fixture
def assignment(panel_member, draft_cycle):
    draft_cycle.status = Status.REVIEW
    draft_cycle.scoring_deadline = clock.today() + datetime.timedelta(days=3)
    draft_cycle.save()
    return AssignmentFactory(nomination=NominationFactory(cycle=draft_cycle), member=panel_member)


def test_may_review_while_everything_allows(panel_member, assignment):
    assert rules.may_review(panel_member, assignment, None)
    assert rules.may_review(panel_member, assignment, Review(status=Review.Status.DRAFT))


@pytest.mark.parametrize(
    ("change", "message", "error"),
    [
        (lambda a: setattr(a.nomination.cycle, "status", Status.NOMINATIONS),
         "only while the cycle is in panel review", ValidationError),
        (lambda a: setattr(a.nomination, "status", Nomination.Status.WITHDRAWN),
         "This nomination was withdrawn.", ValidationError),
        (lambda a: setattr(a, "declaration", Assignment.Declaration.PENDING),
         "Declare whether you have a conflict of interest first.", PermissionDenied),
        (lambda a: setattr(a, "declaration", Assignment.Declaration.CONFLICT),
         "You declared a conflict of interest", PermissionDenied),
        (lambda a: setattr(a.nomination.cycle, "scoring_deadline",
                           clock.today() - datetime.timedelta(days=1)),
         "Scoring closed at the end of", ValidationError),
    ],
)  # fmt: skip
def test_may_review_refuses_with_the_reason(panel_member, assignment, change, message, error):
    change(assignment)
    with pytest.raises(error, match=message):
        require(rules.may_review(panel_member, assignment, None))


def test_may_review_refuses_a_submitted_review(panel_member, assignment):
    verdict = rules.may_review(panel_member, assignment, Review(status=Review.Status.SUBMITTED))
    assert not verdict and verdict.not_now
    assert verdict.reason == "This review was submitted; it can no longer be changed."
