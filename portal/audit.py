"""Recording changes. Services call `audit()` inside their transaction."""

from django.contrib.contenttypes.models import ContentType
from django.db import connections, models
from django.db.models.functions import Cast, Left
from django.utils import timezone

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


def audit(
    actor, action: str, obj: models.Model, changes=None, note: str = "", note_params=None
) -> AuditEntry:
    """`note` is a person's words, or a note code registered in portal.audit_labels with its
    `note_params` (numbers, names in both languages as `x` and `x_zh`): never a sentence
    translated when written, which a reader of the other language could not read."""
    return AuditEntry.objects.create(
        **_entry_fields(actor, action, obj, changes, note), note_params=note_params or {}
    )


def audit_many(actor, action: str, objects, note: str = "") -> None:
    """One entry per object, written in one query (bulk imports)."""
    AuditEntry.objects.bulk_create(
        AuditEntry(**_entry_fields(actor, action, obj, None, note)) for obj in objects
    )


def audit_each(
    actor, action: str, objects: models.QuerySet, *, object_repr, note: str = ""
) -> None:
    """One entry per row of `objects`, written by the database itself in one INSERT ... SELECT:
    an import of any size writes its entries without loading its rows. `object_repr` is a
    database expression that gives what the model's __str__ gives."""
    actor = actor if actor is not None and actor.is_authenticated else None
    field = AuditEntry._meta.get_field

    def typed(value, name):
        # Cast in the SQL: a bare parameter in a SELECT list would be taken for text.
        output = field(name).target_field if field(name).is_relation else field(name)
        return Cast(models.Value(value, output_field=output), output_field=output)

    values = {
        "action": typed(action, "action"),
        "actor": typed(actor.pk if actor else None, "actor"),
        "content_type": typed(ContentType.objects.get_for_model(objects.model).pk, "content_type"),
        "object_id": Cast("pk", output_field=field("object_id")),
        "object_repr": Left(object_repr, field("object_repr").max_length),
        "changes": typed({}, "changes"),
        "note": typed(note, "note"),
        "created_at": typed(timezone.now(), "created_at"),
    }
    rows = objects.order_by("pk").annotate(**{f"audit_{name}": v for name, v in values.items()})
    select, params = rows.values_list(*(f"audit_{name}" for name in values)).query.sql_with_params()
    connection = connections[objects.db]
    columns = ", ".join(connection.ops.quote_name(field(name).column) for name in values)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {select}", params)


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
