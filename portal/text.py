"""Text that goes on one line: names, titles, contacts, criterion names, usernames, the name
of an uploaded file as it is shown. A line break or a control character in one of them breaks
what it is later put into (an email's subject, a CSV row, a PDF's line, an audit entry) or
hides what it says (a right-to-left override turns "cod.exe" into "exe.doc" on screen).

`SingleLineCharField` is the model field of every such text: the database keeps only what it
allows, every ModelForm reports the refusal on the field, and a plain form field says the
same with `validators=[validate_single_line]`."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

# Control characters (C0, DEL, C1: line feed, carriage return, tab, NUL...), the Unicode line
# and paragraph separators, and the bidirectional overrides and isolates.
_NOT_ON_ONE_LINE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]"
)


def is_single_line(value: str) -> bool:
    return _NOT_ON_ONE_LINE.search(value) is None


def validate_single_line(value) -> None:
    if isinstance(value, str) and not is_single_line(value):
        raise ValidationError(
            _("Write this on one line, without line breaks, tabs or control characters."),
            code="single_line",
        )


class SingleLineCharField(models.CharField):
    """A CharField that refuses line breaks and control characters (validate_single_line)."""

    default_validators = [validate_single_line]

    def formfield(self, **kwargs):
        # Also a plain form built from the field (PanelCriterion's in awards.forms) says it.
        field = super().formfield(**kwargs)
        if validate_single_line not in field.validators:
            field.validators.append(validate_single_line)
        return field


def one_line(value: str) -> str:
    """`value` with every run of whitespace and control characters made one space: for text
    already stored (before the fields refused them) that goes into a header or a file name."""
    return " ".join(_NOT_ON_ONE_LINE.sub(" ", value).split())


# What a file name shown to users keeps at most (the column's length).
DISPLAY_NAME_MAX = 200
_EXTENSION = re.compile(r"\.[^.\s]{1,16}\Z")


def file_display_name(name: str, max_length: int = DISPLAY_NAME_MAX) -> str:
    """The name a user gave a file, fit to be shown: no folder, no control or invisible
    direction characters, on one line, at most `max_length` characters; a longer name loses
    the middle of its stem, never its start or its extension ("a very long … name.pdf").
    Shown only: the portal never stores or sends a file under it."""
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    name = one_line(name).strip(". ") or "file"
    if len(name) <= max_length:
        return name
    match = _EXTENSION.search(name)
    extension = match.group() if match else ""
    stem = name[: len(name) - len(extension)]
    keep = max_length - len(extension) - 1  # the ellipsis
    return stem[:keep].rstrip() + "…" + extension
