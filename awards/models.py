"""Award cycles: settings and criteria, nominations, panel review, and the frozen results."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.querysets import (
    AssignmentQuerySet,
    CertificateQuerySet,
    CycleQuerySet,
    NominationQuerySet,
    ReviewQuerySet,
)
from partners.models import CooperationEvent, Enterprise
from portal.i18n import in_active_language

EventType = CooperationEvent.EventType
Significance = CooperationEvent.Significance

DEFAULT_MULTIPLIERS = {"routine": Decimal(1), "notable": Decimal(2), "major": Decimal(3)}
SCORE_MIN, SCORE_MAX = 0, 10


class Cycle(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NOMINATIONS = "nominations", _("Nominations")
        REVIEW = "review", _("Panel review")
        FINALISED = "finalised", _("Finalised")
        PUBLISHED = "published", _("Published")

    # Forward, one step at a time; back from finalised only with a reason (cycle_reopen).
    NEXT_STATUS = {
        Status.DRAFT: Status.NOMINATIONS,
        Status.NOMINATIONS: Status.REVIEW,
        Status.REVIEW: Status.FINALISED,
        Status.FINALISED: Status.PUBLISHED,
    }
    FROZEN_STATUSES = {Status.FINALISED, Status.PUBLISHED}

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title_en = models.CharField(_("title (English)"), max_length=200)
    title_zh = models.CharField(_("title (Chinese)"), max_length=100)
    window_start = models.DateField(_("assessment window from"))
    window_end = models.DateField(_("assessment window to"))
    nomination_deadline = models.DateField(_("nomination deadline"), null=True, blank=True)
    scoring_deadline = models.DateField(_("scoring deadline"), null=True, blank=True)
    quorum = models.PositiveSmallIntegerField(
        _("quorum of reviews"), default=3, validators=[MinValueValidator(1)]
    )
    cooperation_weight = models.DecimalField(
        _("cooperation weight (α)"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.60"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of the final score from cooperation; the rest is the panel's."),
    )
    awards_planned = models.PositiveSmallIntegerField(_("awards planned"), default=10)
    multiplier_routine = models.DecimalField(
        _("routine multiplier"), max_digits=4, decimal_places=2, default=Decimal("1")
    )
    multiplier_notable = models.DecimalField(
        _("notable multiplier"), max_digits=4, decimal_places=2, default=Decimal("2")
    )
    multiplier_major = models.DecimalField(
        _("major multiplier"), max_digits=4, decimal_places=2, default=Decimal("3")
    )
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.DRAFT
    )
    ceremony_date = models.DateField(_("date of the ceremony"), null=True, blank=True)
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    finalised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("finalised by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("publication approved by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CycleQuerySet.as_manager()

    class Meta:
        verbose_name = _("award cycle")
        verbose_name_plural = _("award cycles")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(window_start__lte=F("window_end")), name="cycle_window_in_order"
            ),
            models.CheckConstraint(
                condition=Q(cooperation_weight__gte=0, cooperation_weight__lte=1),
                name="cycle_cooperation_weight_0_1",
            ),
            models.CheckConstraint(
                condition=Q(
                    multiplier_routine__gt=0, multiplier_notable__gt=0, multiplier_major__gt=0
                ),
                name="cycle_multipliers_positive",
            ),
            # Publishing needs a second secretariat user (four eyes).
            models.CheckConstraint(
                condition=Q(published_by__isnull=True) | ~Q(published_by=F("finalised_by")),
                name="cycle_published_by_another_user",
            ),
        ]

    def __str__(self):
        return self.title_en

    def get_absolute_url(self):
        return reverse("awards:cycle-detail", args=[self.year])

    @property
    def title(self) -> str:
        """The title in the reader's language."""
        return in_active_language(self.title_en, self.title_zh)

    def clean(self):
        # Runs after the field validators, so any value here may be missing or invalid.
        errors = {}
        start, end = self.window_start, self.window_end
        nominate, score = self.nomination_deadline, self.scoring_deadline
        if start and end and start > end:
            errors["window_end"] = _("The assessment window cannot end before it starts.")
        if nominate and start and nominate < start:
            errors["nomination_deadline"] = _(
                "Nominations cannot close before the assessment window opens."
            )
        if score and nominate and score < nominate:
            errors["scoring_deadline"] = _("Scoring cannot close before nominations do.")
        elif score and end and score < end:
            errors["scoring_deadline"] = _(
                "Scoring cannot close before the assessment window does: the panel scores "
                "the whole record."
            )
        for name in ("multiplier_routine", "multiplier_notable", "multiplier_major"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                errors[name] = _("A multiplier must be greater than 0.")
        if self.awards_planned is not None and self.awards_planned < 1:
            errors["awards_planned"] = _("Plan at least one award.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN_STATUSES

    @property
    def multipliers(self) -> dict[str, Decimal]:
        return {
            Significance.ROUTINE: self.multiplier_routine,
            Significance.NOTABLE: self.multiplier_notable,
            Significance.MAJOR: self.multiplier_major,
        }


class EventTypeRule(models.Model):
    """Points per verified event of one type in a cycle, and the cap on that category."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="event_rules")
    event_type = models.CharField(_("event type"), max_length=30, choices=EventType.choices)
    points = models.DecimalField(_("points per event"), max_digits=6, decimal_places=2)
    cap = models.DecimalField(_("cap"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("event type rule")
        verbose_name_plural = _("event type rules")
        ordering = ["cycle", "event_type"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "event_type"], name="one_rule_per_type"),
            models.CheckConstraint(condition=Q(points__gt=0), name="rule_points_positive"),
            models.CheckConstraint(condition=Q(cap__gt=0), name="rule_cap_positive"),
        ]

    def __str__(self):
        return f"{self.get_event_type_display()}: {self.points} / {self.cap}"


class PanelCriterion(models.Model):
    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="criteria")
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=2)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("panel criterion")
        verbose_name_plural = _("panel criteria")
        ordering = ["cycle", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gt=0), name="criterion_weight_positive"),
        ]

    def __str__(self):
        return self.name_en

    @property
    def description(self) -> str:
        """The description in the reader's language."""
        return in_active_language(self.description_en, self.description_zh)

    @property
    def name(self) -> str:
        """The name in the reader's language."""
        return in_active_language(self.name_en, self.name_zh)


class Nomination(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Nominated")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    cycle = models.ForeignKey(Cycle, on_delete=models.PROTECT, related_name="nominations")
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="nominations")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    nominated_at = models.DateTimeField(_("nominated at"), auto_now_add=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    # The secretariat's decision before finalisation; None while undecided.
    awarded = models.BooleanField(_("awarded"), null=True, blank=True)
    decision_rationale = models.TextField(
        _("rationale"),
        blank=True,
        help_text=_("Required when the decision departs from the ranking."),
    )

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["cycle", "enterprise__name_en"]
        constraints = [
            models.UniqueConstraint(
                fields=["cycle", "enterprise"], name="one_nomination_per_cycle"
            ),
        ]

    def __str__(self):
        return f"{self.enterprise.name_en} – {self.cycle.year}"

    def get_absolute_url(self):
        return reverse("awards:dossier", args=[self.cycle.year, self.pk])


class Assignment(models.Model):
    """A panel member assigned to one nominee, with their conflict-of-interest declaration."""

    class Declaration(models.TextChoices):
        PENDING = "pending", _("Not declared yet")
        NO_CONFLICT = "no_conflict", _("No conflict")
        CONFLICT = "conflict", _("Conflict of interest")

    nomination = models.ForeignKey(Nomination, on_delete=models.PROTECT, related_name="assignments")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("panel member"),
        on_delete=models.PROTECT,
        related_name="panel_assignments",
    )
    declaration = models.CharField(
        _("declaration"),
        max_length=12,
        choices=Declaration.choices,
        default=Declaration.PENDING,
    )
    conflict_reason = models.TextField(_("nature of the conflict"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("panel assignment")
        verbose_name_plural = _("panel assignments")
        constraints = [
            models.UniqueConstraint(fields=["nomination", "member"], name="one_assignment"),
            models.CheckConstraint(
                condition=~Q(declaration="conflict") | ~Q(conflict_reason=""),
                name="conflict_has_a_reason",
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.nomination}"

    @property
    def is_recused(self) -> bool:
        return self.declaration == self.Declaration.CONFLICT

    @property
    def may_see_dossier(self) -> bool:
        return self.declaration == self.Declaration.NO_CONFLICT


class Review(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    # One review per member and nominee: the assignment is that pair.
    assignment = models.OneToOneField(Assignment, on_delete=models.PROTECT, related_name="review")
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    comment = models.TextField(_("comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self):
        return str(self.assignment)


class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(PanelCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )

    class Meta:
        verbose_name = _("criterion score")
        verbose_name_plural = _("criterion scores")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="one_score_per_criterion"),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="score_0_to_10"
            ),
        ]

    def __str__(self):
        return f"{self.criterion}: {self.score}"


class NominationResult(models.Model):
    """The frozen outcome of one nomination, written once when its cycle is finalised.
    Later changes to events or reviews never touch it."""

    nomination = models.OneToOneField(Nomination, on_delete=models.PROTECT, related_name="result")
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)  # None: pending
    category_points = models.JSONField(_("category points"), default=dict)  # {type: "12.00"}
    verified_events = models.PositiveIntegerField(_("verified events"))
    cooperation_score = models.DecimalField(_("cooperation score"), max_digits=5, decimal_places=2)
    panel_score = models.DecimalField(
        _("panel score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    reviews = models.PositiveSmallIntegerField(_("reviews"))
    final_score = models.DecimalField(
        _("final score"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    awarded = models.BooleanField(_("awarded"))
    rationale = models.TextField(_("rationale"), blank=True)
    streak = models.PositiveSmallIntegerField(_("streak"), default=0)

    class Meta:
        verbose_name = _("frozen result")
        verbose_name_plural = _("frozen results")
        ordering = ["rank"]

    def __str__(self):
        return f"{self.nomination}: {self.final_score}"


def certificate_upload_to(instance, filename):
    return f"certificates/{instance.cycle_year}/{instance.serial}.pdf"


class Certificate(models.Model):
    """The certificate of one award. A reissue revokes the old serial and issues a new one;
    at most one issued certificate per award, enforced by the database."""

    class Status(models.TextChoices):
        # Serial and code reserved, PDF being rendered: invisible outside the certificates page.
        PENDING = "pending", _("Being generated")
        ISSUED = "issued", _("Issued")
        REVOKED = "revoked", _("Revoked")

    result = models.ForeignKey(
        NominationResult,
        verbose_name=_("award"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    serial = models.CharField(_("serial number"), max_length=20, unique=True)  # EEPA-2024-0001
    # 128+ bits of randomness (secrets.token_urlsafe(24) gives 192), unguessable and unlisted.
    verification_code = models.CharField(_("verification code"), max_length=64, unique=True)
    # The names as printed, kept so that the verification page matches the paper even after
    # the enterprise's names are corrected.
    name_en = models.CharField(_("name (English) as printed"), max_length=200)
    name_zh = models.CharField(_("name (Chinese) as printed"), max_length=100)
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
                condition=Q(status__in=["pending", "issued"]),
                name="one_current_certificate_per_award",
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | ~Q(revocation_reason=""),
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
    representative_name = models.CharField(_("representative's name"), max_length=120, blank=True)
    representative_title = models.CharField(_("representative's title"), max_length=120, blank=True)
    pronunciation_note = models.CharField(
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
