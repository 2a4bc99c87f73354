"""What each user may see of the award cycles, and the database computation of the scores."""

from django.apps import apps
from django.db import models
from django.db.models import (
    Case,
    Count,
    DecimalField,
    Max,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from awards.statuses import (
    FROZEN_CYCLE_STATUSES,
    AssignmentState,
    CertificateStatus,
    CycleStatus,
    Declaration,
    NominationStatus,
    ReviewStatus,
)
from partners.querysets import verified_in_window
from portal.clock import today
from portal.roles import Role, has_role, user_roles

SCORE = DecimalField(max_digits=12, decimal_places=4)


def _is_secretariat(user) -> bool:
    return has_role(user, Role.SECRETARIAT)


def _is_panel_member(user) -> bool:
    # Exact group, not has_role: a superuser is not a panel member with assignments.
    return user.is_authenticated and Role.PANEL in user_roles(user)


class CycleQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CycleQuerySet":
        """The secretariat sees every cycle; a panel member the cycles they are assigned in;
        a partner only published cycles their enterprise was nominated in."""
        if _is_secretariat(user):
            return self.all()
        if _is_panel_member(user):
            # Exists, not a join with DISTINCT: a member has thousands of assignments.
            assignment = apps.get_model("awards", "Assignment")
            return self.filter(
                models.Exists(
                    assignment.objects.filter(member=user, nomination__cycle=OuterRef("pk"))
                )
            )
        if has_role(user, Role.PARTNER):
            return self.filter(
                status=CycleStatus.PUBLISHED,
                nominations__enterprise__memberships__user=user,
                nominations__enterprise__memberships__is_active=True,
            ).distinct()
        return self.none()

    def current(self):
        """The cycle whose window is "now" for the dashboards: the latest-year cycle not yet
        published, else the latest one; None without any cycle."""
        published_last = Case(When(status=CycleStatus.PUBLISHED, then=1), default=0)
        return self.order_by(published_last, "-year").first()

    def next_year(self) -> int:
        """The year a new cycle is for: the one after the latest, or this year for the first."""
        latest = self.aggregate(year=Max("year"))["year"]
        return latest + 1 if latest else today().year

    def editable(self) -> "CycleQuerySet":
        return self.exclude(status__in=FROZEN_CYCLE_STATUSES)

    def with_nomination_count(self) -> "CycleQuerySet":
        """`nominations_count`: the cycle's active nominations. A subquery, not Count(), so
        that the joins of visible_to() cannot multiply or narrow it."""
        from awards.models import Nomination

        active = (
            Nomination.objects.filter(cycle=OuterRef("pk"), status=NominationStatus.ACTIVE)
            .order_by()  # the default order joins the enterprise for nothing
            .values("cycle")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return self.annotate(
            nominations_count=Coalesce(Subquery(active, output_field=models.IntegerField()), 0)
        )


class NominationQuerySet(models.QuerySet):
    def visible_to(self, user) -> "NominationQuerySet":
        if _is_secretariat(user):
            return self.all()
        if _is_panel_member(user):
            return self.filter(assignments__member=user)
        if has_role(user, Role.PARTNER):
            return self.filter(
                cycle__status=CycleStatus.PUBLISHED,
                enterprise__memberships__user=user,
                enterprise__memberships__is_active=True,
            )
        return self.none()

    def active(self) -> "NominationQuerySet":
        return self.filter(status=NominationStatus.ACTIVE)

    def bulk_create(self, objs, *args, **kwargs):
        # The kept sort name, as Nomination.save sets it (the enterprise given as an object).
        objs = list(objs)
        for nomination in objs:
            if not nomination.sort_name:
                nomination.sort_name = nomination.enterprise.name_en
        return super().bulk_create(objs, *args, **kwargs)

    def scores_visible_to(self, user) -> "NominationQuerySet":
        """The nominations whose scores and rank the user may see: the secretariat every one;
        a panel member those they reviewed themselves, submitted and not recused (other
        members' scores only after their own). Partners see their own results through
        awards.selectors.standing, never through this."""
        if _is_secretariat(user):
            return self.all()
        if _is_panel_member(user):
            from awards.models import Review

            own = Review.objects.counted().filter(assignment__member=user)
            return self.filter(pk__in=own.values("assignment__nomination"))
        return self.none()


def expected_assignment(assignment: str = "") -> Q:
    """The assignments (reached through the `assignment` path prefix) expected to bring a
    review: of an active nomination, the member not recused."""
    return Q(**{f"{assignment}nomination__status": NominationStatus.ACTIVE}) & ~Q(
        **{f"{assignment}declaration": Declaration.CONFLICT}
    )


def counted_review(review: str = "") -> Q:
    """The reviews (reached through the `review` path prefix) that make the panel score:
    submitted, by a member not recused."""
    return Q(**{f"{review}status": ReviewStatus.SUBMITTED}) & ~Q(
        **{f"{review}assignment__declaration": Declaration.CONFLICT}
    )


def in_window(cycle, events: str) -> Q:
    """The events (reached through the `events` path prefix) that count for `cycle`: verified,
    occurred inside its window."""
    return verified_in_window(cycle.window_start, cycle.window_end, events)


class AssignmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AssignmentQuerySet":
        if _is_secretariat(user):
            return self.all()
        if _is_panel_member(user):
            return self.filter(member=user)
        return self.none()

    def expected(self) -> "AssignmentQuerySet":
        """The assignments expected to bring a review: of an active nomination, the member not
        recused."""
        return self.filter(expected_assignment())

    def with_fresh_state(self) -> "AssignmentQuerySet":
        """`fresh_state`: the state computed from the declaration and the review, as
        Assignment.state_of does; what the kept `state` must equal (manage.py rebuild_derived
        writes it back)."""
        return self.annotate(
            fresh_state=Case(
                When(declaration=Declaration.PENDING, then=Value(AssignmentState.DECLARE)),
                When(declaration=Declaration.CONFLICT, then=Value(AssignmentState.RECUSED)),
                When(
                    review__status=ReviewStatus.SUBMITTED,
                    then=Value(AssignmentState.SUBMITTED),
                ),
                default=Value(AssignmentState.REVIEW),
                output_field=models.CharField(),
            )
        )


class ReviewQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ReviewQuerySet":
        """The secretariat sees every review. A panel member sees their own, and other members'
        reviews of a nominee only once their own review of it is submitted (and they are not
        recused from it)."""
        if _is_secretariat(user):
            return self.all()
        if _is_panel_member(user):
            done = self.model.objects.counted().filter(assignment__member=user)
            return self.filter(
                Q(assignment__member=user)
                | Q(
                    status=ReviewStatus.SUBMITTED,
                    assignment__nomination__in=done.values("assignment__nomination"),
                )
            )
        return self.none()

    def counted(self) -> "ReviewQuerySet":
        """The reviews that make the panel score: submitted, by members not recused."""
        return self.filter(counted_review())


class CertificateQuerySet(models.QuerySet):
    def visible_to(self, user) -> "CertificateQuerySet":
        """The secretariat sees every certificate, revoked ones included; a partner only the
        issued certificates of its own enterprise, once the cycle is published. The public
        verification page needs no user: it looks a certificate up by its secret code."""
        if _is_secretariat(user):
            return self.all()
        if has_role(user, Role.PARTNER):
            return self.filter(
                status=CertificateStatus.ISSUED,
                result__nomination__cycle__status=CycleStatus.PUBLISHED,
                result__nomination__enterprise__memberships__user=user,
                result__nomination__enterprise__memberships__is_active=True,
            )
        return self.none()
