"""The panel's work: who reviews which nominee, their declarations and their reviews."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models.cycles import SCORE_MAX, SCORE_MIN, Cycle, PanelCriterion
from awards.models.nominations import Nomination
from awards.querysets import AssignmentQuerySet, ReviewQuerySet
from awards.statuses import Declaration, ReviewStatus


class PanelAlternate(models.Model):
    """A member of the Panel group held in reserve for one cycle: not assigned by "Assign the
    panel" like the others, but to a nominee whom conflicts would leave below the quorum (at
    assignment, or as soon as a member declares a conflict). Set by the secretariat."""

    cycle = models.ForeignKey(Cycle, on_delete=models.CASCADE, related_name="alternates")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("panel member"),
        on_delete=models.PROTECT,
        related_name="panel_alternates",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("panel alternate")
        verbose_name_plural = _("panel alternates")
        constraints = [
            models.UniqueConstraint(fields=["cycle", "member"], name="one_alternate_per_cycle"),
        ]

    def __str__(self):
        return f"{self.member} ({self.cycle.year})"


class Assignment(models.Model):
    """A panel member assigned to one nominee, with their conflict-of-interest declaration."""

    Declaration = Declaration

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
                condition=~Q(declaration=Declaration.CONFLICT) | ~Q(conflict_reason=""),
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
    Status = ReviewStatus

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
