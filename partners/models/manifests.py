"""Shipping manifests that customs staff import, and their lines' matches with partners'
reports. Customs staff only: a partner never sees a manifest, a line, or that its report
matched one (docs/manifests.md)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models.reports import PartnerReport, validate_un_locode
from partners.querysets import StaffOnlyQuerySet
from portal.text import SingleLineCharField


class Manifest(models.Model):
    """One imported file: all its lines were valid, and were written together."""

    file_name = SingleLineCharField(_("file name"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    line_count = models.PositiveIntegerField(_("lines"), default=0)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("manifest")
        verbose_name_plural = _("manifests")
        ordering = ["-imported_at", "-pk"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("partners:manifest-detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        raise PermissionError("Manifests are part of the record and are never deleted.")


class ManifestLine(models.Model):
    """A shipment the manifest declares, under its container or air waybill number, normalised
    as the reports' references are (partners.shipments) and indexed for matching."""

    manifest = models.ForeignKey(
        Manifest, verbose_name=_("manifest"), on_delete=models.PROTECT, related_name="lines"
    )
    row = models.PositiveIntegerField(_("row"))
    reference = models.CharField(_("container or air waybill number"), max_length=12)
    vessel_or_flight = SingleLineCharField(_("vessel or flight"), max_length=64, blank=True)
    voyage = SingleLineCharField(_("voyage"), max_length=20, blank=True)
    port_of_loading = models.CharField(
        _("port of loading"), max_length=5, blank=True, validators=[validate_un_locode]
    )
    port_of_discharge = models.CharField(
        _("port of discharge"), max_length=5, blank=True, validators=[validate_un_locode]
    )
    declared_goods = models.TextField(_("declared goods"))
    consignee = SingleLineCharField(_("consignee"), max_length=200, blank=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("manifest line")
        verbose_name_plural = _("manifest lines")
        ordering = ["manifest", "row"]
        constraints = [
            models.UniqueConstraint(fields=["manifest", "row"], name="manifest_line_row_once")
        ]
        indexes = [models.Index(fields=["reference"], name="manifest_line_reference_idx")]

    def __str__(self):
        return f"{self.manifest}: {self.reference}"


class ManifestMatch(models.Model):
    """A report's reference found on a manifest line, whichever came first."""

    report = models.ForeignKey(
        PartnerReport,
        verbose_name=_("report"),
        on_delete=models.PROTECT,
        related_name="manifest_matches",
    )
    line = models.ForeignKey(
        ManifestLine, verbose_name=_("manifest line"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("reference"), max_length=12)
    matched_at = models.DateTimeField(_("matched at"), auto_now_add=True)

    objects = StaffOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("manifest match")
        verbose_name_plural = _("manifest matches")
        ordering = ["report", "line"]
        constraints = [
            models.UniqueConstraint(fields=["report", "line"], name="manifest_match_once")
        ]

    def __str__(self):
        return f"{self.report}: {self.reference}"
