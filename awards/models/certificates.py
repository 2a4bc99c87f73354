"""Certificates of the awards, the runs that generate them, and the ceremony list."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models.cycles import Cycle
from awards.models.nominations import NominationResult
from awards.querysets import (
    CertificateQuerySet,
)
from awards.statuses import CertificateStatus
from awards.verification_codes import grouped
from portal.i18n import in_active_language
from portal.text import SingleLineCharField


def certificate_upload_to(instance, filename):
    return f"certificates/{instance.cycle_year}/{instance.serial}.pdf"


class Certificate(models.Model):
    """The certificate of one award. A reissue revokes the old serial and issues a new one;
    at most one issued certificate per award, enforced by the database."""

    Status = CertificateStatus

    result = models.ForeignKey(
        NominationResult,
        verbose_name=_("award"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    serial = models.CharField(_("serial number"), max_length=20, unique=True)  # EEPA-2024-0001
    # 128+ bits of randomness, unguessable and unlisted: 28 symbols of Crockford's base32 (140
    # bits), or 32 characters of secrets.token_urlsafe(24) (192) on older certificates
    # (awards/verification_codes.py).
    verification_code = models.CharField(_("verification code"), max_length=64, unique=True)
    # The names as printed, kept so that the verification page matches the paper even after
    # the enterprise's names are corrected.
    name_en = SingleLineCharField(_("name (English) as printed"), max_length=200)
    name_zh = SingleLineCharField(_("name (Chinese) as printed"), max_length=100)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ISSUED
    )
    pdf = models.FileField(_("PDF"), upload_to=certificate_upload_to, max_length=200, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("revoked by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(_("reason for revocation"), blank=True)

    objects = CertificateQuerySet.as_manager()

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["serial"]
        constraints = [
            # One certificate per award being generated or valid; revoked ones may pile up.
            models.UniqueConstraint(
                fields=["result"],
                condition=Q(status__in=[CertificateStatus.PENDING, CertificateStatus.ISSUED]),
                name="one_current_certificate_per_award",
            ),
            models.CheckConstraint(
                condition=~Q(status=CertificateStatus.REVOKED) | ~Q(revocation_reason=""),
                name="revoked_certificate_has_a_reason",
            ),
        ]

    def __str__(self):
        return self.serial

    @property
    def name(self) -> str:
        """The enterprise's name as printed, in the reader's language."""
        return in_active_language(self.name_en, self.name_zh)

    @property
    def printed_code(self) -> str:
        """The verification code as printed on the certificate and shown: in groups of four."""
        return grouped(self.verification_code)

    @property
    def cycle_year(self) -> int:
        return int(self.serial.split("-")[1])


class CertificateRun(models.Model):
    """One press of "Generate certificates": a job per award still without a certificate,
    worked off by Celery tasks in batches. Its progress is read from its jobs."""

    cycle = models.ForeignKey(
        Cycle, verbose_name=_("cycle"), on_delete=models.PROTECT, related_name="certificate_runs"
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("started at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate generation")
        verbose_name_plural = _("certificate generations")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.cycle} {self.started_at:%Y-%m-%d %H:%M}"

    # Queued this long without news, a run is taken for lost (a broker restart, say): pressing
    # "Generate certificates" again queues its jobs again.
    STALLED_AFTER = datetime.timedelta(minutes=10)

    def is_stalled(self) -> bool:
        recent = timezone.now() - self.STALLED_AFTER
        queued = self.jobs.filter(status=CertificateJob.Status.QUEUED)
        return queued.exists() and not queued.filter(updated_at__gt=recent).exists()

    def progress(self) -> dict:
        """{"total", "done", "failed", "queued"} of the run's jobs, in one query."""
        Status = CertificateJob.Status
        counts = self.jobs.aggregate(
            total=models.Count("pk"),
            done=models.Count("pk", filter=Q(status=Status.DONE)),
            failed=models.Count("pk", filter=Q(status=Status.FAILED)),
        )
        counts["queued"] = counts["total"] - counts["done"] - counts["failed"]
        return counts


class CertificateJob(models.Model):
    """One award's certificate within a run: queued until its task issues it or gives up."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    run = models.ForeignKey(CertificateRun, on_delete=models.CASCADE, related_name="jobs")
    result = models.ForeignKey(
        NominationResult, verbose_name=_("award"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    error = models.TextField(_("error"), blank=True)
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("certificate job")
        verbose_name_plural = _("certificate jobs")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["run", "result"], name="one_job_per_award_and_run"),
        ]

    def __str__(self):
        return f"{self.run}: {self.result_id} {self.status}"


class CeremonyEntry(models.Model):
    """One awardee on the ceremony's running order, with who comes up to receive the award."""

    result = models.OneToOneField(
        NominationResult,
        verbose_name=_("award"),
        on_delete=models.PROTECT,
        related_name="ceremony_entry",
    )
    position = models.PositiveIntegerField(_("position"))  # 1 is presented first
    representative_name = SingleLineCharField(
        _("representative's name"), max_length=120, blank=True
    )
    representative_title = SingleLineCharField(
        _("representative's title"), max_length=120, blank=True
    )
    pronunciation_note = SingleLineCharField(
        _("pronunciation note"),
        max_length=200,
        blank=True,
        help_text=_("How to say the names, for the master of ceremonies."),
    )
    table_number = models.PositiveSmallIntegerField(_("table number"), null=True, blank=True)

    class Meta:
        verbose_name = _("ceremony list entry")
        verbose_name_plural = _("ceremony list entries")
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.position}. {self.result.nomination.enterprise}"
