"""API keys. Imported by portal/models.py, so that they belong to the portal app."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.api.scopes import Scope


class ApiKeyQuerySet(models.QuerySet):
    def usable(self, now=None) -> "ApiKeyQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=now or timezone.now())


class ApiKey(models.Model):
    """A machine's credential. The secret is shown once, at creation; only its SHA-256 is kept
    (256 random bits: a fast hash is enough, nothing to guess). The key acts as its `principal`,
    a user of its own that stands for the key: for a partner key, a member of the enterprise (so
    that every `visible_to(user)` answers for the key exactly what it answers for the
    enterprise's users); for a staff key, a member of the secretariat. The principal is stored
    inactive, so that it can never log in, is never notified and is listed as nobody's
    colleague; the authentication marks it active for the request only, while the key is
    usable (portal.api.authentication)."""

    class Kind(models.TextChoices):
        PARTNER = "partner", _("Partner enterprise")
        STAFF = "staff", _("Staff service account")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    # The first part of the key as given to the machine (eepa_<prefix>_<secret>): finds the
    # row; shown in lists so that people can tell their keys apart.
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    secret_hash = models.CharField(_("secret hash"), max_length=64, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    principal = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("acts as"),
        on_delete=models.PROTECT,
        related_name="api_key",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    last_used_from = models.GenericIPAddressField(_("last used from"), null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.name} ({self.prefix})"

    class State(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    def state(self, now=None) -> str:
        if self.revoked_at:
            return self.State.REVOKED
        if self.expires_at <= (now or timezone.now()):
            return self.State.EXPIRED
        return self.State.ACTIVE

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    def scope_labels(self) -> list[str]:
        labels = dict(Scope.choices)
        return [str(labels.get(scope, scope)) for scope in self.scopes]
