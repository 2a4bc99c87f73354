import pytest
from django.utils import translation

from partners.services import events as services
from portal.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_the_audit_trail_shows_status_changes_in_the_readers_language(draft_event, officer):
    with translation.override("zh-hant"):
        services.event_submit(event=draft_event, user=officer)  # the actor reads Chinese
    entry = AuditEntry.objects.for_object(draft_event).get(action="partners.event.submitted")

    assert entry.changes == {"status": ["draft", "submitted"]}
    with translation.override("en"):
        assert entry.action_label == "Submitted for verification"
        assert entry.changes_for_display() == [("status", "Draft", "Submitted")]
    with translation.override("zh-hant"):
        [(label, old, new)] = entry.changes_for_display()
        assert (old, new) == ("草稿", "已提交")


def test_field_changes_are_listed_under_the_fields_names(draft_event, officer):
    services.event_update(event=draft_event, user=officer, significance="major", cases=3)
    entry = AuditEntry.objects.for_object(draft_event).get(action="partners.event.updated")
    with translation.override("en"):
        # jsonb keeps no key order
        assert sorted(entry.changes_for_display()) == [
            ("cases", "", "3"),
            ("significance", "Routine", "Major"),
        ]


def test_the_notes_the_portal_writes_itself_are_shown_as_words_others_as_written():
    def shown(note: str) -> str:
        with translation.override("en"):
            return str(AuditEntry(note=note).note_for_display)

    assert shown("admin") == "in the admin site"
    assert shown("replaced") == "replaced by a new invitation"
    assert shown("balanced, max load 3") == "balanced, at most 3 nominees per member"
    assert shown("events-2024.csv") == "events-2024.csv"
    assert shown("Logged twice.") == "Logged twice."


def test_changes_outside_the_models_fields_are_shown_under_a_translated_name(draft_event, officer):
    from portal.audit import audit

    entry = audit(officer, "awards.cycle.updated", draft_event, {"event rules": ["a", "b"]})
    with translation.override("en"):
        assert [label for label, _, _ in entry.changes_for_display()] == ["event rules"]
