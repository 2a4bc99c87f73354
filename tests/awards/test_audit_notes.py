"""The awards' audit notes are kept as codes with their parameters and read in the reader's
language (awards/audit_notes.py); the notes written as sentences before are turned into codes
by a migration, and any it does not recognise stay readable as written."""

import importlib

import pytest
from django.apps import apps
from django.utils import translation

from awards.audit_notes import AuditNote
from portal.audit import audit
from portal.models import AuditEntry
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("awards.migrations.0008_audit_notes_as_codes")


def read(entry, language):
    with translation.override(language):
        return str(entry.note_for_display)


def test_a_swap_names_the_other_enterprise_in_each_readers_language(
    secretariat, enterprise, compiled_catalogue
):
    with translation.override("zh-hant"):  # written by a Chinese reader
        entry = audit(
            secretariat,
            "awards.ceremony.moved",
            enterprise,
            note=AuditNote.CEREMONY_SWAPPED,
            note_params={"enterprise": "Apex Cargo Limited", "enterprise_zh": "頂峰貨運有限公司"},
        )
    entry.refresh_from_db()

    assert read(entry, "en") == "Swapped with Apex Cargo Limited"
    assert read(entry, "zh-hant") == "與 頂峰貨運有限公司 對調位置"


def test_counted_notes_are_plural_in_english_and_read_in_chinese(
    secretariat, enterprise, compiled_catalogue
):
    entry = audit(
        secretariat,
        "awards.cycle.finalised",
        enterprise,
        note=AuditNote.FINALISED,
        note_params={"awarded": 1, "n": 3},
    )
    one = audit(
        secretariat,
        "awards.cycle.suggestion_applied",
        enterprise,
        note=AuditNote.DECISIONS_CHANGED,
        note_params={"n": 1},
    )
    entry.refresh_from_db()

    assert read(entry, "en") == "1 awarded of 3 nominees"
    assert read(entry, "zh-hant") == "3 間獲提名企業中 1 間獲嘉許"
    assert read(one, "en") == "1 decision changed"


def test_the_sentences_written_before_become_codes_and_unknown_notes_stay(
    secretariat, compiled_catalogue
):
    apex = EnterpriseFactory(name_en="Apex Cargo Limited", name_zh="頂峰貨運有限公司")
    written = {
        "awards.ceremony.moved": [
            "Swapped with Apex Cargo Limited",
            "與 頂峰貨運有限公司 對調位置",
        ],
        "awards.cycle.finalised": ["2 awarded of 5 nominees", "5 間獲提名企業中 2 間獲嘉許"],
        "awards.cycle.suggestion_applied": ["3 decisions changed", "1 項決定已更改"],
        "awards.nomination.decided": ["Suggestion applied", "已採納建議"],
        "awards.ceremony.reset": ["1 awardee changed place", "4 間得獎企業的位置有所變動"],
        "awards.cycle.created": ["Settings copied from 2024.", "設定已從 2023 年複製。"],
        "awards.cycle.reopened": ["A verified event was found to be wrong."],
    }
    entries = {
        action: [audit(secretariat, action, apex, note=note) for note in notes]
        for action, notes in written.items()
    }

    migration.forwards(apps, None)

    def after(action):
        return [
            (entry.note, entry.note_params, read(entry, "en"), read(entry, "zh-hant"))
            for entry in AuditEntry.objects.filter(pk__in=[e.pk for e in entries[action]]).order_by(
                "pk"
            )
        ]

    swap = {"enterprise": "Apex Cargo Limited", "enterprise_zh": "頂峰貨運有限公司"}
    assert (
        after("awards.ceremony.moved")
        == [
            (
                AuditNote.CEREMONY_SWAPPED,
                swap,
                "Swapped with Apex Cargo Limited",
                "與 頂峰貨運有限公司 對調位置",
            ),
        ]
        * 2
    )
    assert [row[1:3] for row in after("awards.cycle.finalised")] == [
        ({"awarded": 2, "n": 5}, "2 awarded of 5 nominees"),
        ({"awarded": 2, "n": 5}, "2 awarded of 5 nominees"),
    ]
    assert [row[2] for row in after("awards.cycle.suggestion_applied")] == [
        "3 decisions changed",
        "1 decision changed",
    ]
    assert [row[3] for row in after("awards.nomination.decided")] == ["已採納建議"] * 2
    assert [row[2] for row in after("awards.ceremony.reset")] == [
        "1 awardee changed place",
        "4 awardees changed place",
    ]
    assert [row[2] for row in after("awards.cycle.created")] == [
        "Settings copied from 2024.",
        "Settings copied from 2023.",
    ]
    # A person's words are not a sentence of the portal's: kept, and shown, as written.
    assert after("awards.cycle.reopened") == [
        (
            "A verified event was found to be wrong.",
            {},
            *["A verified event was found to be wrong."] * 2,
        )
    ]


def test_a_swap_written_with_a_name_no_enterprise_has_keeps_that_name(secretariat, enterprise):
    entry = audit(
        secretariat, "awards.ceremony.moved", enterprise, note="Swapped with Gone Limited"
    )

    migration.forwards(apps, None)

    entry.refresh_from_db()
    assert (entry.note, entry.note_params) == (
        AuditNote.CEREMONY_SWAPPED,
        {"enterprise": "Gone Limited"},
    )
    assert read(entry, "zh-hant") == "與 Gone Limited 對調位置"
