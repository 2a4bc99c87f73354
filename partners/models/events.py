"""Cooperation events and their evidence."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models.enterprises import Enterprise
from partners.models.uploads import CheckedUpload
from partners.querysets import CooperationEventQuerySet, EvidenceFileQuerySet
from partners.statuses import EventStatus


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

    Status = EventStatus

    # The only moves the workflow allows; services refuse everything else.
    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.VERIFIED, Status.RETURNED, Status.WITHDRAWN},
        Status.RETURNED: {Status.SUBMITTED, Status.WITHDRAWN},
        # A verified event found to be wrong is withdrawn by the secretariat
        # (partners.rules.may_withdraw_event).
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
            # The event list's default order (and, read backwards, the oldest first), with
            # what its usual filters read, so that PostgreSQL answers the list's keys from the
            # index alone (CappedPaginator; `include` is ignored elsewhere).
            models.Index(
                fields=["-occurred_on", "-id"],
                include=["status", "logged_by", "event_type", "significance"],
                name="event_newest_first",
            ),
            # The list filtered by type, in the same order.
            models.Index(
                fields=["event_type", "-occurred_on", "-id"],
                include=["status", "logged_by", "significance"],
                name="event_type_newest_first",
            ),
            # The verifier's backlog, counted on the dashboard from this index alone.
            models.Index(
                fields=["submitted_at"],
                include=["status", "logged_by"],
                condition=Q(status="submitted"),
                name="event_awaiting_verification",
            ),
            # An officer's drafts and returned events, the last changed first (their queue and
            # the dashboard's count of them).
            models.Index(
                fields=["logged_by", "-updated_at", "-id"],
                condition=Q(status__in=["draft", "returned"]),
                name="event_open_by_logger",
            ),
            models.Index(fields=["enterprise", "status", "occurred_on"]),
            # An enterprise's timeline (its page: 17,000 events for the busiest), newest first,
            # and its verified events per type and year, both from the index alone.
            models.Index(
                fields=["enterprise", "-occurred_on", "-id"],
                include=["status", "logged_by", "event_type"],
                name="event_enterprise_timeline",
            ),
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
                condition=~Q(status=EventStatus.VERIFIED)
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

    # What the kept counts know of an event (partners.services.counts): compared after each
    # save with what was loaded or last saved, so that any path that saves one keeps them.
    COUNTED_FIELDS = ("enterprise_id", "event_type", "significance", "occurred_on", "status")

    @classmethod
    def from_db(cls, db, field_names, values):
        event = super().from_db(db, field_names, values)
        event.counted_as = event.counted_state()
        return event

    def counted_state(self) -> tuple | None:
        """The counted fields' values; None when a field was not loaded (deferred)."""
        deferred = self.get_deferred_fields()
        if any(name.removesuffix("_id") in deferred for name in self.COUNTED_FIELDS):
            return None
        return tuple(getattr(self, name) for name in self.COUNTED_FIELDS)

    def can_move_to(self, status: str) -> bool:
        return status in self.TRANSITIONS[self.status]

    @property
    def is_editable(self) -> bool:
        return self.status in self.EDITABLE_STATUSES


class EvidenceFile(CheckedUpload):
    event = models.ForeignKey(
        CooperationEvent,
        verbose_name=_("cooperation event"),
        on_delete=models.PROTECT,
        related_name="evidence_files",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )

    objects = EvidenceFileQuerySet.as_manager()

    class Meta(CheckedUpload.Meta):
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")

    def storage_path(self) -> str:
        return f"evidence/{self.event_id}/{self.token}"

    def get_absolute_url(self):
        return reverse("partners:evidence-download", args=[self.pk])


class EventMonthCount(models.Model):
    """How many events occurred in a month, per type and status: kept for the staff dashboard,
    which would otherwise count months of the history on every visit. partners.services.counts
    updates it in the same transaction as every event created, moved or edited;
    `manage.py rebuild_derived` recomputes it from the events."""

    month = models.DateField(_("month"))  # its first day
    event_type = models.CharField(_("type"), max_length=30)
    status = models.CharField(_("status"), max_length=20)
    count = models.IntegerField(_("events"), default=0)

    class Meta:
        verbose_name = _("events in a month")
        verbose_name_plural = _("events per month")
        constraints = [
            models.UniqueConstraint(
                fields=["month", "event_type", "status"], name="one_count_per_month_type_status"
            ),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} {self.event_type} {self.status}: {self.count}"
