"""The notes the awards services write on their audit entries: codes, with their parameters
kept beside them (AuditEntry.note_params), read in the reader's language
(portal.audit_labels). Registered from awards/apps.py."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class AuditNote:
    CYCLE_COPIED = "awards.note.copied_from"  # year
    SUGGESTION_APPLIED = "awards.note.suggestion_applied"
    DECISIONS_CHANGED = "awards.note.decisions_changed"  # n
    FINALISED = "awards.note.awarded_of"  # awarded, n
    CEREMONY_RESET = "awards.note.places_changed"  # n
    CEREMONY_SWAPPED = "awards.note.swapped_with"  # enterprise, enterprise_zh
    ALTERNATE_STEPPED_IN = "awards.note.alternate_below_quorum"


# Counted notes: ngettext at reading time, in the reader's language (written out in each, so
# that makemessages finds both forms).
NOTES = {
    AuditNote.CYCLE_COPIED: _("Settings copied from %(year)s."),
    AuditNote.SUGGESTION_APPLIED: _("Suggestion applied"),
    AuditNote.DECISIONS_CHANGED: lambda values: (
        ngettext("%(n)d decision changed", "%(n)d decisions changed", values["n"]) % values
    ),
    AuditNote.FINALISED: lambda values: (
        ngettext(
            "%(awarded)d awarded of %(n)d nominee",
            "%(awarded)d awarded of %(n)d nominees",
            values["n"],
        )
        % values
    ),
    AuditNote.CEREMONY_RESET: lambda values: (
        ngettext("%(n)d awardee changed place", "%(n)d awardees changed place", values["n"])
        % values
    ),
    AuditNote.CEREMONY_SWAPPED: _("Swapped with %(enterprise)s"),
    AuditNote.ALTERNATE_STEPPED_IN: _(
        "An alternate, for a nominee whom conflicts left below the quorum"
    ),
}
