"""Every write to the cooperation record: audited, in a transaction, checked by the workflow."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import notifications, rules, webhooks
from partners.models import CooperationEvent, EvidenceFile
from partners.services.uploads import checked_upload_create
from portal.audit import audit, save_with_changes
from portal.rules import require

Status = CooperationEvent.Status

EVENT_CONTENT_FIELDS = [
    "enterprise",
    "event_type",
    "occurred_on",
    "title",
    "partner_summary",
    "restricted_details",
    "significance",
    "seizure_value_hkd",
    "cases",
    "arrests",
]


@transaction.atomic
def event_create(*, user, evidence=(), **fields) -> CooperationEvent:
    _require_content_fields(fields)
    require(rules.may_log_events(user))
    event = CooperationEvent(logged_by=user, status=Status.DRAFT, **fields)
    event.full_clean()
    event.save()
    audit(user, "partners.event.created", event)
    for upload in evidence:
        evidence_attach(event=event, user=user, upload=upload)
    return event


@transaction.atomic
def event_update(*, event: CooperationEvent, user, evidence=(), **fields) -> CooperationEvent:
    _require_content_fields(fields)
    event = _lock(event)
    require(rules.may_edit_event(user, event))
    changes = save_with_changes(event, fields, EVENT_CONTENT_FIELDS)
    if changes:
        audit(user, "partners.event.updated", event, changes)
    for upload in evidence:
        evidence_attach(event=event, user=user, upload=upload)
    return event


@transaction.atomic
def evidence_attach(*, event: CooperationEvent, user, upload) -> EvidenceFile:
    evidence = checked_upload_create(EvidenceFile, upload, event=event, uploaded_by=user)
    audit(user, "partners.event.evidence_added", event, {"evidence": ["", evidence.original_name]})
    return evidence


@transaction.atomic
def event_submit(*, event: CooperationEvent, user) -> CooperationEvent:
    event = _lock(event)
    require(rules.may_submit_event(user, event))
    _move(event, Status.SUBMITTED, user, "partners.event.submitted", submitted_at=timezone.now())
    return event


# The longest comment on a verification (as for a reason: partners.forms.VerifyForm).
VERIFY_COMMENT_MAX = 2000


@transaction.atomic
def event_verify(*, event: CooperationEvent, user, comment: str = "") -> CooperationEvent:
    """Verify the event. A comment, optional, is the verification's audit note (the event's
    audit trail shows it) and is sent to the officer who logged the event."""
    comment = comment.strip()
    if len(comment) > VERIFY_COMMENT_MAX:
        raise ValidationError(
            _("At most %(limit)d characters (it has %(length)d).")
            % {"limit": VERIFY_COMMENT_MAX, "length": len(comment)}
        )
    event = _lock(event)
    require(rules.may_verify_event(user, event))
    _move(
        event,
        Status.VERIFIED,
        user,
        "partners.event.verified",
        verified_by=user,
        verified_at=timezone.now(),
        note=comment,
    )
    notifications.event_verified(event=event)
    if comment:
        notifications.event_verified_with_comment(event=event, comment=comment)
    webhooks.event_verified(event=event)
    return event


@transaction.atomic
def event_return(*, event: CooperationEvent, user, reason: str) -> CooperationEvent:
    event = _lock(event)
    require(rules.may_return_event(user, event))
    if not reason.strip():
        raise ValidationError(_("Say why the event is returned."))
    _move(event, Status.RETURNED, user, "partners.event.returned", return_reason=reason.strip())
    notifications.event_returned(event=event)
    return event


@transaction.atomic
def event_withdraw(*, event: CooperationEvent, user, reason: str) -> CooperationEvent:
    event = _lock(event)
    require(rules.may_withdraw_event(user, event))
    if not reason.strip():
        raise ValidationError(_("Say why the event is withdrawn."))
    _move(
        event,
        Status.WITHDRAWN,
        user,
        "partners.event.withdrawn",
        withdrawal_reason=reason.strip(),
    )
    return event


def _lock(event: CooperationEvent) -> CooperationEvent:
    # Two people acting on one event at once: the second waits here, then sees the new status.
    return CooperationEvent.objects.select_for_update().get(pk=event.pk)


def _require_content_fields(fields) -> None:
    # Status, verifier and logger change only through the transitions below.
    unknown = set(fields) - set(EVENT_CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"not event content fields: {', '.join(sorted(unknown))}")


def _move(
    event: CooperationEvent, status: str, user, action: str, note: str = "", **fields
) -> None:
    """The move the caller's rule allowed (partners.rules), on the locked row; `note` (or the
    reason of a return or withdrawal) is the audit entry's."""
    old_status = event.status
    event.status = status
    for name, value in fields.items():
        setattr(event, name, value)
    event.save(update_fields=["status", "updated_at", *fields])
    note = note or fields.get("return_reason") or fields.get("withdrawal_reason") or ""
    audit(user, action, event, {"status": [old_status, status]}, note)
