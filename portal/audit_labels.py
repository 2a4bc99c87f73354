"""What the audit trail's codes mean, in the reader's language: action codes
("partners.event.verified"), change names that are not model fields, and notes the portal writes
itself. The core knows only its own; each app registers its codes from its AppConfig.ready()."""

import re
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

_ACTIONS: dict[str, str] = {}
_CHANGES: dict[str, str] = {}
_NOTES: dict[str, str] = {"admin": _("in the admin site")}
# Notes written with a value in them: (pattern, match -> text).
_NOTE_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = []


def register_audit_labels(
    *,
    actions: dict | None = None,
    changes: dict | None = None,
    notes: dict | None = None,
    note_patterns: list | None = None,
) -> None:
    _ACTIONS.update(actions or {})
    _CHANGES.update(changes or {})
    _NOTES.update(notes or {})
    _NOTE_PATTERNS.extend(note_patterns or [])


def action_label(code: str) -> str:
    return _ACTIONS.get(code, code)


def change_label(name: str) -> str:
    return _CHANGES.get(name, name)


def note_label(note: str) -> str:
    """A note the portal wrote, in the reader's language; any other note is a person's words
    (a reason, a file name), shown as written."""
    for pattern, text in _NOTE_PATTERNS:
        if match := pattern.fullmatch(note):
            return text(match)
    return _NOTES.get(note, note)
