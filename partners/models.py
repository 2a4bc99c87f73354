from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.querysets import (
    CooperationEventQuerySet,
    EnforcementFlagQuerySet,
    EnterpriseQuerySet,
    EvidenceFileQuerySet,
    MembershipQuerySet,
    PartnerReportQuerySet,
    ReportAttachmentQuerySet,
    ReportNoteQuerySet,
)
from portal.i18n import in_active_language
from portal.roles import Role, has_role

br_number_validator = RegexValidator(
    r"^\d{8}\Z", _("A Business Registration number is exactly 8 digits.")
)


class Sector(models.TextChoices):
    CARGO_TERMINAL = "cargo_terminal", _("Cargo terminal operator")
    SHIPPING_LINE = "shipping_line", _("Shipping line")
    AIR_CARGO = "air_cargo", _("Air cargo")
    FREIGHT_FORWARDER = "freight_forwarder", _("Freight forwarder")
    EXPRESS_COURIER = "express_courier", _("Express courier")
    WAREHOUSING = "warehousing", _("Warehousing")
    RIGHTS_OWNER = "rights_owner", _("Rights owner / brand")
    TRADE_ASSOCIATION = "trade_association", _("Trade association")
    ONLINE_MARKETPLACE = "online_marketplace", _("Online marketplace")


INTELLECTUAL_PROPERTY_SECTORS = {
    Sector.RIGHTS_OWNER,
    Sector.TRADE_ASSOCIATION,
    Sector.ONLINE_MARKETPLACE,
}


class Enterprise(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        SUSPENDED = "suspended", _("Suspended")

    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    br_number = models.CharField(
        _("BR number"),
        max_length=8,
        unique=True,
        validators=[br_number_validator],
        help_text=_("Business Registration number, 8 digits."),
    )
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    address = models.TextField(_("address"), blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    contact_title = models.CharField(_("contact's title"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name_en"]
        constraints = [
            models.CheckConstraint(
                condition=Q(br_number__regex=r"^[0-9]{8}$"), name="enterprise_br_number_8_digits"
            ),
        ]

    def __str__(self):
        return f"{self.name_en} ({self.br_number})"

    def get_absolute_url(self):
        return reverse("enterprise-detail", args=[self.pk])

    @property
    def name(self) -> str:
        """The name in the reader's language."""
        return in_active_language(self.name_en, self.name_zh)

    @property
    def is_intellectual_property(self) -> bool:
        return self.sector in INTELLECTUAL_PROPERTY_SECTORS


class Membership(models.Model):
    """Links a partner user to the one enterprise whose standing they may see."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="membership",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    is_manager = models.BooleanField(_("manager"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self):
        return f"{self.user} → {self.enterprise}"


class CooperationEvent(models.Model):
    class EventType(models.TextChoices):
        CONTROLLED_DELIVERY = "controlled_delivery", _("Controlled delivery")
        INTELLIGENCE_TIP = "intelligence_tip", _("Intelligence tip")
        DETECTION_ASSISTANCE = "detection_assistance", _("Detection assistance")
        FACILITATION = "facilitation", _("Facilitation and support")
        DATA_SHARING = "data_sharing", _("Real-time data sharing")
        SECURITY_PRACTICE = "security_practice", _("Security practice")
        TRAINING = "training", _("Training programme")

    class Significance(models.TextChoices):
        ROUTINE = "routine", _("Routine")
        NOTABLE = "notable", _("Notable")
        MAJOR = "major", _("Major")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")
        VERIFIED = "verified", _("Verified")
        RETURNED = "returned", _("Returned")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # The only moves the workflow allows; services refuse everything else.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.VERIFIED, Status.RETURNED, Status.WITHDRAWN},
        Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
        # A verified event found to be wrong is withdrawn by the secretariat (see may_withdraw).
        Status.VERIFIED: {Status.WITHDRAWN},
        Status.WITHDRAWN: set(),
    }
    EDITABLE_STATUSES = {Status.DRAFT, Status.RETURNED}

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="events",
    )
    event_type = models.CharField(_("type"), max_length=30, choices=EventType.choices)
    occurred_on = models.DateField(_("date it occurred"))
    title = models.CharField(
        _("title"),
        max_length=200,
        help_text=_("Staff only. The partner sees the type, date, significance and summary."),
    )
    partner_summary = models.TextField(
        _("summary visible to the partner"),
        blank=True,
        help_text=_("The partner enterprise can read this. Keep case details out of it."),
    )
    restricted_details = models.TextField(
        _("restricted details"),
        blank=True,
        help_text=_("Customs staff only. Never shown to the partner."),
    )
    significance = models.CharField(
        _("significance"),
        max_length=10,
        choices=Significance.choices,
        default=Significance.ROUTINE,
    )
    seizure_value_hkd = models.DecimalField(
        _("seizure value (HK$)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    cases = models.PositiveIntegerField(_("cases"), null=True, blank=True)
    arrests = models.PositiveIntegerField(_("arrests"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        on_delete=models.PROTECT,
        related_name="logged_events",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="verified_events",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    return_reason = models.TextField(_("reason for return"), blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    created_at = models.DateTimeField(_("logged at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = CooperationEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("cooperation event")
        verbose_name_plural = _("cooperation events")
        ordering = ["-occurred_on", "-pk"]
        indexes = [
            models.Index(fields=["enterprise", "status", "occurred_on"]),
            models.Index(fields=["status", "occurred_on"]),
            # The verifier's queue (oldest submitted first) and the officer's own open events.
            models.Index(fields=["status", "submitted_at"]),
            models.Index(fields=["logged_by", "status", "updated_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(seizure_value_hkd__isnull=True) | Q(seizure_value_hkd__gte=0),
                name="event_seizure_value_not_negative",
            ),
            # Four eyes, also at the database level: nobody verifies their own event.
            models.CheckConstraint(
                condition=Q(verified_by__isnull=True) | ~Q(verified_by=models.F("logged_by")),
                name="event_not_verified_by_its_logger",
            ),
            models.CheckConstraint(
                condition=~Q(status="verified")
                | Q(verified_by__isnull=False, verified_at__isnull=False),
                name="event_verified_has_verifier",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.occurred_on})"

    def get_absolute_url(self):
        return reverse("partners:event-detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise PermissionError("Cooperation records are never deleted; withdraw them instead.")

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES

    def actions_for(self, user) -> set[str]:
        """The workflow actions `user` may take on this event now (the services enforce them)."""
        actions = set()
        is_logger = self.logged_by_id == user.pk
        if is_logger and self.is_editable:
            actions.add("edit")
        if is_logger and self.can_move_to(self.Status.SUBMITTED):
            actions.add("submit")
        if has_role(user, Role.VERIFIER) and not is_logger:
            if self.can_move_to(self.Status.VERIFIED):
                actions.add("verify")
            if self.can_move_to(self.Status.RETURNED):
                actions.add("return")
        if self.may_withdraw(user) and self.can_move_to(self.Status.WITHDRAWN):
            actions.add("withdraw")
        return actions

    def may_withdraw(self, user) -> bool:
        """The logging officer may withdraw an event until it is verified; the secretariat may
        withdraw any event, so a verified record found wrong stops counting, with the reason."""
        if has_role(user, Role.SECRETARIAT):
            return True
        return self.logged_by_id == user.pk and self.status != self.Status.VERIFIED


class EnforcementFlag(models.Model):
    """A dated enforcement concern about an enterprise. While not cleared, it makes the
    enterprise ineligible for any award cycle whose assessment window contains its date.
    Flags are kept for good: clearing one records who cleared it and why."""

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="enforcement_flags",
    )
    flagged_on = models.DateField(_("date of the concern"))
    reason = models.TextField(_("reason"))
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("raised by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    raised_at = models.DateTimeField(_("raised at"), auto_now_add=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cleared by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    clearance_reason = models.TextField(_("reason for clearing"), blank=True)

    objects = EnforcementFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("enforcement concern")
        verbose_name_plural = _("enforcement concerns")
        ordering = ["-flagged_on", "-pk"]

    def __str__(self):
        return f"{self.enterprise.name_en}: {self.flagged_on}"

    def delete(self, *args, **kwargs):
        raise PermissionError("Enforcement concerns are kept; clear them instead.")

    @property
    def is_active(self) -> bool:
        return self.cleared_at is None


def evidence_upload_to(instance, filename):
    # The stored name is random: the original name is kept in the row, never in the path.
    return f"evidence/{instance.event_id}/{instance.token}"


class EvidenceFile(models.Model):
    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        XLSX = "xlsx", "XLSX"
        DOCX = "docx", "DOCX"

    event = models.ForeignKey(
        CooperationEvent,
        verbose_name=_("cooperation event"),
        on_delete=models.PROTECT,
        related_name="evidence_files",
    )
    token = models.CharField(_("token"), max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=evidence_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = EvidenceFileQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("partners:evidence-download", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise PermissionError("Evidence is part of the cooperation record and is never deleted.")


# Reports from partners


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

    class Status(models.TextChoices):
        RECEIVED = "received", _("Received")
        UNDER_REVIEW = "under_review", _("Under review")
        ACTED_ON = "acted_on", _("Acted on")
        CLOSED = "closed", _("Closed")

    TRANSITIONS = {
        Status.RECEIVED: {Status.UNDER_REVIEW, Status.ACTED_ON, Status.CLOSED},
        Status.UNDER_REVIEW: {Status.ACTED_ON, Status.CLOSED},
        Status.ACTED_ON: set(),
        Status.CLOSED: set(),
    }
    OPEN_STATUSES = {Status.RECEIVED, Status.UNDER_REVIEW}

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
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="acted_on") | Q(event__isnull=False),
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


def report_attachment_upload_to(instance, filename):
    # As evidence: a random stored name; the original one is kept in the row only.
    return f"reports/{instance.report_id}/{instance.token}"


class ReportAttachment(models.Model):
    report = models.ForeignKey(
        PartnerReport,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    token = models.CharField(_("token"), max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=report_attachment_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=EvidenceFile.Kind.choices)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    objects = ReportAttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("partners:report-attachment", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise PermissionError("Report attachments are part of the record and are never deleted.")


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None) -> "InvitationQuerySet":
        """Neither accepted, revoked nor expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )


class Invitation(models.Model):
    """An email invitation, sent by an enterprise's manager, to join the enterprise as a partner
    user. The link carries a random token; only its SHA-256 is stored (partners/colleagues.py)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Withdrawn")
        EXPIRED = "expired", _("Expired")

    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="invitations",
    )
    email = models.EmailField(_("email"))
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("accepted by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    revoked_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.email} → {self.enterprise}"

    def state(self, now=None) -> str:
        if self.accepted_at:
            return self.State.ACCEPTED
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.State.EXPIRED
        return self.State.PENDING
