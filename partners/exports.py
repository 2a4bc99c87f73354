"""The cooperation-event export. It never contains the restricted details."""

from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from partners.models import CooperationEvent
from portal.exports import database_rows

# The columns in order: the key that heads the command's file (issue 1, docs/import.md) and the
# heading of a download, in the language of the person who asked. The cells keep their codes and
# ISO dates in both, so that a program reads either file.
EXPORT_COLUMNS = {
    "id": gettext_lazy("ID"),
    "br_number": gettext_lazy("BR number"),
    "enterprise_en": gettext_lazy("Enterprise (English)"),
    "event_type": gettext_lazy("Event type"),
    "occurred_on": gettext_lazy("Date it occurred"),
    "significance": gettext_lazy("Significance"),
    "status": gettext_lazy("Status"),
    "title": gettext_lazy("Title"),
    "seizure_value_hkd": gettext_lazy("Seizure value (HK$)"),
    "verified_on": gettext_lazy("Verified on"),
}


def export_headers() -> list[str]:
    return [str(heading) for heading in EXPORT_COLUMNS.values()]


def event_export_rows(events):
    """The rows of `events`, read from the database in chunks as the export writes them."""
    events = (
        events.order_by("occurred_on", "pk")
        # The day of the verification in the administration's time zone, by the database.
        .annotate(verified_on=TruncDate("verified_at"))
        .values_list(
            "pk",
            "enterprise__br_number",
            "enterprise__name_en",
            "event_type",
            "occurred_on",
            "significance",
            "status",
            "title",
            "seizure_value_hkd",
            "verified_on",
        )
    )
    for (
        pk,
        br,
        name,
        kind,
        occurred,
        significance,
        status,
        title,
        value,
        verified_on,
    ) in database_rows(events):
        yield [
            pk,
            br,
            name,
            kind,
            occurred.isoformat(),
            significance,
            status,
            title,
            "" if value is None else f"{value:.2f}",
            verified_on.isoformat() if verified_on else "",
        ]


def import_template_rows():
    """The example row of the downloadable import template."""
    example = CooperationEvent(
        event_type=CooperationEvent.EventType.DATA_SHARING,
        significance=CooperationEvent.Significance.NOTABLE,
    )
    return [
        [
            "12345678",
            example.event_type,
            "2024-05-17",
            example.significance,
            # The free-text examples follow the officer's language; codes and numbers do not.
            _("Manifest data for 3 flagged containers"),
            _("Provided real-time tracking data on request."),
            _("Case reference and officer notes (staff only)."),
            "1500000.00",
            "1",
            "2",
        ]
    ]
