"""The partners app's webhook events (portal/webhooks/): a report's status as the partner sees
it, and a verified cooperation event. The triggers are called by the services inside their
transaction; the deliveries go out after the commit. Payloads hold only what the enterprise's
own users read in the portal: never an event's title, restricted details, logger or verifier,
nor an officer's note or who handled a report."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import CooperationEvent, PartnerReport
from portal.webhooks.events import webhook_event
from portal.webhooks.services import event_publish, subscribers

REPORT_STATUS_CHANGED = webhook_event(
    "report.status_changed",
    _("A report or alert is received, or its status changes (under review, acted on, closed)"),
)
EVENT_VERIFIED = webhook_event(
    "event.verified", _("Customs verifies a cooperation event of the enterprise")
)


def report_data(report: PartnerReport) -> dict:
    """A report as its enterprise's users see it on their report's page."""
    return {
        "acknowledgement_number": report.acknowledgement_number,
        "source": report.source,
        "category": report.category,
        "status": report.status,
        "shipment_references": list(report.shipment_references),
        "received_at": report.created_at,
        "updated_at": report.updated_at,
        "url": settings.PUBLIC_BASE_URL + report.get_partner_url(),
    }


def event_data(event: CooperationEvent) -> dict:
    """A verified event as its enterprise's users see it on their home page."""
    return {
        "event_type": event.event_type,
        "occurred_on": event.occurred_on,
        "significance": event.significance,
        "summary": event.partner_summary,
        "verified_on": timezone.localdate(event.verified_at) if event.verified_at else None,
    }


def report_status_changed(*, report: PartnerReport) -> None:
    endpoints = subscribers(REPORT_STATUS_CHANGED.code, [report.enterprise_id])
    if endpoints:
        event_publish(
            event_type=REPORT_STATUS_CHANGED.code,
            endpoints=endpoints[report.enterprise_id],
            data={"report": report_data(report)},
        )


def event_verified(*, event: CooperationEvent) -> None:
    endpoints = subscribers(EVENT_VERIFIED.code, [event.enterprise_id])
    if endpoints:
        event_publish(
            event_type=EVENT_VERIFIED.code,
            endpoints=endpoints[event.enterprise_id],
            data={"event": event_data(event)},
        )
