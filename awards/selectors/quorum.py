"""Nominees that cannot reach the quorum, for the warning at the top of a cycle's pages.

A nominee below the quorum is pending: it is not ranked and cannot be awarded. When even every
active member of the Panel group (alternates included) could not give it enough reviews, because
too many declared a conflict with it, it would stay so: the secretariat must add an alternate or
a member, or lower the quorum.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Func, IntegerField, Q, Subquery
from django.db.models.functions import Coalesce

from awards.models import Assignment, Cycle, Nomination
from portal.roles import Role

Declaration = Assignment.Declaration


@dataclass(frozen=True)
class QuorumShortfall:
    nomination: Nomination  # with its enterprise
    reachable: int  # members without a declared conflict it could have at best

    @property
    def enterprise(self):
        return self.nomination.enterprise


@dataclass(frozen=True)
class QuorumAlert:
    cycle: Cycle
    nominees: list[QuorumShortfall]  # by English name

    @property
    def best_quorum(self) -> int:
        """The highest quorum every nominee of the alert could reach (0: none would do)."""
        return min(s.reachable for s in self.nominees)

    def __bool__(self) -> bool:
        return bool(self.nominees)


def quorum_alert(cycle: Cycle) -> QuorumAlert:
    """The active nominees of an open cycle that cannot reach its quorum: those assigned
    without a conflict, plus every active Panel member not assigned to it, fall short. One
    query (the size of the Panel group a subquery), and one for the enterprises when some
    nominee falls short; none for a frozen or draft cycle."""
    if cycle.status not in Cycle.OPEN_STATUSES:
        return QuorumAlert(cycle, [])
    pool = get_user_model().objects.filter(groups__name=Role.PANEL, is_active=True)
    # COUNT(*) over the group as a scalar subquery: no GROUP BY, so one row even when empty.
    pool_size = Coalesce(
        Subquery(
            pool.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )
    # Without a declared conflict a nominee can reach every pool member: only those with one can
    # fall short (unless the pool itself is below the quorum), so the counting below reads a
    # few dozen nominees' assignments, not the whole cycle's.
    conflicted = Assignment.objects.filter(
        nomination__cycle=cycle, declaration=Declaration.CONFLICT
    ).values("nomination")
    rows = (
        Nomination.objects.filter(cycle=cycle)
        .active()
        .alias(pool_size=pool_size)
        .filter(Q(pk__in=conflicted) | Q(pool_size__lt=cycle.quorum))
        .annotate(
            counting=Count(
                "assignments",
                filter=Q(assignments__member__is_active=True)
                & ~Q(assignments__declaration=Declaration.CONFLICT),
            ),
            assigned_in_pool=Count(
                "assignments", filter=Q(assignments__member__in=pool.values("pk"))
            ),
        )
        .annotate(reachable=F("counting") + pool_size - F("assigned_in_pool"))
        .filter(reachable__lt=cycle.quorum)
        # The enterprises apart (none read when no nominee falls short), not joined into the
        # grouping: the join read the whole enterprises table for a few dozen rows. The order
        # by the nomination's kept copy of the English name, in the database's collation.
        .prefetch_related("enterprise")
        .order_by("sort_name", "pk")
    )
    return QuorumAlert(cycle, [QuorumShortfall(row, row.reachable) for row in rows])
