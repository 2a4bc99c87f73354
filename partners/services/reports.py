"""Reports from partners: every write, audited, in a transaction."""

import datetime
from contextlib import ExitStack

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from partners import notifications, rules, webhooks
from partners.models import (
    CooperationEvent,
    Enterprise,
    PartnerReport,
    ReportAttachment,
    ReportCounter,
    ReportNote,
)
from partners.services import manifests
from partners.services.events import event_create
from partners.services.uploads import checked_upload_create, validate_upload
from portal.audit import audit
from portal.clock import today
from portal.rules import require

Status = PartnerReport.Status
Category = PartnerReport.Category

RATE_LIMIT_WINDOW = datetime.timedelta(hours=1)

# The event type an officer most often records for each category; they can change it.
EVENT_TYPE_OF_CATEGORY = {
    Category.SUSPICIOUS_SHIPMENT: CooperationEvent.EventType.DETECTION_ASSISTANCE,
    Category.CUSTOMS_CRIME: CooperationEvent.EventType.INTELLIGENCE_TIP,
    Category.SECURITY_INCIDENT: CooperationEvent.EventType.SECURITY_PRACTICE,
    Category.OTHER: CooperationEvent.EventType.INTELLIGENCE_TIP,
}


class RateLimited(Exception):
    """The enterprise has sent settings.REPORT_RATE_LIMIT reports within the last hour."""

    def __init__(self, retry_after: int):
        super().__init__(retry_after)
        self.retry_after = retry_after


def _next_acknowledgement_number(year: int) -> str:
    return next_acknowledgement_numbers(year, 1)[0]


def next_acknowledgement_numbers(year: int, count: int) -> list[str]:
    """`count` new numbers in a row. The counter row is locked until the transaction ends, so
    two reports never share a number; the first report of a year creates the row
    (get_or_create retries on a race)."""
    ReportCounter.objects.get_or_create(year=year)
    counter = ReportCounter.objects.select_for_update().get(year=year)
    first = counter.last_number + 1
    counter.last_number += count
    counter.save(update_fields=["last_number"])
    return [f"R-{year}-{number:06d}" for number in range(first, first + count)]


def _check_rate_limit(enterprise: Enterprise) -> None:
    """Counted from the reports themselves, in the database every worker shares; the
    enterprise row is locked so that simultaneous submissions are counted one after another."""
    Enterprise.objects.select_for_update().get(pk=enterprise.pk)
    since = timezone.now() - RATE_LIMIT_WINDOW
    recent = list(
        PartnerReport.objects.filter(enterprise=enterprise, created_at__gt=since)
        .order_by("-created_at")
        .values_list("created_at", flat=True)[: settings.REPORT_RATE_LIMIT]
    )
    if len(recent) >= settings.REPORT_RATE_LIMIT:
        # A place frees up when the oldest of the last REPORT_RATE_LIMIT reports leaves the hour.
        frees_at = recent[-1] + RATE_LIMIT_WINDOW
        raise RateLimited(max(int((frees_at - timezone.now()).total_seconds()) + 1, 1))


@transaction.atomic
def report_submit(
    *,
    user,
    category: str,
    description: str,
    shipment_references: list[str] = (),
    attachments=(),
) -> PartnerReport:
    """A partner user sends a report for their own enterprise."""
    require(rules.may_send_reports(user))
    enterprise = user.membership.enterprise
    _check_rate_limit(enterprise)
    for upload in attachments:
        validate_upload(upload)
    report = PartnerReport(
        enterprise=enterprise,
        submitted_by=user,
        category=category,
        description=description.strip(),
        shipment_references=list(shipment_references),
    )
    report.acknowledgement_number = _next_acknowledgement_number(today().year)
    report.full_clean()
    report.save()
    audit(
        user,
        "partners.report.submitted",
        report,
        {"status": ["", report.status]},
    )
    for upload in attachments:
        _attach(report, upload)
    manifests.match_reports(manifests.references_record([report]))
    notifications.report_status_changed(report=report)
    webhooks.report_status_changed(report=report)
    return report


def _attach(report: PartnerReport, upload) -> ReportAttachment:
    return checked_upload_create(ReportAttachment, upload, report=report)


def _lock(report: PartnerReport) -> PartnerReport:
    return PartnerReport.objects.select_for_update().get(pk=report.pk)


def _move(report: PartnerReport, status: str, user, action: str, note: str = "") -> None:
    if not report.can_move_to(status):
        raise ValidationError(
            _("This report is already %(current)s; it cannot be marked %(target)s.")
            % {
                "current": report.get_status_display().lower(),
                "target": Status(status).label.lower(),
            }
        )
    old_status = report.status
    report.status, report.handled_by = status, user
    report.save(update_fields=["status", "handled_by", "event", "updated_at"])
    audit(user, action, report, {"status": [old_status, status]}, note)
    notifications.report_status_changed(report=report)
    webhooks.report_status_changed(report=report)


@transaction.atomic
def report_review(*, report: PartnerReport, user) -> PartnerReport:
    """An officer takes a received report under review."""
    require(rules.may_triage_reports(user, report))
    report = _lock(report)
    _move(report, Status.UNDER_REVIEW, user, "partners.report.under_review")
    return report


@transaction.atomic
def report_note_add(*, report: PartnerReport, user, text: str) -> ReportNote:
    require(rules.may_triage_reports(user, report))
    if not text.strip():
        raise ValidationError(_("Write the note."))
    report = _lock(report)
    note = ReportNote.objects.create(report=report, author=user, text=text.strip())
    # The note's text stays in the note, not in the audit trail.
    audit(user, "partners.report.note_added", report)
    return note


@transaction.atomic
def report_close(*, report: PartnerReport, user, note: str) -> PartnerReport:
    """Close a report without an event; the note says why (internal, like every note)."""
    require(rules.may_triage_reports(user, report))
    if not note.strip():
        raise ValidationError(_("Say why the report is closed."))
    report = _lock(report)
    _move(report, Status.CLOSED, user, "partners.report.closed")
    ReportNote.objects.create(report=report, author=user, text=note.strip())
    return report


@transaction.atomic
def report_convert(*, report: PartnerReport, user) -> CooperationEvent:
    """Turn a report into a draft cooperation event of the same enterprise, prefilled from
    the report and linked to it, through the event services (audit, workflow, evidence
    checks). The report is then acted on. A second attempt finds the report locked and
    already converted, and is refused."""
    require(rules.may_triage_reports(user, report))
    report = _lock(report)
    if report.event_id is not None:
        raise ValidationError(_("This report was already turned into a cooperation event."))
    if not report.can_move_to(Status.ACTED_ON):
        raise ValidationError(
            _("A %(status)s report cannot be turned into a cooperation event.")
            % {"status": report.get_status_display().lower()}
        )
    with ExitStack() as files:
        # The report's attachments become the event's evidence, checked again on the way.
        evidence = [
            File(files.enter_context(attachment.file.open("rb")), name=attachment.original_name)
            for attachment in report.attachments.all()
        ]
        event = _event_from(report, user, evidence)
    report.event = event
    _move(report, Status.ACTED_ON, user, "partners.report.converted")
    return event


def _event_from(report: PartnerReport, user, evidence) -> CooperationEvent:
    details = [report.description]
    if report.shipment_references:
        references = ", ".join(report.shipment_references)
        details.append(_("Shipment references: %(references)s") % {"references": references})
    for name in ("bill_of_lading", "vessel_or_flight", "voyage", "port"):
        if value := getattr(report, name):
            label = PartnerReport._meta.get_field(name).verbose_name
            details.append(f"{capfirst(label)}: {value}")
    # An alert pushed by a partner's system is the partner sharing its data.
    event_type = (
        CooperationEvent.EventType.DATA_SHARING
        if report.source == PartnerReport.Source.SYSTEM
        else EVENT_TYPE_OF_CATEGORY[report.category]
    )
    return event_create(
        user=user,
        evidence=evidence,
        enterprise=report.enterprise,
        event_type=event_type,
        occurred_on=timezone.localdate(report.created_at),
        title=_("Report %(number)s: %(category)s")
        % {"number": report.acknowledgement_number, "category": report.get_category_display()},
        partner_summary="",
        restricted_details="\n\n".join(details),
        significance=CooperationEvent.Significance.ROUTINE,
        seizure_value_hkd=None,
        cases=None,
        arrests=None,
    )
