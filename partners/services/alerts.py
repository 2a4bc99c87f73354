"""Alerts that partners' monitoring systems push through the API (`POST /api/v1/alerts/`):
reports like the web form's, marked as from a system, with the structured references a
system knows. A batch is written whole or not at all, in one transaction, with one counter
lock and bulk inserts: 500 alerts cost a handful of queries, not 500 times a report's."""

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import Enterprise, PartnerReport, ReportAttachment
from partners.services import manifests
from partners.services.reports import next_acknowledgement_numbers
from partners.services.uploads import checked_upload_create
from portal.audit import audit_many
from portal.clock import today

BATCH_MAX = 500


@dataclass
class Alert:
    """One alert, validated and normalised (the API's serializer makes these)."""

    description: str
    category: str = PartnerReport.Category.SUSPICIOUS_SHIPMENT
    concern: str = ""
    containers: list[str] = field(default_factory=list)
    air_waybills: list[str] = field(default_factory=list)
    bill_of_lading: str = ""
    vessel_or_flight: str = ""
    voyage: str = ""
    port: str = ""
    observed_at: datetime.datetime | None = None
    attachments: list = field(default_factory=list)  # files already checked (validate_upload)

    @property
    def references(self) -> list[str]:
        return list(dict.fromkeys([*self.containers, *self.air_waybills]))


@transaction.atomic
def alerts_receive(
    *, enterprise: Enterprise, submitted_by, system_name: str, alerts: list[Alert]
) -> list[PartnerReport]:
    """Record a batch of alerts from `enterprise`'s system, in the triage queue with the web
    reports, and match their references with the manifests already imported."""
    if not 1 <= len(alerts) <= BATCH_MAX:
        raise ValueError(_("Send between 1 and %(n)d alerts.") % {"n": BATCH_MAX})
    numbers = next_acknowledgement_numbers(today().year, len(alerts))
    reports = []
    for alert, number in zip(alerts, numbers, strict=True):
        report = PartnerReport(
            enterprise=enterprise,
            submitted_by=submitted_by,
            acknowledgement_number=number,
            source=PartnerReport.Source.SYSTEM,
            system_name=system_name[:100],
            category=alert.category,
            concern=alert.concern,
            description=alert.description.strip(),
            shipment_references=alert.references,
            bill_of_lading=alert.bill_of_lading,
            vessel_or_flight=alert.vessel_or_flight,
            voyage=alert.voyage,
            port=alert.port,
            observed_at=alert.observed_at,
        )
        # The fields' own validators (one line, UN/LOCODE); no query is made.
        report.clean_fields()
        reports.append(report)
    PartnerReport.objects.bulk_create(reports, batch_size=manifests.WRITE_BATCH)
    for report, alert in zip(reports, alerts, strict=True):
        for upload in alert.attachments:
            checked_upload_create(ReportAttachment, upload, report=report)
    audit_many(submitted_by, "partners.report.received_from_system", reports, note=system_name)
    manifests.match_reports(manifests.references_record(reports))
    # No "received" notification to the partner's users: their system has the
    # acknowledgement numbers in the response. Later status changes notify as for any report.
    return reports
