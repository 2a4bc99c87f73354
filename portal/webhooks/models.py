"""A partner enterprise's webhook endpoints and every delivery made to them."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.choices import StatusChoices, badges
from portal.text import SingleLineCharField
from portal.webhooks.crypto import SECRET_PREFIX
from portal.webhooks.events import event_label
from portal.webhooks.querysets import DeliveryQuerySet, EndpointQuerySet
from portal.webhooks.transport import Failure


class Endpoint(models.Model):
    """An HTTPS address of an enterprise's system and the events it wants. Its signing
    secret is shown once, when made, and stored encrypted (portal/webhooks/crypto.py)."""

    class Status(StatusChoices):
        ACTIVE = "active", _("Active")
        PAUSED = "paused", _("Paused")
        BADGES = badges({"active": "text-bg-success", "paused": "text-bg-warning"})

    # The subscriber is an enterprise; the core reads it and its managers by name only
    # (querysets.py, rules.py) and imports nothing from the partners app.
    enterprise = models.ForeignKey(
        "partners.Enterprise",
        verbose_name=_("enterprise"),
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
    )
    url = models.URLField(_("URL"), max_length=500)
    description = SingleLineCharField(_("description"), max_length=200, blank=True)
    event_types = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(editable=False)
    # The secret's last characters, so that a manager can tell which secret a system holds.
    secret_hint = models.CharField(max_length=8, editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    # The first failed attempt since the last success; a day of failures pauses the endpoint.
    failing_since = models.DateTimeField(_("failing since"), null=True, blank=True)
    paused_at = models.DateTimeField(_("paused at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = EndpointQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return self.url

    def get_absolute_url(self):
        return reverse("webhooks:endpoint-detail", args=[self.pk])

    @property
    def event_labels(self) -> list[str]:
        return [event_label(code) for code in self.event_types]

    @property
    def secret_preview(self) -> str:
        return f"{SECRET_PREFIX}…{self.secret_hint}"

    @property
    def is_paused(self) -> bool:
        return self.status == self.Status.PAUSED


class Delivery(models.Model):
    """One event sent to one endpoint: the exact body that was signed, and the outcome of its
    last attempt. Every attempt of a delivery carries the same webhook id, so that a receiver
    can recognise a retry of what it already processed."""

    class Status(StatusChoices):
        PENDING = "pending", _("Pending")
        DELIVERED = "delivered", _("Delivered")
        FAILED = "failed", _("Failed")
        BADGES = badges({"delivered": "text-bg-success", "failed": "text-bg-danger"})

    endpoint = models.ForeignKey(
        Endpoint, verbose_name=_("endpoint"), on_delete=models.CASCADE, related_name="deliveries"
    )
    webhook_id = models.UUIDField(_("webhook ID"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("event"), max_length=60)
    body = models.TextField(_("body"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), null=True, blank=True)
    # The start of the receiver's answer, as text (RESPONSE_MAX_BYTES at most were read).
    response_excerpt = models.TextField(_("response"), blank=True)
    failure = models.CharField(_("failure"), max_length=20, choices=Failure.choices, blank=True)
    failure_detail = models.CharField(_("detail"), max_length=200, blank=True)

    objects = DeliveryQuerySet.as_manager()

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                "endpoint", models.F("created_at").desc(), models.F("id").desc(),
                name="webhook_delivery_log",
            ),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.event_type} {self.webhook_id}"

    @property
    def event_label(self) -> str:
        return event_label(self.event_type)
