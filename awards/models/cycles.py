"""Award cycles: their settings, the points and caps of each event type, the panel criteria."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from awards.querysets import (
    CycleQuerySet,
)
from awards.statuses import FROZEN_CYCLE_STATUSES, CycleStatus
from partners.models import CooperationEvent
from portal.clock import today
from portal.i18n import in_active_language
from portal.text import SingleLineCharField

EventType = CooperationEvent.EventType


Significance = CooperationEvent.Significance


DEFAULT_MULTIPLIERS = {"routine": Decimal(1), "notable": Decimal(2), "major": Decimal(3)}


SCORE_MIN, SCORE_MAX = 0, 10


class Cycle(models.Model):
    Status = CycleStatus

    # Forward, one step at a time; back from finalised only with a reason (cycle_reopen).
    NEXT_STATUS = {
        Status.DRAFT: Status.NOMINATIONS,
        Status.NOMINATIONS: Status.REVIEW,
        Status.REVIEW: Status.FINALISED,
        Status.FINALISED: Status.PUBLISHED,
    }
    FROZEN_STATUSES = FROZEN_CYCLE_STATUSES
    # While nominations are open or the panel reviews: partners see their standing band.
    OPEN_STATUSES = {Status.NOMINATIONS, Status.REVIEW}
    # The steps taken from the cycle's own page; finalising and publishing have their own.
    ADVANCES = {Status.DRAFT: Status.NOMINATIONS, Status.NOMINATIONS: Status.REVIEW}

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title_en = SingleLineCharField(_("title (English)"), max_length=200)
    title_zh = SingleLineCharField(_("title (Chinese)"), max_length=100)
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
    def publication_date(self) -> datetime.date | None:
        """The day the results were published, in Hong Kong."""
        return today(self.published_at) if self.published_at else None

    @property
    def certificate_date(self) -> datetime.date | None:
        """The date printed on the cycle's certificates: the ceremony's, which the secretariat
        sets, else the day the results were published; None before either."""
        return self.ceremony_date or self.publication_date

    @property
    def ceremony_before_publication(self) -> bool:
        """A ceremony date before the publication is a mistake (a date carried over from
        another cycle, say): certificates would be dated before their results."""
        published = self.publication_date
        return bool(self.ceremony_date and published and self.ceremony_date < published)

    def scoring_closed(self, now: datetime.datetime | None = None) -> bool:
        """Past the end of the scoring deadline's day, Hong Kong time (no deadline: never)."""
        return self.scoring_deadline is not None and today(now) > self.scoring_deadline

    def days_to_deadline(self, now: datetime.datetime | None = None) -> int | None:
        """0 on the deadline's day itself, negative once it has passed; None without one."""
        if self.scoring_deadline is None:
            return None
        return (self.scoring_deadline - today(now)).days

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
    name_en = SingleLineCharField(_("name (English)"), max_length=150)
    name_zh = SingleLineCharField(_("name (Chinese)"), max_length=80)
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
