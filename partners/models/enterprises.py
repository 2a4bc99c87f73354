"""Partner enterprises, their users (memberships and invitations) and the enforcement concerns
raised about them."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.querysets import (
    EnforcementFlagQuerySet,
    EnterpriseQuerySet,
    InvitationQuerySet,
    MembershipQuerySet,
)
from portal.i18n import in_active_language, in_other_language
from portal.text import SingleLineCharField

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

    name_en = SingleLineCharField(_("name (English)"), max_length=200)
    name_zh = SingleLineCharField(_("name (Chinese)"), max_length=100)
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
    contact_name = SingleLineCharField(_("contact person"), max_length=150, blank=True)
    contact_title = SingleLineCharField(_("contact's title"), max_length=150, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = SingleLineCharField(_("contact phone"), max_length=40, blank=True)
    # Its managers' choice (the colleagues page): every user of the enterprise logs in with a
    # second factor, when the server's STAFF_2FA is "required" (portal/two_factor/policy.py).
    # db_default: rows written without it (the dataset's COPY, seeds/dataset.py) get False too.
    two_factor_required = models.BooleanField(
        _("two-factor login required"),
        default=False,
        db_default=False,
        help_text=_("Every user of the enterprise must log in with a second factor."),
    )
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
    def name_other(self) -> str:
        """The name in the other language (beside `name`)."""
        return in_other_language(self.name_en, self.name_zh)

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


class Invitation(models.Model):
    """An email invitation, sent by an enterprise's manager, to join the enterprise as a partner
    user. The link carries a random token; only its SHA-256 is stored
    (partners/services/colleagues.py)."""

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
    # The invitee's language, chosen by the manager: the invitation email is written in it and
    # it becomes the new account's language of emails.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
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
