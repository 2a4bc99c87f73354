"""Writes to the enterprises and the concerns raised about them: audited, in a transaction."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import rules
from partners.models import CooperationEvent, EnforcementFlag, Enterprise
from portal.audit import audit, save_with_changes
from portal.clock import today
from portal.rules import require

Status = CooperationEvent.Status

ENTERPRISE_FIELDS = [
    "name_en",
    "name_zh",
    "br_number",
    "sector",
    "status",
    "address",
    "contact_name",
    "contact_title",
    "contact_email",
    "contact_phone",
]


@transaction.atomic
def enterprise_create(*, user, **fields) -> Enterprise:
    require(rules.may_manage_enterprises(user))
    enterprise = Enterprise(**fields)
    enterprise.full_clean()
    enterprise.save()
    audit(user, "partners.enterprise.created", enterprise)
    return enterprise


@transaction.atomic
def enterprise_update(*, enterprise: Enterprise, user, **fields) -> Enterprise:
    require(rules.may_manage_enterprises(user))
    enterprise = Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    changes = save_with_changes(enterprise, fields, ENTERPRISE_FIELDS)
    if changes:
        audit(user, "partners.enterprise.updated", enterprise, changes)
    return enterprise


@transaction.atomic
def enforcement_flag_raise(
    *, enterprise: Enterprise, user, flagged_on: datetime.date, reason: str
) -> EnforcementFlag:
    """Raise a dated enforcement concern. While not cleared, it makes the enterprise
    ineligible for any award cycle whose window contains its date (the awards app's
    eligibility rule)."""
    require(rules.may_raise_concern(user, enterprise))
    if flagged_on > today():
        raise ValidationError(_("The date of the concern cannot be in the future."))
    if not reason.strip():
        raise ValidationError(_("Say what the concern is."))
    flag = EnforcementFlag.objects.create(
        enterprise=enterprise, flagged_on=flagged_on, reason=reason.strip(), raised_by=user
    )
    audit(
        user,
        "partners.enforcement_flag.raised",
        flag,
        {"flagged_on": ["", flagged_on.isoformat()]},
        flag.reason,
    )
    return flag


@transaction.atomic
def enforcement_flag_clear(*, flag: EnforcementFlag, user, reason: str) -> EnforcementFlag:
    """Clear a concern: it stays on record, with who cleared it, when and why."""
    require(rules.may_clear_concern(user, flag))
    flag = EnforcementFlag.objects.select_for_update().get(pk=flag.pk)
    require(rules.may_clear_concern(user, flag))  # cleared by someone else meanwhile
    if not reason.strip():
        raise ValidationError(_("Say why the concern is cleared."))
    flag.cleared_at, flag.cleared_by, flag.clearance_reason = timezone.now(), user, reason.strip()
    flag.save(update_fields=["cleared_at", "cleared_by", "clearance_reason"])
    audit(user, "partners.enforcement_flag.cleared", flag, None, flag.clearance_reason)
    return flag
