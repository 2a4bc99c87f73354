"""A batch of alerts received from a partner's system under an `Idempotency-Key`: the first
request's response is kept, so that a retry gets it again and creates nothing twice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.api.models import ApiKey


class AlertBatch(models.Model):
    api_key = models.ForeignKey(
        ApiKey, verbose_name=_("API key"), on_delete=models.PROTECT, related_name="+"
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=255)
    # SHA-256 of the request's content (its JSON, keys sorted): the same key with another
    # content is refused, never answered with the first response.
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    response = models.JSONField(_("response"), default=dict)
    created_at = models.DateTimeField(_("received at"), auto_now_add=True)

    class Meta:
        verbose_name = _("batch of alerts")
        verbose_name_plural = _("batches of alerts")
        constraints = [
            # Two simultaneous retries: the second insert waits for the first transaction,
            # then fails, and its request answers with the first one's response.
            models.UniqueConstraint(
                fields=["api_key", "idempotency_key"], name="alert_batch_idempotency_key_once"
            )
        ]

    def __str__(self):
        return self.idempotency_key
