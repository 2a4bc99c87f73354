"""Recording changes. Services call `audit()` inside their transaction."""

from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.models import AuditEntry


def _recorded_value(instance: models.Model, field_name: str) -> str:
    # Choices are kept as their codes, so that each reader sees the label in their own language
    # (AuditEntry.changes_for_display); a related object as its name.
    value = getattr(instance, field_name)
    return "" if value is None else str(value)


def snapshot(instance: models.Model, fields) -> dict[str, str]:
    """Recorded values of `fields`, taken before a change to compare with afterwards."""
    return {name: _recorded_value(instance, name) for name in fields}


def diff(before: dict[str, str], instance: models.Model) -> dict[str, list[str]]:
    """{"field": [old, new]} for every field of `before` whose value changed on `instance`."""
    after = snapshot(instance, before)
    return {name: [before[name], after[name]] for name in before if before[name] != after[name]}


def save_with_changes(instance: models.Model, fields: dict, tracked) -> dict[str, list[str]]:
    """Set `fields`, validate, save; return what changed among `tracked`, for the audit."""
    before = snapshot(instance, tracked)
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save()
    return diff(before, instance)


def audit(actor, action: str, obj: models.Model, changes=None, note: str = "") -> AuditEntry:
    return AuditEntry.objects.create(**_entry_fields(actor, action, obj, changes, note))


def audit_many(actor, action: str, objects, note: str = "") -> None:
    """One entry per object, written in one query (bulk imports)."""
    AuditEntry.objects.bulk_create(
        AuditEntry(**_entry_fields(actor, action, obj, None, note)) for obj in objects
    )


def _entry_fields(actor, action, obj, changes, note) -> dict:
    return {
        "actor": actor if actor is not None and actor.is_authenticated else None,
        "action": action,
        "content_type": ContentType.objects.get_for_model(obj),
        "object_id": str(obj.pk),
        "object_repr": str(obj)[:300],
        "changes": changes or {},
        "note": note,
    }
