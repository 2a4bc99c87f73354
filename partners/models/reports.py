"""Reports from partners: what a partner enterprise sends customs, and the officers' notes."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models.enterprises import Enterprise
from partners.models.events import CooperationEvent
from partners.models.uploads import CheckedUpload
from partners.querysets import (
    PartnerReportQuerySet,
    ReportAttachmentQuerySet,
    ReportNoteQuerySet,
)
from partners.shipments import UN_LOCODE
from partners.statuses import OPEN_REPORT_STATUSES, ReportStatus
from portal.text import SingleLineCharField


def validate_un_locode(value: str) -> None:
    if value and not UN_LOCODE.match(value):
        raise ValidationError(_("Not a UN/LOCODE (country code and three letters, e.g. HKHKG)."))


class ReportCounter(models.Model):
    """The last acknowledgement number given out in a year; locked while the next is taken."""

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("report counter")
        verbose_name_plural = _("report counters")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class PartnerReport(models.Model):
    """Information a partner enterprise sends customs. Kept for good: closing a report
    records why; an officer may turn it into a cooperation event."""

    class Category(models.TextChoices):
        SUSPICIOUS_SHIPMENT = "suspicious_shipment", _("Suspicious shipment")
        CUSTOMS_CRIME = "customs_crime", _("Information on a customs crime")
        SECURITY_INCIDENT = "security_incident", _("Security incident")
        OTHER = "other", _("Other")

    class Source(models.TextChoices):
        WEB = "web", _("Web form")
        SYSTEM = "system", _("Partner's system")

    class Concern(models.TextChoices):
        """What looked wrong to a partner's monitoring system (alerts)."""

        SEAL = "seal", _("Seal broken or changed")
        WEIGHT = "weight", _("Weight differs from the declaration")
        DOCUMENTS = "documents", _("Documents do not agree")
        ROUTE = "route", _("Unusual route or transhipment")
        SCAN = "scan", _("Image or scan anomaly")
        DWELL = "dwell", _("Unusual dwell time")
        OTHER = "other", _("Other")

    Status = ReportStatus

    TRANSITIONS = {
        Status.RECEIVED: {Status.UNDER_REVIEW, Status.ACTED_ON, Status.CLOSED},
        Status.UNDER_REVIEW: {Status.ACTED_ON, Status.CLOSED},
        Status.ACTED_ON: set(),
        Status.CLOSED: set(),
    }
    OPEN_STATUSES = OPEN_REPORT_STATUSES

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="reports"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledgement_number = models.CharField(
        _("acknowledgement number"), max_length=20, unique=True, editable=False
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices)
    description = models.TextField(_("description"))
    # Normalised container ("MSCU1234567") and air waybill ("176-12345675") numbers.
    shipment_references = models.JSONField(_("shipment references"), default=list, blank=True)
    # What a partner's system sent besides the references (alerts through the API; blank for
    # the web form, which asks none of it).
    source = models.CharField(
        _("sent through"), max_length=10, choices=Source.choices, default=Source.WEB
    )
    system_name = SingleLineCharField(_("system"), max_length=100, blank=True)
    concern = models.CharField(
        _("what looked wrong"), max_length=20, choices=Concern.choices, blank=True
    )
    bill_of_lading = SingleLineCharField(_("bill of lading"), max_length=35, blank=True)
    vessel_or_flight = SingleLineCharField(_("vessel or flight"), max_length=64, blank=True)
    voyage = SingleLineCharField(_("voyage"), max_length=20, blank=True)
    port = models.CharField(
        _("port (UN/LOCODE)"), max_length=5, blank=True, validators=[validate_un_locode]
    )
    observed_at = models.DateTimeField(_("observed at"), null=True, blank=True)
    # Staff only: when a manifest line first matched one of the references (ManifestMatch).
    matched_at = models.DateTimeField(_("matched a manifest at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    # Staff only: the partner never learns who handled its report.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handled by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    event = models.OneToOneField(
        CooperationEvent,
        verbose_name=_("cooperation event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="source_report",
    )
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PartnerReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("report from a partner")
        verbose_name_plural = _("reports from partners")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "created_at"]),
            models.Index(fields=["status", "created_at"]),
            models.Index(fields=["matched_at", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.ACTED_ON) | Q(event__isnull=False),
                name="report_acted_on_has_event",
            ),
        ]

    def __str__(self):
        return self.acknowledgement_number

    def get_absolute_url(self):
        return reverse("partners:report-detail", args=[self.pk])

    def get_partner_url(self):
        return reverse("partners:my-report-detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise PermissionError("Reports from partners are never deleted; close them instead.")

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES


class ShipmentReference(models.Model):
    """One of a report's shipment references, in its normalised form, in a column of its own:
    matching against manifest lines is an index lookup on `reference`, never a scan."""

    report = models.ForeignKey(
        PartnerReport,
        verbose_name=_("report"),
        on_delete=models.CASCADE,
        related_name="references",
    )
    reference = models.CharField(_("reference"), max_length=12)

    class Meta:
        verbose_name = _("shipment reference")
        verbose_name_plural = _("shipment references")
        constraints = [
            models.UniqueConstraint(fields=["report", "reference"], name="report_reference_once")
        ]
        indexes = [models.Index(fields=["reference"], name="report_reference_idx")]

    def __str__(self):
        return self.reference


class ReportNote(models.Model):
    """An officer's internal note on a report. Never shown to the partner."""

    report = models.ForeignKey(
        PartnerReport, verbose_name=_("report"), on_delete=models.PROTECT, related_name="notes"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("note"))
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    objects = ReportNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("internal note")
        verbose_name_plural = _("internal notes")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.report}: {self.created_at:%Y-%m-%d %H:%M}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Internal notes are part of the record and are never deleted.")


class ReportAttachment(CheckedUpload):
    report = models.ForeignKey(
        PartnerReport,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )

    objects = ReportAttachmentQuerySet.as_manager()

    class Meta(CheckedUpload.Meta):
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")

    download_prefix = "attachment"

    def storage_path(self) -> str:
        return f"reports/{self.report_id}/{self.token}.{self.extension}"

    def get_absolute_url(self):
        return reverse("partners:report-attachment", args=[self.pk])
