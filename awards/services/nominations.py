"""Nominating enterprises in a cycle, in bulk, and withdrawing nominations."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards import rules
from awards.models import CooperationTally, Cycle, Nomination, NominationScore
from awards.selectors.eligibility import (
    eligibility_of,
    enterprise_eligibility,
)
from awards.services import ensure_cycle_editable
from awards.services.scores import nominations_rescore
from partners.models import Enterprise
from portal.audit import audit, audit_many
from portal.rules import require


@transaction.atomic
def nomination_create(*, cycle: Cycle, enterprise: Enterprise, user) -> Nomination:
    """Nominate one enterprise; a withdrawn nomination of it is reinstated."""
    require(rules.may_nominate(user))
    cycle = ensure_cycle_editable(cycle)
    # Read again and locked: the nomination copies its name (Nomination.sort_name), and a
    # rename (which locks it too) must come before or after, not between.
    enterprise = Enterprise.objects.select_for_update(no_key=True).get(pk=enterprise.pk)
    eligibility = enterprise_eligibility(cycle, enterprise)
    if not eligibility.eligible:
        raise ValidationError(
            _("%(enterprise)s cannot be nominated: %(reason)s")
            % {"enterprise": enterprise.name, "reason": eligibility.reason}
        )
    nomination = (
        Nomination.objects.select_for_update().filter(cycle=cycle, enterprise=enterprise).first()
    )
    if nomination is None:
        nomination = Nomination.objects.create(
            cycle=cycle, enterprise=enterprise, nominated_by=user
        )
        audit(user, "awards.nomination.created", nomination)
        nominations_rescore(Nomination.objects.filter(pk=nomination.pk))
        return nomination
    if nomination.status == Nomination.Status.ACTIVE:
        raise ValidationError(
            _("%(enterprise)s is already nominated.") % {"enterprise": enterprise.name}
        )
    # The reason it was withdrawn stays in the audit trail.
    old_reason = nomination.withdrawal_reason
    nomination.status, nomination.withdrawal_reason = Nomination.Status.ACTIVE, ""
    nomination.save(update_fields=["status", "withdrawal_reason"])
    audit(
        user,
        "awards.nomination.reinstated",
        nomination,
        {"status": [Nomination.Status.WITHDRAWN, Nomination.Status.ACTIVE]},
        old_reason,
    )
    nominations_rescore(Nomination.objects.filter(pk=nomination.pk))
    return nomination


def bulk_candidates(cycle: Cycle, min_events: int) -> list[Enterprise]:
    """Who "nominate in bulk" would nominate: every eligible active enterprise with at least
    `min_events` verified events in the window and no nomination in the cycle yet (a withdrawn
    nomination was a decision; it is reinstated only one by one). Two queries."""
    counted = CooperationTally.objects.filter(cycle=cycle, enterprise=OuterRef("pk"))
    enterprises = list(
        Enterprise.objects.filter(status=Enterprise.Status.ACTIVE)
        .exclude(nominations__cycle=cycle)
        # The verified events in the window, as the kept tallies count them.
        .annotate(
            verified_in_window=Coalesce(
                Subquery(counted.values("verified_events")[:1], output_field=IntegerField()), 0
            )
        )
        .filter(verified_in_window__gte=min_events)
        .order_by("name_en", "pk")
    )
    eligibility = eligibility_of(cycle, enterprises)
    return [enterprise for enterprise in enterprises if eligibility[enterprise.pk].eligible]


@transaction.atomic
def nominations_bulk_create(
    *, cycle: Cycle, min_events: int, user, expected: int | None = None
) -> list[Nomination]:
    """Nominate every candidate of `bulk_candidates`. With `expected` (the number the user
    was shown before confirming), refuse if the candidates have changed in number since."""
    require(rules.may_nominate(user))
    if min_events < 0:
        raise ValidationError(_("The number of events cannot be negative."))
    cycle = ensure_cycle_editable(cycle)
    candidates = bulk_candidates(cycle, min_events)
    # Locked, and their names read again under the lock, as in nomination_create.
    names = dict(
        Enterprise.objects.select_for_update(no_key=True)
        .filter(pk__in=[enterprise.pk for enterprise in candidates])
        .order_by("pk")
        .values_list("pk", "name_en")
    )
    for enterprise in candidates:
        enterprise.name_en = names[enterprise.pk]
    if expected is not None and len(candidates) != expected:
        raise ValidationError(
            ngettext(
                "The list changed since you checked it: %(n)d enterprise would now be "
                "nominated. Check it again.",
                "The list changed since you checked it: %(n)d enterprises would now be "
                "nominated. Check it again.",
                len(candidates),
            )
            % {"n": len(candidates)}
        )
    nominations = Nomination.objects.bulk_create(
        Nomination(cycle=cycle, enterprise=enterprise, nominated_by=user)
        for enterprise in candidates
    )
    for nomination, enterprise in zip(nominations, candidates, strict=True):
        nomination.enterprise = enterprise  # for the audit entries' names
    # The note is the threshold: the action's label says what it means, in each reader's language.
    audit_many(user, "awards.nomination.created_in_bulk", nominations, str(min_events))
    nominations_rescore(Nomination.objects.filter(pk__in=[n.pk for n in nominations]))
    return nominations


@transaction.atomic
def nomination_withdraw(*, nomination: Nomination, user, reason: str) -> Nomination:
    require(rules.may_nominate(user))
    ensure_cycle_editable(nomination.cycle)
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if nomination.status == Nomination.Status.WITHDRAWN:
        raise ValidationError(_("This nomination was already withdrawn."))
    if not reason.strip():
        raise ValidationError(_("Say why the nomination is withdrawn."))
    nomination.status, nomination.withdrawal_reason = Nomination.Status.WITHDRAWN, reason.strip()
    nomination.save(update_fields=["status", "withdrawal_reason"])
    audit(
        user,
        "awards.nomination.withdrawn",
        nomination,
        {"status": [Nomination.Status.ACTIVE, Nomination.Status.WITHDRAWN]},
        nomination.withdrawal_reason,
    )
    nominations_rescore(Nomination.objects.filter(pk=nomination.pk), panel=False)
    return nomination


# The copies of an enterprise's name and BR number kept for the lists' order


def on_enterprise_saved(sender, instance: Enterprise, created: bool, raw: bool, **kwargs):
    """post_save of Enterprise (connected in awards/apps.py): whatever renamed it (the
    secretariat's form, the admin), the copies kept for the lists' order follow in the same
    transaction: the nominations' sort name (the panel home) and the kept scores' BR number
    (the ranking's tie-break). A new enterprise has no nomination yet."""
    update_fields = kwargs.get("update_fields")
    if update_fields is not None and not {"name_en", "br_number"} & set(update_fields):
        return
    if raw or created:
        return
    using = kwargs.get("using")
    Nomination.objects.using(using).filter(enterprise=instance).exclude(
        sort_name=instance.name_en
    ).update(sort_name=instance.name_en)
    NominationScore.objects.using(using).filter(nomination__enterprise=instance).exclude(
        br_number=instance.br_number
    ).update(br_number=instance.br_number)


def nomination_names_rebuild() -> int:
    """Every nomination's sort name from its enterprise (`manage.py rebuild_derived`; the
    scores' BR numbers are rebuilt with the scores). Returns how many were wrong."""
    name = Enterprise.objects.filter(pk=OuterRef("enterprise_id")).values("name_en")
    stale = Nomination.objects.exclude(sort_name=Subquery(name))
    return stale.update(sort_name=Subquery(name))
