import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from partners.models import CooperationEvent
from partners.rules import event_actions
from partners.services import events as services
from portal.models import AuditEntry
from tests.concurrency import run_at_once
from tests.factories import EnterpriseFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = CooperationEvent.Status
HONG_KONG = ZoneInfo("Asia/Hong_Kong")
VERIFIED_AT = datetime.datetime(2024, 6, 3, 10, 15, tzinfo=HONG_KONG)

# Every move the workflow allows, with the action code it records.
ALLOWED = [
    (Status.DRAFT, Status.SUBMITTED, "partners.event.submitted"),
    (Status.DRAFT, Status.WITHDRAWN, "partners.event.withdrawn"),
    (Status.SUBMITTED, Status.VERIFIED, "partners.event.verified"),
    (Status.SUBMITTED, Status.RETURNED, "partners.event.returned"),
    (Status.SUBMITTED, Status.WITHDRAWN, "partners.event.withdrawn"),
    (Status.RETURNED, Status.SUBMITTED, "partners.event.submitted"),
    (Status.RETURNED, Status.WITHDRAWN, "partners.event.withdrawn"),
]
FORBIDDEN = [
    (Status.DRAFT, Status.VERIFIED, "A draft event cannot be marked verified."),
    (Status.DRAFT, Status.RETURNED, "A draft event cannot be marked returned."),
    (Status.SUBMITTED, Status.SUBMITTED, "A submitted event cannot be marked submitted."),
    (
        Status.RETURNED,
        Status.VERIFIED,
        "This event was already returned to the officer; it cannot be verified now.",
    ),
    (
        Status.RETURNED,
        Status.RETURNED,
        "This event was already returned to the officer; it cannot be returned now.",
    ),
    *[
        (
            Status.VERIFIED,
            target,
            "This event was already verified by Lam Siu-ming at 3 Jun 2024 10:15.",
        )
        for target in Status
        if target not in (Status.DRAFT, Status.WITHDRAWN)  # withdrawal: see the tests below
    ],
    *[
        (Status.WITHDRAWN, target, f"This event was already withdrawn; it cannot be {target}.")
        for target in Status
        if target != Status.DRAFT
    ],
]
RETURN_REASON = "The manifest reference is missing."
WITHDRAWAL_REASON = "Logged twice by mistake."


@pytest.fixture
def lam(db):
    """The verifier of the already-verified events, with a name the refusal message shows."""
    return UserFactory(username="lam", first_name="Lam", last_name="Siu-ming", roles=["Verifier"])


def _event_in(status, *, enterprise, officer, lam) -> CooperationEvent:
    extra = {}
    if status != Status.DRAFT:
        extra["submitted_at"] = VERIFIED_AT - datetime.timedelta(days=1)
    if status == Status.VERIFIED:
        extra.update(verified_by=lam, verified_at=VERIFIED_AT)
    if status == Status.RETURNED:
        extra["return_reason"] = "Earlier return."
    if status == Status.WITHDRAWN:
        extra["withdrawal_reason"] = "Earlier withdrawal."
    return EventFactory(enterprise=enterprise, logged_by=officer, status=status, **extra)


def _attempt(event, target, *, officer, verifier):
    """Ask the service that leads to `target`, as the person entitled to ask for it."""
    if target == Status.SUBMITTED:
        return services.event_submit(event=event, user=officer)
    if target == Status.VERIFIED:
        return services.event_verify(event=event, user=verifier)
    if target == Status.RETURNED:
        return services.event_return(event=event, user=verifier, reason=RETURN_REASON)
    if target == Status.WITHDRAWN:
        return services.event_withdraw(event=event, user=officer, reason=WITHDRAWAL_REASON)
    raise AssertionError(f"no service leads to {target}")


def _row(event) -> dict:
    return CooperationEvent.objects.filter(pk=event.pk).values().get()


def _entries(event):
    return AuditEntry.objects.for_object(event).order_by("pk")


@pytest.mark.smoke
def test_an_event_goes_from_draft_to_verified(draft_event, officer, verifier):
    services.event_submit(event=draft_event, user=officer)
    event = services.event_verify(event=draft_event, user=verifier)
    event.refresh_from_db()
    assert event.status == Status.VERIFIED
    assert event.verified_by == verifier


@pytest.mark.parametrize(("source", "target", "action"), ALLOWED)
def test_every_allowed_transition_moves_the_event_and_is_audited(
    source, target, action, enterprise, officer, verifier, lam
):
    event = _event_in(source, enterprise=enterprise, officer=officer, lam=lam)
    actor = verifier if target in (Status.VERIFIED, Status.RETURNED) else officer

    _attempt(event, target, officer=officer, verifier=verifier)

    event.refresh_from_db()
    assert event.status == target
    [entry] = _entries(event)
    assert entry.action == action
    assert entry.actor == actor
    assert entry.changes == {"status": [source, target]}
    assert entry.note == {
        Status.RETURNED: RETURN_REASON,
        Status.WITHDRAWN: WITHDRAWAL_REASON,
    }.get(target, "")


@pytest.mark.parametrize(("source", "target", "message"), FORBIDDEN)
def test_every_forbidden_transition_is_refused_and_changes_nothing(
    source, target, message, enterprise, officer, verifier, lam
):
    event = _event_in(source, enterprise=enterprise, officer=officer, lam=lam)
    before = _row(event)

    with pytest.raises(ValidationError) as refused:
        _attempt(event, target, officer=officer, verifier=verifier)

    assert refused.value.messages == [message]
    assert _row(event) == before
    assert not _entries(event).exists()


def test_no_service_moves_an_event_back_to_draft():
    assert all(Status.DRAFT not in targets for targets in CooperationEvent.TRANSITIONS.values())


def test_submitting_records_when(draft_event, officer):
    services.event_submit(event=draft_event, user=officer)
    draft_event.refresh_from_db()
    assert draft_event.submitted_at is not None


def test_verifying_records_the_verifier_and_when(submitted_event, verifier):
    services.event_verify(event=submitted_event, user=verifier)
    submitted_event.refresh_from_db()
    assert submitted_event.verified_by == verifier
    assert submitted_event.verified_at is not None


def test_the_officer_cannot_withdraw_an_event_once_it_is_verified(
    enterprise, officer, secretariat, lam
):
    event = _event_in(Status.VERIFIED, enterprise=enterprise, officer=officer, lam=lam)
    before = _row(event)
    with pytest.raises(PermissionDenied):
        services.event_withdraw(event=event, user=officer, reason=WITHDRAWAL_REASON)
    assert _row(event) == before
    assert not _entries(event).exists()


def test_the_secretariat_withdraws_a_verified_event_found_wrong_with_its_reason(
    enterprise, officer, secretariat, lam
):
    event = _event_in(Status.VERIFIED, enterprise=enterprise, officer=officer, lam=lam)
    services.event_withdraw(event=event, user=secretariat, reason=WITHDRAWAL_REASON)
    event.refresh_from_db()
    assert (event.status, event.withdrawal_reason) == (Status.WITHDRAWN, WITHDRAWAL_REASON)
    assert event.verified_by == lam  # the record of who verified it stays
    [entry] = _entries(event)
    assert (entry.action, entry.actor, entry.changes, entry.note) == (
        "partners.event.withdrawn",
        secretariat,
        {"status": ["verified", "withdrawn"]},
        WITHDRAWAL_REASON,
    )


# Reasons


@pytest.mark.parametrize("reason", ["", "   \n"])
def test_returning_needs_a_reason(submitted_event, verifier, reason):
    with pytest.raises(ValidationError) as refused:
        services.event_return(event=submitted_event, user=verifier, reason=reason)
    assert refused.value.messages == ["Say why the event is returned."]
    submitted_event.refresh_from_db()
    assert submitted_event.status == Status.SUBMITTED
    assert submitted_event.return_reason == ""
    assert not _entries(submitted_event).exists()


def test_the_return_reason_is_kept_without_surrounding_space(submitted_event, verifier):
    services.event_return(event=submitted_event, user=verifier, reason=f"  {RETURN_REASON}\n")
    submitted_event.refresh_from_db()
    assert submitted_event.return_reason == RETURN_REASON


@pytest.mark.parametrize("reason", ["", "  "])
def test_withdrawing_needs_a_reason(submitted_event, officer, reason):
    with pytest.raises(ValidationError) as refused:
        services.event_withdraw(event=submitted_event, user=officer, reason=reason)
    assert refused.value.messages == ["Say why the event is withdrawn."]
    submitted_event.refresh_from_db()
    assert submitted_event.status == Status.SUBMITTED
    assert not _entries(submitted_event).exists()


# Who may do what


def test_the_secretariat_can_withdraw_an_officers_event(submitted_event, secretariat):
    services.event_withdraw(event=submitted_event, user=secretariat, reason=WITHDRAWAL_REASON)
    submitted_event.refresh_from_db()
    assert submitted_event.status == Status.WITHDRAWN
    assert submitted_event.withdrawal_reason == WITHDRAWAL_REASON
    [entry] = _entries(submitted_event)
    assert (entry.action, entry.actor) == ("partners.event.withdrawn", secretariat)


@pytest.mark.parametrize("who", ["officer2", "verifier"])
def test_only_the_logger_or_the_secretariat_can_withdraw(submitted_event, who, request):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        services.event_withdraw(event=submitted_event, user=user, reason=WITHDRAWAL_REASON)
    submitted_event.refresh_from_db()
    assert submitted_event.status == Status.SUBMITTED
    assert not _entries(submitted_event).exists()


def test_only_the_logger_can_submit(draft_event, officer2):
    with pytest.raises(PermissionDenied):
        services.event_submit(event=draft_event, user=officer2)
    draft_event.refresh_from_db()
    assert draft_event.status == Status.DRAFT


@pytest.mark.parametrize("service", ["event_verify", "event_return"])
def test_only_verifiers_verify_or_return(submitted_event, officer2, secretariat, service):
    for user in (officer2, secretariat):
        with pytest.raises(PermissionDenied):
            getattr(services, service)(event=submitted_event, user=user, **_reason(service))
    submitted_event.refresh_from_db()
    assert submitted_event.status == Status.SUBMITTED
    assert not _entries(submitted_event).exists()


def _reason(service: str) -> dict:
    return {"reason": RETURN_REASON} if service == "event_return" else {}


@pytest.mark.parametrize("status", [Status.DRAFT, Status.RETURNED])
def test_the_logger_can_edit_a_draft_or_returned_event(status, enterprise, officer, lam):
    event = _event_in(status, enterprise=enterprise, officer=officer, lam=lam)
    old_title = event.title
    services.event_update(event=event, user=officer, title="Tip on container TGHU 1234567", cases=2)
    event.refresh_from_db()
    assert (event.title, event.cases, event.status) == ("Tip on container TGHU 1234567", 2, status)
    [entry] = _entries(event)
    assert (entry.action, entry.actor) == ("partners.event.updated", officer)
    assert entry.changes == {
        "title": [old_title, "Tip on container TGHU 1234567"],
        "cases": ["", "2"],
    }


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Status.SUBMITTED, "submitted"),
        (Status.VERIFIED, "verified"),
        (Status.WITHDRAWN, "withdrawn"),
    ],
)
def test_only_draft_or_returned_events_can_be_edited(status, label, enterprise, officer, lam):
    event = _event_in(status, enterprise=enterprise, officer=officer, lam=lam)
    before = _row(event)
    with pytest.raises(ValidationError) as refused:
        services.event_update(event=event, user=officer, title="Changed afterwards")
    assert refused.value.messages == [f"A {label} event can no longer be edited."]
    assert _row(event) == before
    assert not _entries(event).exists()


def test_only_the_logger_can_edit(draft_event, officer2):
    before = _row(draft_event)
    with pytest.raises(PermissionDenied):
        services.event_update(event=draft_event, user=officer2, title="Not mine")
    assert _row(draft_event) == before


def test_an_edit_cannot_change_the_status(draft_event, officer):
    with pytest.raises(TypeError):
        services.event_update(event=draft_event, user=officer, status=Status.VERIFIED)
    draft_event.refresh_from_db()
    assert draft_event.status == Status.DRAFT


def test_only_officers_log_events(enterprise, verifier):
    with pytest.raises(PermissionDenied):
        services.event_create(
            user=verifier,
            enterprise=enterprise,
            event_type=CooperationEvent.EventType.TRAINING,
            occurred_on=datetime.date(2024, 3, 1),
            title="Training",
        )
    assert not CooperationEvent.objects.exists()


def test_logging_an_event_creates_an_audited_draft(enterprise, officer):
    event = services.event_create(
        user=officer,
        enterprise=enterprise,
        event_type=CooperationEvent.EventType.TRAINING,
        occurred_on=datetime.date(2024, 3, 1),
        title="Staff attended the customs supply-chain security course",
    )
    assert (event.status, event.logged_by) == (Status.DRAFT, officer)
    [entry] = _entries(event)
    assert (entry.action, entry.actor) == ("partners.event.created", officer)


# Four eyes


def test_a_verifier_cannot_verify_an_event_they_logged(enterprise):
    both = UserFactory(username="both", roles=["Officer", "Verifier"])
    event = EventFactory(enterprise=enterprise, logged_by=both, submitted=True)
    with pytest.raises(PermissionDenied):
        services.event_verify(event=event, user=both)
    event.refresh_from_db()
    assert event.status == Status.SUBMITTED
    assert event.verified_by is None


def test_a_verifier_cannot_return_an_event_they_logged(enterprise):
    both = UserFactory(username="both", roles=["Officer", "Verifier"])
    event = EventFactory(enterprise=enterprise, logged_by=both, submitted=True)
    with pytest.raises(PermissionDenied):
        services.event_return(event=event, user=both, reason=RETURN_REASON)
    event.refresh_from_db()
    assert event.status == Status.SUBMITTED
    assert not _entries(event).exists()


def test_a_superuser_cannot_verify_an_event_they_logged(enterprise):
    admin = UserFactory(username="admin", is_superuser=True)
    event = EventFactory(enterprise=enterprise, logged_by=admin, submitted=True)
    with pytest.raises(PermissionDenied):
        services.event_verify(event=event, user=admin)


def test_the_database_refuses_an_event_verified_by_its_logger(submitted_event, officer):
    with pytest.raises(IntegrityError), transaction.atomic():
        CooperationEvent.objects.filter(pk=submitted_event.pk).update(
            status=Status.VERIFIED, verified_by=officer, verified_at=VERIFIED_AT
        )
    submitted_event.refresh_from_db()
    assert submitted_event.status == Status.SUBMITTED


def test_the_database_refuses_a_verified_event_without_a_verifier(submitted_event):
    with pytest.raises(IntegrityError), transaction.atomic():
        CooperationEvent.objects.filter(pk=submitted_event.pk).update(status=Status.VERIFIED)


# Never deleted


def test_an_event_cannot_be_deleted(verified_event):
    with pytest.raises(PermissionError):
        verified_event.delete()
    assert CooperationEvent.objects.filter(pk=verified_event.pk).exists()


def test_events_cannot_be_deleted_in_bulk(draft_event, verified_event):
    with pytest.raises(PermissionError):
        CooperationEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        CooperationEvent.objects.filter(pk=draft_event.pk).delete()
    assert CooperationEvent.objects.count() == 2


# What the event's page offers (partners.rules.event_actions)


def _actions(event, user) -> set[str]:
    return {name for name, verdict in event_actions(user, event).items() if verdict}


@pytest.mark.parametrize(
    ("status", "who", "actions"),
    [
        (Status.DRAFT, "officer", {"edit", "submit", "withdraw"}),
        (Status.DRAFT, "officer2", set()),
        (Status.DRAFT, "verifier", set()),
        (Status.DRAFT, "secretariat", {"withdraw"}),
        (Status.SUBMITTED, "officer", {"withdraw"}),
        (Status.SUBMITTED, "officer2", set()),
        (Status.SUBMITTED, "verifier", {"verify", "return"}),
        (Status.SUBMITTED, "secretariat", {"withdraw"}),
        (Status.SUBMITTED, "panel_member", set()),
        (Status.SUBMITTED, "partner_user", set()),
        (Status.RETURNED, "officer", {"edit", "submit", "withdraw"}),
        (Status.RETURNED, "verifier", set()),
        (Status.RETURNED, "secretariat", {"withdraw"}),
        (Status.VERIFIED, "officer", set()),
        (Status.VERIFIED, "verifier", set()),
        (Status.VERIFIED, "secretariat", {"withdraw"}),
        (Status.WITHDRAWN, "officer", set()),
        (Status.WITHDRAWN, "secretariat", set()),
    ],
)
def test_actions_for(status, who, actions, enterprise, officer, lam, request):
    event = _event_in(status, enterprise=enterprise, officer=officer, lam=lam)
    assert _actions(event, request.getfixturevalue(who)) == actions


def test_actions_for_an_officer_who_is_also_a_verifier_on_their_own_event(enterprise):
    both = UserFactory(username="both", roles=["Officer", "Verifier"])
    event = EventFactory(enterprise=enterprise, logged_by=both, submitted=True)
    assert _actions(event, both) == {"withdraw"}


def test_actions_for_a_verifier_who_is_also_an_officer_on_someone_elses_event(
    submitted_event,
):
    both = UserFactory(username="both", roles=["Officer", "Verifier"])
    assert _actions(submitted_event, both) == {"verify", "return"}


def test_actions_for_match_what_the_services_allow(submitted_event, officer, verifier):
    assert "verify" not in _actions(submitted_event, officer)
    with pytest.raises(PermissionDenied):
        services.event_verify(event=submitted_event, user=officer)
    assert "verify" in _actions(submitted_event, verifier)
    services.event_verify(event=submitted_event, user=verifier)


# Two verifiers at once


def _race(event_pk, attempts):
    """Each attempt gets its own copy of the event, read before the race starts."""
    copies = [CooperationEvent.objects.get(pk=event_pk) for _ in attempts]
    return run_at_once(
        *(lambda a=attempt, e=copy: a(e) for attempt, copy in zip(attempts, copies, strict=True))
    )


@pytest.mark.django_db(transaction=True)
def test_two_verifiers_verifying_at_once_one_wins_the_other_is_told(officer, verifier, verifier2):
    verifier.first_name, verifier.last_name = "Chan", "Tai-man"
    verifier.save()
    verifier2.first_name, verifier2.last_name = "Wong", "Ka-yan"
    verifier2.save()
    event = EventFactory(enterprise=EnterpriseFactory(), logged_by=officer, submitted=True)

    outcomes = _race(
        event.pk,
        [
            lambda e: services.event_verify(event=e, user=verifier),
            lambda e: services.event_verify(event=e, user=verifier2),
        ],
    )

    assert [outcome == "ok" for outcome in outcomes].count(True) == 1
    winner, refusal = (verifier, outcomes[1]) if outcomes[0] == "ok" else (verifier2, outcomes[0])
    assert isinstance(refusal, ValidationError)
    event.refresh_from_db()
    assert (event.status, event.verified_by) == (Status.VERIFIED, winner)
    when = event.verified_at.astimezone(HONG_KONG).strftime("%-d %b %Y %H:%M")
    assert refusal.messages == [
        f"This event was already verified by {winner.get_full_name()} at {when}."
    ]
    [entry] = _entries(event)
    assert (entry.action, entry.actor) == ("partners.event.verified", winner)


@pytest.mark.django_db(transaction=True)
def test_a_verify_and_a_return_at_once_one_wins_the_other_is_told(officer, verifier, verifier2):
    event = EventFactory(enterprise=EnterpriseFactory(), logged_by=officer, submitted=True)

    outcomes = _race(
        event.pk,
        [
            lambda e: services.event_verify(event=e, user=verifier),
            lambda e: services.event_return(event=e, user=verifier2, reason=RETURN_REASON),
        ],
    )

    assert [outcome == "ok" for outcome in outcomes].count(True) == 1
    event.refresh_from_db()
    [entry] = _entries(event)
    if outcomes[0] == "ok":  # the verify won; the return came too late
        assert event.status == Status.VERIFIED
        assert (entry.action, entry.actor) == ("partners.event.verified", verifier)
        assert isinstance(outcomes[1], ValidationError)
        when = event.verified_at.astimezone(HONG_KONG).strftime("%-d %b %Y %H:%M")
        name = verifier.get_full_name() or verifier.username
        assert outcomes[1].messages == [f"This event was already verified by {name} at {when}."]
    else:  # the return won; the verify came too late
        assert event.status == Status.RETURNED
        assert (entry.action, entry.actor) == ("partners.event.returned", verifier2)
        assert isinstance(outcomes[0], ValidationError)
        assert outcomes[0].messages == [
            "This event was already returned to the officer; it cannot be verified now."
        ]
