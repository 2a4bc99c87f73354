"""partners.rules: who may do what to the cooperation record, one test per rule, every role.
The services require the same verdicts (tests/partners/test_workflow.py shows them refusing)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from partners import rules
from partners.models import CooperationEvent, EnforcementFlag
from portal.rules import require
from tests.factories import EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

Status = CooperationEvent.Status
ROLES = ["officer", "officer2", "verifier", "secretariat", "panel_member", "partner_user"]


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_superuser=True)


def _who(request, name):
    return request.getfixturevalue(name)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("officer", True),
        ("verifier", True),
        ("secretariat", True),
        ("panel_member", False),
        ("partner_user", False),
        ("superuser", True),
    ],
)
def test_may_see_the_whole_record(request, who, allowed):
    assert bool(rules.may_see_the_whole_record(_who(request, who))) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("officer", False), ("verifier", False), ("secretariat", True), ("partner_user", False)],
)
def test_may_manage_enterprises(request, who, allowed):
    assert bool(rules.may_manage_enterprises(_who(request, who))) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("officer", True), ("verifier", True), ("secretariat", True), ("panel_member", False)],
)
def test_may_raise_concern(request, who, allowed, enterprise):
    assert bool(rules.may_raise_concern(_who(request, who), enterprise)) is allowed


def test_may_clear_concern_only_the_secretariat_and_only_once(enterprise, officer, secretariat):
    flag = EnforcementFlag.objects.create(
        enterprise=enterprise, flagged_on=datetime.date(2024, 1, 5), reason="r", raised_by=officer
    )
    assert rules.may_clear_concern(secretariat, flag)
    refused = rules.may_clear_concern(officer, flag)
    assert not refused and not refused.not_now
    flag.cleared_at = timezone.now()
    cleared = rules.may_clear_concern(secretariat, flag)
    assert not cleared and cleared.not_now
    assert cleared.reason == "This concern was already cleared."


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("officer", True), ("verifier", False), ("secretariat", False), ("partner_user", False)],
)
def test_may_log_events(request, who, allowed):
    assert bool(rules.may_log_events(_who(request, who))) is allowed


def _event(status, enterprise, officer, verifier2):
    event = EventFactory(enterprise=enterprise, logged_by=officer)
    event.status = status
    if status == Status.VERIFIED:
        event.verified_by, event.verified_at = verifier2, timezone.now()
    return event


# (status, who) -> allowed, for each event rule; anything not listed is refused.
EVENT_RULES = {
    "may_edit_event": {
        (Status.DRAFT, "officer"),
        (Status.RETURNED, "officer"),
    },
    "may_submit_event": {(Status.DRAFT, "officer"), (Status.RETURNED, "officer")},
    "may_verify_event": {(Status.SUBMITTED, "verifier")},
    "may_return_event": {(Status.SUBMITTED, "verifier")},
    "may_withdraw_event": {
        (Status.DRAFT, "officer"),
        (Status.SUBMITTED, "officer"),
        (Status.RETURNED, "officer"),
        *((status, "secretariat") for status in Status if status != Status.WITHDRAWN),
    },
}


@pytest.mark.parametrize("rule", sorted(EVENT_RULES))
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("who", ROLES)
def test_the_event_rules(request, rule, status, who, enterprise, officer, verifier2):
    event = _event(status, enterprise, officer, verifier2)
    verdict = getattr(rules, rule)(_who(request, who), event)
    assert bool(verdict) is ((status, who) in EVENT_RULES[rule])
    if not verdict:
        assert verdict.reason  # a refusal always says why


def test_a_refusal_by_state_is_a_validation_error_and_by_person_a_403(
    submitted_event, officer, verifier
):
    submitted_event.status = Status.VERIFIED
    submitted_event.verified_by, submitted_event.verified_at = verifier, timezone.now()
    with pytest.raises(ValidationError, match="already verified"):
        require(
            rules.may_verify_event(UserFactory(username="v3", roles=["Verifier"]), submitted_event)
        )
    with pytest.raises(PermissionDenied, match="Only verifiers can verify or return events."):
        require(rules.may_verify_event(officer, submitted_event))


def test_four_eyes_is_named_so_the_page_can_explain_it(enterprise):
    both = UserFactory(username="both", roles=["Officer", "Verifier"])
    event = EventFactory(enterprise=enterprise, logged_by=both, submitted=True)
    assert rules.may_verify_event(both, event).code == "four_eyes"


def test_event_actions_are_the_event_rules(submitted_event, verifier):
    actions = rules.event_actions(verifier, submitted_event)
    assert {name for name, verdict in actions.items() if verdict} == {"verify", "return"}


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("partner_user", True), ("officer", False), ("secretariat", False), ("superuser", False)],
)
def test_may_send_reports(request, who, allowed):
    assert bool(rules.may_send_reports(_who(request, who))) is allowed


def test_a_deactivated_partner_user_may_not_send_reports(partner_user):
    partner_user.membership.is_active = False
    assert not rules.may_send_reports(partner_user)


@pytest.mark.parametrize(
    ("who", "allowed"),
    [("officer", True), ("verifier", False), ("secretariat", False), ("partner_user", False)],
)
def test_may_triage_reports(request, who, allowed):
    assert bool(rules.may_triage_reports(_who(request, who))) is allowed


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("officer", True),
        ("verifier", False),
        ("secretariat", False),
        ("panel_member", False),
        ("partner_user", False),
    ],
)
def test_may_import_manifests(request, who, allowed):
    assert bool(rules.may_import_manifests(_who(request, who))) is allowed


def test_may_manage_colleagues_only_an_active_manager(enterprise):
    manager = MembershipFactory(enterprise=enterprise, is_manager=True).user
    member = MembershipFactory(enterprise=enterprise).user
    assert rules.may_manage_colleagues(manager)
    assert not rules.may_manage_colleagues(member)
    manager.membership.is_active = False
    assert not rules.may_manage_colleagues(manager)
    assert not rules.may_manage_colleagues(UserFactory(username="staff", roles=["Officer"]))
