"""The panel member's home: per cycle, their nominees and where they stand, and once a cycle is
finalised how the whole panel scored each criterion.

Only the member's own cycles (Cycle.objects.visible_to, narrowed to those they are assigned in,
so a superuser holding the Panel role sees only their own too) and only counts of scores: no
other member's name or review is ever read.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from awards.models import (
    SCORE_MAX,
    SCORE_MIN,
    Assignment,
    Cycle,
    Nomination,
    PanelCriterion,
    ReviewScore,
)
from awards.querysets import counted_review
from awards.scoring import round2

Declaration = Assignment.Declaration
SCORES = range(SCORE_MIN, SCORE_MAX + 1)


@dataclass(frozen=True)
class CriterionDistribution:
    """How many counted reviews gave each score 0–10 on one criterion, and how many of those
    were the member's own."""

    criterion: PanelCriterion
    counts: list[int]  # one per score in SCORES
    own: list[int]  # the member's own counted reviews, one per score

    @property
    def reviews(self) -> int:
        return sum(self.counts)

    @property
    def mean(self) -> Decimal | None:
        if not self.reviews:
            return None
        total = sum(score * n for score, n in zip(SCORES, self.counts, strict=True))
        return round2(Decimal(total) / self.reviews)

    @property
    def median(self) -> Decimal | None:
        """The middle score (the mean of the two middle ones for an even number of reviews)."""
        if not self.reviews:
            return None
        ordered = [score for score, n in zip(SCORES, self.counts, strict=True) for _ in range(n)]
        middle = len(ordered) // 2
        if len(ordered) % 2:
            return Decimal(ordered[middle])
        return (Decimal(ordered[middle - 1]) + Decimal(ordered[middle])) / 2

    @property
    def table_rows(self) -> list[tuple[int, int, int]]:
        """(score, counted reviews, of which the member's own) for the table."""
        return list(zip(SCORES, self.counts, self.own, strict=True))

    @property
    def chart_id(self) -> str:
        return f"distribution-data-{self.criterion.pk}"

    @property
    def chart(self) -> dict:
        return {
            "labels": [str(score) for score in SCORES],
            "datasets": [
                {"label": _("Counted reviews"), "data": self.counts},
                {"label": _("Your scores"), "data": self.own},
            ],
        }


@dataclass(frozen=True)
class PanelCycle:
    cycle: Cycle
    assignments: list[Assignment]  # with their nominee, enterprise and review
    days_left: int | None  # to the scoring deadline; None without one
    scoring_closed: bool
    distributions: list[CriterionDistribution]  # only once the cycle is finalised

    def _count(self, state: str) -> int:
        return sum(1 for assignment in self.assignments if assignment_state(assignment) == state)

    @property
    def to_declare(self) -> int:
        return self._count("declare")

    @property
    def to_review(self) -> int:
        return self._count("review")

    @property
    def submitted(self) -> int:
        return self._count("submitted")


def assignment_state(assignment: Assignment) -> str:
    """ "declare", "recused", "submitted" or "review" (declared free, review not submitted)."""
    if assignment.declaration == Declaration.PENDING:
        return "declare"
    if assignment.declaration == Declaration.CONFLICT:
        return "recused"
    review = getattr(assignment, "review", None)
    if review is not None and review.status == review.Status.SUBMITTED:
        return "submitted"
    return "review"


def score_distributions(user, cycles: list[Cycle]) -> dict[int, list[CriterionDistribution]]:
    """Cycle pk → a distribution per criterion, for the finalised (or published) `cycles`. Two
    queries whatever the number of cycles and reviews: the criteria, and one grouped count of
    the counted reviews' scores (submitted, not recused) per criterion and score."""
    frozen = [cycle.pk for cycle in cycles if cycle.is_frozen]
    if not frozen:
        return {}
    grouped = (
        ReviewScore.objects.filter(counted_review("review__"), criterion__cycle__in=frozen)
        .values("criterion", "score")
        .annotate(n=Count("pk"), own=Count("pk", filter=Q(review__assignment__member=user)))
        .order_by()
    )
    counts = {(row["criterion"], row["score"]): (row["n"], row["own"]) for row in grouped}
    distributions: dict[int, list[CriterionDistribution]] = {pk: [] for pk in frozen}
    for criterion in PanelCriterion.objects.filter(cycle__in=frozen):
        cells = [counts.get((criterion.pk, score), (0, 0)) for score in SCORES]
        distributions[criterion.cycle_id].append(
            CriterionDistribution(
                criterion=criterion,
                counts=[n for n, _own in cells],
                own=[own for _n, own in cells],
            )
        )
    return distributions


def panel_home(user, now: datetime.datetime | None = None) -> list[PanelCycle]:
    """The member's cycles, the latest first (drafts excluded: nothing to do there yet). Four
    queries whatever the number of cycles, assignments and reviews."""
    cycles = list(
        Cycle.objects.visible_to(user)
        .filter(nominations__assignments__member=user)
        .exclude(status=Cycle.Status.DRAFT)
        .distinct()
        .order_by("-year")
    )
    if not cycles:
        return []
    cycle_of = {cycle.pk: cycle for cycle in cycles}
    by_cycle: dict[int, list[Assignment]] = {cycle.pk: [] for cycle in cycles}
    for assignment in (
        Assignment.objects.visible_to(user)
        .filter(
            member=user,
            nomination__cycle__in=cycles,
            nomination__status=Nomination.Status.ACTIVE,
        )
        .select_related("nomination__enterprise", "review")
        .order_by("nomination__enterprise__name_en", "pk")
    ):
        assignment.nomination.cycle = cycle_of[assignment.nomination.cycle_id]  # no query per row
        by_cycle[assignment.nomination.cycle_id].append(assignment)
    distributions = score_distributions(user, cycles)
    return [
        PanelCycle(
            cycle=cycle,
            assignments=by_cycle[cycle.pk],
            days_left=cycle.days_to_deadline(now),
            # Scoring is over once the cycle is finalised, whatever the deadline said.
            scoring_closed=cycle.is_frozen or cycle.scoring_closed(now),
            distributions=distributions.get(cycle.pk, []),
        )
        for cycle in cycles
    ]
