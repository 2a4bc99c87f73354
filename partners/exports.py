"""The cooperation-event export. It never contains the restricted details."""

from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import CooperationEvent

EXPORT_COLUMNS = [
    "id",
    "br_number",
    "enterprise_en",
    "event_type",
    "occurred_on",
    "significance",
    "status",
    "title",
    "seizure_value_hkd",
    "verified_on",
]


def event_export_rows(events):
    events = events.order_by("occurred_on", "pk").values_list(
        "pk",
        "enterprise__br_number",
        "enterprise__name_en",
        "event_type",
        "occurred_on",
        "significance",
        "status",
        "title",
        "seizure_value_hkd",
        "verified_at",
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
        verified_at,
    ) in events.iterator(chunk_size=2000):
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
            timezone.localdate(verified_at).isoformat() if verified_at else "",
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
        ]
    ]
