"""The panel's work: who reviews which nominee, their declarations and their reviews."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from awards.models.cycles import SCORE_MAX, SCORE_MIN, Cycle, PanelCriterion
from awards.models.nominations import Nomination
from awards.querysets import AssignmentQuerySet, ReviewQuerySet
from awards.statuses import AssignmentState, Declaration, ReviewStatus


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
    State = AssignmentState

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
    # Kept from the declaration (save) and the review's status (Review.save), so that the panel
    # home sorts and counts a member's nominees without reading their reviews;
    # manage.py rebuild_derived recomputes it (AssignmentQuerySet.with_fresh_state).
    state = models.CharField(
        _("state"),
        max_length=10,
        choices=AssignmentState.choices,
        default=AssignmentState.DECLARE,
        editable=False,
    )

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
        indexes = [
            # A member's nominees by state (the panel home).
            models.Index(fields=["member", "state"], name="assignment_member_state"),
            # The declared conflicts of a cycle (the quorum alert on every cycle page): a few
            # dozen among thousands of assignments.
            models.Index(
                fields=["nomination"],
                condition=Q(declaration=Declaration.CONFLICT),
                name="assignment_conflicts",
            ),
        ]

    def __str__(self):
        return f"{self.member} → {self.nomination}"

    def save(self, *args, **kwargs):
        # The state follows the declaration and, once no conflict is declared, the review as
        # stored (not as this instance last saw it: it may have been submitted since).
        review_status = None
        if self.declaration == Declaration.NO_CONFLICT and not self._state.adding:
            review_status = (
                Review.objects.filter(assignment_id=self.pk)
                .values_list("status", flat=True)
                .first()
            )
        self.state = self.state_of(self.declaration, review_status)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "declaration" in update_fields:
            kwargs["update_fields"] = {*update_fields, "state"}
        super().save(*args, **kwargs)

    @staticmethod
    def state_of(declaration: str, review_status: str | None) -> str:
        """The member's part on the nominee, from their declaration and their review's status
        (None without a review)."""
        if declaration == Declaration.PENDING:
            return AssignmentState.DECLARE
        if declaration == Declaration.CONFLICT:
            return AssignmentState.RECUSED
        if review_status == ReviewStatus.SUBMITTED:
            return AssignmentState.SUBMITTED
        return AssignmentState.REVIEW

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

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The assignment's kept state (Assignment.state) moves with the review, unless the
        # member is recused or has not declared.
        state = Assignment.state_of(Declaration.NO_CONFLICT, self.status)
        declared_free = Q(pk=self.assignment_id, declaration=Declaration.NO_CONFLICT)
        Assignment.objects.filter(declared_free).exclude(state=state).update(state=state)
        cached = Review.assignment.is_cached(self)
        if cached and self.assignment.declaration == Declaration.NO_CONFLICT:
            self.assignment.state = state


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
