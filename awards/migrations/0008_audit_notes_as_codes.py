"""The awards' audit notes written as sentences in their writer's language (before
awards/audit_notes.py) become codes with parameters, read in each reader's language. A note
that matches none of the sentences below (in English or in Traditional Chinese) is left as it
was, and is shown as written."""

import re

from django.db import migrations

# (action, code, pattern of the English sentence, of the Chinese one, parameters from a match)
SENTENCES = [
    (
        "awards.cycle.created",
        "awards.note.copied_from",
        r"Settings copied from (?P<year>\d+)\.",
        r"設定已從 (?P<year>\d+) 年複製。",
    ),
    ("awards.nomination.decided", "awards.note.suggestion_applied", r"Suggestion applied", r"已採納建議"),
    (
        "awards.cycle.suggestion_applied",
        "awards.note.decisions_changed",
        r"(?P<n>\d+) decisions? changed",
        r"(?P<n>\d+) 項決定已更改",
    ),
    (
        "awards.cycle.finalised",
        "awards.note.awarded_of",
        r"(?P<awarded>\d+) awarded of (?P<n>\d+) nominees?",
        r"(?P<n>\d+) 間獲提名企業中 (?P<awarded>\d+) 間獲嘉許",
    ),
    (
        "awards.ceremony.reset",
        "awards.note.places_changed",
        r"(?P<n>\d+) awardees? changed place",
        r"(?P<n>\d+) 間得獎企業的位置有所變動",
    ),
    (
        "awards.ceremony.moved",
        "awards.note.swapped_with",
        r"Swapped with (?P<enterprise>.+)",
        r"與 (?P<enterprise_zh>.+) 對調位置",
    ),
]


def _params(match, enterprises) -> dict:
    params = {
        name: int(value) if value.isdigit() else value
        for name, value in match.groupdict().items()
    }
    # A swap named the other enterprise in one language: its other name from the enterprise,
    # when exactly one has that name.
    if "enterprise" in params:
        found = enterprises.filter(name_en=params["enterprise"])
        if found.count() == 1:
            params["enterprise_zh"] = found.get().name_zh
    elif "enterprise_zh" in params:
        name = params.pop("enterprise_zh")
        found = enterprises.filter(name_zh=name)
        if found.count() == 1:
            params = {"enterprise": found.get().name_en, "enterprise_zh": name}
        else:
            params["enterprise"] = name
    return params


def forwards(apps, schema_editor):
    AuditEntry = apps.get_model("portal", "AuditEntry")
    Enterprise = apps.get_model("partners", "Enterprise")
    for action, code, english, chinese in SENTENCES:
        patterns = [re.compile(english), re.compile(chinese)]
        entries = AuditEntry.objects.filter(action=action, note_params={}).exclude(note="")
        for entry in entries.iterator():
            for pattern in patterns:
                if match := pattern.fullmatch(entry.note):
                    entry.note, entry.note_params = code, _params(match, Enterprise.objects)
                    entry.save(update_fields=["note", "note_params"])
                    break


class Migration(migrations.Migration):
    dependencies = [
        ("awards", "0007_single_line_text_fields"),
        ("partners", "0014_invitation_language"),
        ("portal", "0011_audit_note_params"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
