"""Award cycles: their settings, event-type rules and panel criteria, the status steps the
secretariat takes, and the settings file read and written by import_cycle / export_cycle.

Finalisation and publication are in awards.services.decisions."""

import datetime
from collections.abc import Mapping, Sequence
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from awards.audit_notes import AuditNote
from awards.models import (
    Certificate,
    CertificateRun,
    Cycle,
    EventType,
    EventTypeRule,
    NominationResult,
    PanelCriterion,
)
from awards.rules import may_advance_cycle, may_manage_cycles, may_reopen_cycle
from awards.services import ensure_cycle_editable
from awards.services.ceremony import ceremony_list_discard
from awards.services.cycle_files import read_settings
from awards.services.scores import cycle_recount, cycle_rescore
from portal.audit import audit, diff, snapshot
from portal.rules import require

Status = Cycle.Status

# A new cycle's rule for every event type: (points per event, cap).
DEFAULT_RULES: dict[str, tuple[Decimal, Decimal]] = {
    EventType.CONTROLLED_DELIVERY: (Decimal("10"), Decimal("30")),
    EventType.INTELLIGENCE_TIP: (Decimal("5"), Decimal("20")),
    EventType.DETECTION_ASSISTANCE: (Decimal("5"), Decimal("20")),
    EventType.FACILITATION: (Decimal("3"), Decimal("12")),
    EventType.DATA_SHARING: (Decimal("4"), Decimal("16")),
    EventType.SECURITY_PRACTICE: (Decimal("2"), Decimal("6")),
    EventType.TRAINING: (Decimal("1"), Decimal("4")),
}

# What the kept scores are computed from, besides the window (awards.services.scores).
SCORED_BY = {
    "event rules",
    "panel criteria",
    "quorum",
    "cooperation_weight",
    "multiplier_routine",
    "multiplier_notable",
    "multiplier_major",
}

CYCLE_FIELDS = [
    "year",
    "title_en",
    "title_zh",
    "window_start",
    "window_end",
    "nomination_deadline",
    "scoring_deadline",
    "quorum",
    "cooperation_weight",
    "awards_planned",
    "multiplier_routine",
    "multiplier_notable",
    "multiplier_major",
]
# What the scores are computed from, besides the rules and criteria: fixed once the panel
# reviews, so that a score seen by the panel is the score finalised.
SCORING_FIELDS = [
    "window_start",
    "window_end",
    "multiplier_routine",
    "multiplier_notable",
    "multiplier_major",
]
CRITERION_FIELDS = ["name_en", "name_zh", "description_en", "description_zh", "weight"]
# The secretariat moves a cycle on up to the review; finalising is a decision (decisions.py).

Rules = Mapping[str, tuple[Decimal, Decimal]]
# Criteria as the forms give them: CRITERION_FIELDS, and "pk" for an existing criterion.
Criteria = Sequence[Mapping]


def scoring_settings_locked(cycle: Cycle) -> bool:
    """Rules, multipliers, window and criteria are fixed from the panel review on."""
    return cycle.status not in (Status.DRAFT, Status.NOMINATIONS)


@transaction.atomic
def cycle_create(
    *,
    user: AbstractBaseUser,
    criteria: Criteria,
    rules: Rules | None = None,
    note: str = "",
    copied_from: int | None = None,
    **fields,
) -> Cycle:
    """A new draft cycle with its rules (DEFAULT_RULES unless given) and panel criteria;
    `copied_from`, the year whose settings it starts from, is noted in the audit."""
    require(may_manage_cycles(user))
    rules = DEFAULT_RULES if rules is None else rules
    note_params = {}
    if copied_from is not None:
        note, note_params = AuditNote.CYCLE_COPIED, {"year": copied_from}
    return _create(
        actor=user,
        fields=fields,
        rules=rules,
        criteria=criteria,
        note=note,
        note_params=note_params,
    )


@transaction.atomic
def cycle_update(
    *,
    cycle: Cycle,
    user: AbstractBaseUser,
    rules: Rules | None = None,
    criteria: Criteria | None = None,
    **fields,
) -> Cycle:
    """Change the settings; `rules` and `criteria`, when given, replace the cycle's. Refused
    once the cycle is finalised, and for what the scores depend on once it is in review."""
    require(may_manage_cycles(user))
    _require_cycle_fields(fields)
    cycle = ensure_cycle_editable(cycle)
    before = snapshot(cycle, CYCLE_FIELDS)
    rules_before, criteria_before = rules_text(cycle), criteria_text(cycle)
    for name, value in fields.items():
        setattr(cycle, name, value)
    _full_clean(cycle)
    _normalise_decimals(cycle)
    rules = None if rules is None else _clean_rules(rules)
    criteria = None if criteria is None else _clean_criteria(criteria)
    changes = diff(before, cycle)
    if scoring_settings_locked(cycle):
        _refuse_scoring_changes(cycle, changes, rules, criteria)
    cycle.save()
    if rules is not None:
        _save_rules(cycle, rules)
    if criteria is not None:
        _save_criteria(cycle, criteria)
    for key, old in (("event rules", rules_before), ("panel criteria", criteria_before)):
        new = rules_text(cycle) if key == "event rules" else criteria_text(cycle)
        if old != new:
            changes[key] = [old, new]
    if changes:
        audit(user, "awards.cycle.updated", cycle, changes)
    _keep_scores(cycle, changes)
    return cycle


def _keep_scores(cycle: Cycle, changes: dict) -> None:
    """The kept scores follow the settings they come from (awards.services.scores)."""
    if {"window_start", "window_end"} & set(changes):
        cycle_recount(cycle)
    elif set(changes) & SCORED_BY:
        cycle_rescore(cycle)


def cycle_next_year_settings(source: Cycle) -> dict:
    """The settings of the cycle after `source`: its rules, multipliers, α, quorum, awards
    planned and criteria, its window and deadlines a year later, the year in its titles
    moved on. Arguments for cycle_create (and the new-cycle form's initial values)."""
    year = source.year + 1
    fields = {name: getattr(source, name) for name in CYCLE_FIELDS}
    fields["year"] = year
    for name in ("title_en", "title_zh"):
        fields[name] = fields[name].replace(str(source.year), str(year))
    for name in ("window_start", "window_end", "nomination_deadline", "scoring_deadline"):
        fields[name] = _a_year_later(fields[name])
    fields["rules"] = {
        rule.event_type: (rule.points, rule.cap) for rule in source.event_rules.all()
    }
    fields["criteria"] = [
        {name: getattr(criterion, name) for name in CRITERION_FIELDS}
        for criterion in source.criteria.all()
    ]
    return fields


@transaction.atomic
def cycle_copy(*, source: Cycle, user: AbstractBaseUser) -> Cycle:
    """Create next year's cycle with `source`'s settings (cycle_next_year_settings)."""
    return cycle_create(
        user=user,
        copied_from=source.year,
        **cycle_next_year_settings(source),
    )


@transaction.atomic
def cycle_advance(*, cycle: Cycle, user: AbstractBaseUser, from_status: str | None = None) -> Cycle:
    """One step forward: draft → nominations → review. `from_status` is the status the user
    saw when they confirmed; if the cycle has moved since, nothing happens."""
    require(may_manage_cycles(user))
    cycle = _lock(cycle)
    if from_status is not None and cycle.status != from_status:
        raise ValidationError(
            _("The cycle has moved on meanwhile: it is now in “%(status)s”.")
            % {"status": cycle.get_status_display()}
        )
    require(may_advance_cycle(user, cycle))
    target = Cycle.ADVANCES[cycle.status]
    if target == Status.REVIEW and not cycle.nominations.active().exists():
        raise ValidationError(_("Nominate at least one enterprise before the panel review starts."))
    before = snapshot(cycle, ["status"])
    cycle.status = target
    cycle.save(update_fields=["status"])
    audit(user, "awards.cycle.advanced", cycle, diff(before, cycle))
    return cycle


@transaction.atomic
def cycle_reopen(*, cycle: Cycle, user: AbstractBaseUser, reason: str) -> Cycle:
    """Back from finalised to review. The frozen results are removed, listed in the audit
    entry with the reason; the secretariat's decisions on the nominations stay."""
    require(may_manage_cycles(user))
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Say why the cycle is reopened."))
    cycle = _lock(cycle)
    require(may_reopen_cycle(user, cycle))
    certificates = Certificate.objects.filter(result__nomination__cycle=cycle)
    if certificates.exclude(status=Certificate.Status.PENDING).exists():
        # A certificate (even revoked) may be in someone's hands, and its verification page
        # names the award: the results it certifies stay. Corrections go through reissue.
        raise ValidationError(
            _(
                "Certificates have been issued for this cycle, so its results are final: "
                "correct a certificate by reissuing it."
            )
        )
    results = NominationResult.objects.filter(nomination__cycle=cycle)
    frozen = _results_text(results)
    ceremony = ceremony_list_discard(cycle)
    # Generation runs that issued nothing (all failed), and the serials they reserved, refer
    # to the results too.
    CertificateRun.objects.filter(cycle=cycle).delete()
    certificates.delete()
    results.delete()
    before = snapshot(cycle, ["status", "finalised_at", "finalised_by"])
    cycle.status, cycle.finalised_at, cycle.finalised_by = Status.REVIEW, None, None
    cycle.save(update_fields=["status", "finalised_at", "finalised_by"])
    changes = diff(before, cycle)
    changes["frozen results"] = [frozen, ""]
    if ceremony:
        changes["ceremony list"] = [ceremony, ""]
    audit(user, "awards.cycle.reopened", cycle, changes, note=reason)
    return cycle


@transaction.atomic
def cycle_import(*, text: str, year: int | None = None) -> Cycle:
    """A new draft cycle from an export_cycle file, under `year` if given. Everything is
    checked first; on any problem CycleFileInvalid lists them all and nothing is created.
    The file's status and finalised_at are checked but not used."""
    fields, rules, criteria = read_settings(text, year)
    return _create(actor=None, fields=fields, rules=rules, criteria=criteria, note="import_cycle")


# Helpers


def _require_cycle_fields(fields) -> None:
    # Status and the finalisation fields change only through the steps of the workflow.
    unknown = set(fields) - set(CYCLE_FIELDS)
    if unknown:
        raise TypeError(f"not cycle settings: {', '.join(sorted(unknown))}")


def _lock(cycle: Cycle) -> Cycle:
    return Cycle.objects.select_for_update().get(pk=cycle.pk)


def _create(
    *, actor, fields: dict, rules: Rules, criteria: Criteria, note: str, note_params=None
) -> Cycle:
    _require_cycle_fields(fields)
    cycle = Cycle(**fields, status=Status.DRAFT)
    errors = {}
    try:
        _full_clean(cycle)
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        rules = _clean_rules(rules)
    except ValidationError as exc:
        errors["rules"] = exc.messages
    try:
        criteria = _clean_criteria(criteria)
    except ValidationError as exc:
        errors["criteria"] = exc.messages
    if errors:
        raise ValidationError(errors)
    cycle.save()
    _save_rules(cycle, rules)
    _save_criteria(cycle, criteria)
    cycle_recount(cycle)
    audit(actor, "awards.cycle.created", cycle, note=note, note_params=note_params)
    return cycle


def _full_clean(cycle: Cycle) -> None:
    # The check constraints say the same as the field validators and Cycle.clean, less kindly.
    cycle.full_clean(validate_constraints=False)


def _normalise_decimals(cycle: Cycle) -> None:
    """0.6 as 0.60, as the database keeps it, so that the audit sees no change in it."""
    for name in CYCLE_FIELDS:
        model_field = Cycle._meta.get_field(name)
        value = getattr(cycle, name)
        if isinstance(value, Decimal) and hasattr(model_field, "decimal_places"):
            setattr(cycle, name, value.quantize(Decimal(1).scaleb(-model_field.decimal_places)))


def _clean_rules(rules: Rules) -> dict[str, tuple[Decimal, Decimal]]:
    """Points and a cap, both > 0, for exactly the seven event types."""
    errors = []
    labels = dict(EventType.choices)
    for code in set(rules) - set(EventType.values):
        errors.append(_("“%(code)s” is not an event type.") % {"code": code})
    for code in EventType.values:
        if code not in rules:
            errors.append(_("%(type)s has no rule.") % {"type": labels[code]})
            continue
        points, cap = rules[code]
        if points is None or points <= 0:
            errors.append(
                _("%(type)s: the points per event must be greater than 0.") % {"type": labels[code]}
            )
        if cap is None or cap <= 0:
            errors.append(_("%(type)s: the cap must be greater than 0.") % {"type": labels[code]})
    if errors:
        raise ValidationError(errors)
    return {code: (Decimal(rules[code][0]), Decimal(rules[code][1])) for code in EventType.values}


def _clean_criteria(criteria: Criteria) -> list[dict]:
    """At least one criterion, each named in both languages with a weight > 0."""
    if not criteria:
        raise ValidationError(_("A cycle needs at least one panel criterion."))
    errors, cleaned = [], []
    for item in criteria:
        values = {name: item.get(name) or "" for name in CRITERION_FIELDS}
        values["weight"] = item.get("weight")
        if values["weight"] is None or values["weight"] <= 0:
            errors.append(
                _("%(name)s: the weight must be greater than 0.")
                % {"name": values["name_en"] or _("A criterion")}
            )
            continue
        try:
            PanelCriterion(**values).full_clean(exclude=["cycle"], validate_constraints=False)
        except ValidationError as exc:
            errors.extend(exc.messages)
            continue
        cleaned.append({**values, "pk": item.get("pk")})
    if errors:
        raise ValidationError(errors)
    return cleaned


def _refuse_scoring_changes(cycle: Cycle, changes: dict, rules, criteria) -> None:
    current_rules = {rule.event_type: (rule.points, rule.cap) for rule in cycle.event_rules.all()}
    current_criteria = [
        {**{name: getattr(c, name) for name in CRITERION_FIELDS}, "pk": c.pk}
        for c in cycle.criteria.all()
    ]
    if (
        set(changes) & set(SCORING_FIELDS)
        or (rules is not None and rules != current_rules)
        or (criteria is not None and criteria != current_criteria)
    ):
        raise ValidationError(
            _(
                "The assessment window, multipliers, event-type rules and panel criteria are "
                "fixed once the panel review has started: the scores depend on them."
            )
        )


def _save_rules(cycle: Cycle, rules: Rules) -> None:
    existing = {rule.event_type: rule for rule in EventTypeRule.objects.filter(cycle=cycle)}
    for code, (points, cap) in rules.items():
        rule = existing.get(code) or EventTypeRule(cycle=cycle, event_type=code)
        if rule.pk is None or (rule.points, rule.cap) != (points, cap):
            rule.points, rule.cap = points, cap
            rule.save()


def _save_criteria(cycle: Cycle, criteria: Criteria) -> None:
    """Make the cycle's criteria these, in this order: update those given with their pk,
    add the others, delete those left out."""
    existing = {c.pk: c for c in PanelCriterion.objects.filter(cycle=cycle)}
    unknown = {item["pk"] for item in criteria if item.get("pk")} - set(existing)
    if unknown:
        raise ValidationError(_("A criterion of another cycle cannot be edited here."))
    kept = {item["pk"] for item in criteria if item.get("pk")}
    PanelCriterion.objects.filter(pk__in=set(existing) - kept).delete()
    for position, item in enumerate(criteria):
        criterion = existing.get(item.get("pk")) or PanelCriterion(cycle=cycle)
        for name in CRITERION_FIELDS:
            setattr(criterion, name, item[name])
        criterion.position = position
        criterion.save()


def rules_text(cycle: Cycle) -> str:
    rules = EventTypeRule.objects.filter(cycle=cycle).order_by("event_type")
    return "; ".join(f"{rule.event_type} {rule.points} / {rule.cap}" for rule in rules)


def criteria_text(cycle: Cycle) -> str:
    return "; ".join(
        f"{c.name_en} / {c.name_zh} ×{c.weight}"
        for c in PanelCriterion.objects.filter(cycle=cycle).order_by("position", "pk")
    )


def _results_text(results) -> str:
    """The frozen results as one line each, for the audit entry that removes them."""
    rows = results.select_related("nomination__enterprise").order_by("rank", "nomination__pk")
    return "\n".join(
        f"{r.rank or '–'}. {r.nomination.enterprise.name_en} ({r.nomination.enterprise.br_number}):"
        f" {r.final_score if r.final_score is not None else '–'}"
        f"{' awarded' if r.awarded else ''}"
        for r in rows
    )


def _a_year_later(date: datetime.date | None) -> datetime.date | None:
    if date is None:
        return None
    if date.month == 2 and date.day == 29:
        return date.replace(year=date.year + 1, day=28)
    return date.replace(year=date.year + 1)
