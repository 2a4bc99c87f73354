"""Alerts that partners' monitoring systems push through the API (`POST /api/v1/alerts/`):
reports like the web form's, marked as from a system, with the structured references a
system knows. A batch is written whole or not at all, in one transaction, with one counter
lock and bulk inserts: 500 alerts cost a handful of queries, not 500 times a report's."""

import datetime
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from partners import rules
from partners.models import AlertBatch, Enterprise, PartnerReport, ReportAttachment
from partners.services import manifests
from partners.services.reports import next_acknowledgement_numbers
from partners.services.uploads import checked_upload_create
from portal.audit import audit_many
from portal.clock import today
from portal.rules import require

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
        # The fields' own validators (one line, UN/LOCODE), without a query: the related rows
        # are the request's own (a query each made a batch of 500 take 6 s more).
        report.clean_fields(exclude=["enterprise", "submitted_by", "handled_by", "event"])
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


@dataclass(frozen=True)
class Received:
    """What a request of alerts got: the response's body; `replayed` when it is the stored
    response of an earlier request with the same Idempotency-Key; `conflict` when that earlier
    request had another content (nothing is answered from it)."""

    body: dict
    replayed: bool = False
    conflict: bool = False


def receipt(reports: list[PartnerReport]) -> dict:
    """The response to a batch: what the partner's system keeps of each alert, in its order.
    Nothing about manifests, matches or who handles them."""
    return {
        "alerts": [
            {
                "index": index,
                "id": report.pk,
                "acknowledgement_number": report.acknowledgement_number,
                "status": report.status,
                "received_at": report.created_at.isoformat().replace("+00:00", "Z"),
            }
            for index, report in enumerate(reports)
        ]
    }


def alert_batch_receive(
    *, user, api_key, idempotency_key: str | None, fingerprint: str, alerts: list[Alert]
) -> Received:
    """Receive a batch from the system of `user`'s enterprise (the key's principal), once per
    Idempotency-Key: the batch's row is inserted first, in the same transaction as the
    alerts, under a unique constraint on (key, idempotency key). A retry after the first
    committed finds the row; a simultaneous retry's insert waits for the first transaction
    and then fails; both answer with the first response. A batch that fails leaves no row, so
    its retry is checked again."""
    require(rules.may_send_reports(user))
    if idempotency_key and (earlier := _earlier(api_key, idempotency_key, fingerprint)):
        return earlier
    try:
        with transaction.atomic():
            batch = None
            if idempotency_key:
                batch = AlertBatch.objects.create(
                    api_key=api_key, idempotency_key=idempotency_key, fingerprint=fingerprint
                )
            reports = alerts_receive(
                enterprise=user.membership.enterprise,
                submitted_by=user,
                system_name=str(api_key),
                alerts=alerts,
            )
            body = receipt(reports)
            if batch is not None:
                batch.response = body
                batch.save(update_fields=["response"])
    except IntegrityError:
        if idempotency_key and (earlier := _earlier(api_key, idempotency_key, fingerprint)):
            return earlier
        raise
    return Received(body)


def _earlier(api_key, idempotency_key: str, fingerprint: str) -> Received | None:
    batch = AlertBatch.objects.filter(api_key=api_key, idempotency_key=idempotency_key).first()
    if batch is None:
        return None
    if batch.fingerprint != fingerprint:
        return Received({}, conflict=True)
    return Received(batch.response, replayed=True)
