"""The panel member's home: per cycle, their nominees and where they stand, and once a cycle is
finalised how the whole panel scored each criterion.

Only the member's own cycles (Cycle.objects.visible_to, narrowed to those they are assigned in,
so a superuser holding the Panel role sees only their own too) and only counts of scores: no
other member's name or review is ever read.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Page
from django.db.models import BooleanField, Case, Count, Q, Value, When
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
from awards.statuses import DONE_ASSIGNMENT_STATES, AssignmentState
from portal.shortcuts import COUNT_CAP, CappedPaginator

State = AssignmentState
SCORES = range(SCORE_MIN, SCORE_MAX + 1)
# Nominees of a page of the panel home: a member with thousands finds one by ?q= or the state.
NOMINEES_PAGE = 25


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
    counts: dict[str, int]  # assignments per state (Assignment.state), of active nominations
    days_left: int | None  # to the scoring deadline; None without one
    scoring_closed: bool
    distributions: list[CriterionDistribution]  # only once the cycle is finalised
    page: Page | None = None  # the member's nominees, for the cycle shown (one at a time)

    @property
    def assignments(self) -> list[Assignment]:
        """The shown page of the member's nominees (none for the cycles not shown)."""
        return list(self.page) if self.page is not None else []

    @property
    def nominees(self) -> int:
        return sum(self.counts.values())

    @property
    def to_declare(self) -> int:
        return self.counts["declare"]

    @property
    def to_review(self) -> int:
        return self.counts["review"]

    @property
    def submitted(self) -> int:
        return self.counts["submitted"]


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


def _own_assignments(user, cycles):
    return Assignment.objects.visible_to(user).filter(
        member=user, nomination__cycle__in=cycles, nomination__status=Nomination.Status.ACTIVE
    )


def state_counts(user) -> dict[int, dict[str, int]]:
    """Cycle pk → the member's assignments of active nominations per state (Assignment.state),
    for every cycle the member has an assignment in (even of withdrawn nominations only). One
    grouped query on the kept state, without reading a review."""
    rows = (
        Assignment.objects.visible_to(user)
        .filter(member=user)
        .values("nomination__cycle", "state")
        .annotate(n=Count("pk", filter=Q(nomination__status=Nomination.Status.ACTIVE)))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        cycle_counts = counts.setdefault(row["nomination__cycle"], dict.fromkeys(State.values, 0))
        cycle_counts[row["state"]] = row["n"]
    return counts


def nominee_rows(user, cycle: Cycle, search: str = "", state: str = ""):
    """The member's nominees in `cycle`, with their enterprise and review: what is left to do
    (to declare, to review) first, then the done ones, each part by name (a member with a
    hundred nominees finds their to-do on the first page, not after the alphabet). Those whose
    English or Chinese name holds `search` (or whose BR number it is), in `state` if given.
    Each row has `is_done`. The order reads the assignment's kept state and the nomination's
    kept name, not the reviews and the enterprises."""
    rows = _own_assignments(user, [cycle])
    if search:
        rows = rows.filter(
            Q(nomination__enterprise__name_en__icontains=search)
            | Q(nomination__enterprise__name_zh__icontains=search)
            | Q(nomination__enterprise__br_number=search.strip())
        )
    if state in State.values:
        rows = rows.filter(state=state)
    return (
        rows.select_related("nomination__enterprise", "review")
        .annotate(
            is_done=Case(
                When(state__in=DONE_ASSIGNMENT_STATES, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        # The nomination's kept copy of the English name: no join of the enterprises table.
        .order_by("is_done", "nomination__sort_name", "pk")
    )


def panel_home(
    user,
    now: datetime.datetime | None = None,
    *,
    year: int | None = None,
    search: str = "",
    state: str = "",
    page_number=None,
) -> list[PanelCycle]:
    """The member's cycles, the latest first (drafts excluded: nothing to do there yet), each
    with its counts, and one of them (`year`, else the latest) with a page of the member's
    nominees, searched and filtered, and its score distributions once finalised. A fixed
    number of queries whatever the number of cycles, assignments and reviews: the counts, the
    cycles, the page (the keys in order, the rows), and for a finalised shown cycle its score
    distributions (two)."""
    # The counts first: they name the cycles the member is assigned in (a superuser holding
    # the Panel role sees every cycle through visible_to, but only their own here).
    counts = state_counts(user)
    cycles = list(
        Cycle.objects.visible_to(user)
        .filter(pk__in=list(counts))
        .exclude(status=Cycle.Status.DRAFT)
        .order_by("-year")
    )
    if not cycles:
        return []
    shown = next((cycle for cycle in cycles if cycle.year == year), cycles[0])
    # The keys of the member's nominees in their order first (a narrow sort), then the page's
    # 25 rows by key with their nominee and review: not 2,000 whole rows sorted to show 25.
    # Without a search the counts above say how many there are: only the keys up to the end
    # of the page are read (a top-N sort), not all of them to count them.
    shown_counts = counts[shown.pk]
    known = None
    if not search:
        known = shown_counts[state] if state in State.values else sum(shown_counts.values())
    paginator = CappedPaginator(
        nominee_rows(user, shown, search, state),
        NOMINEES_PAGE,
        cap=COUNT_CAP,
        ahead=COUNT_CAP,
        count=known,
    )
    page = paginator.get_page(page_number)
    for assignment in page:
        assignment.nomination.cycle = shown  # no query per row
    # The score distribution of the shown cycle only (if finalised): the page costs the same
    # after ten finalised cycles as after one; the others are a link away (?cycle=).
    distributions = score_distributions(user, [shown])
    return [
        PanelCycle(
            cycle=cycle,
            counts=counts[cycle.pk],
            days_left=cycle.days_to_deadline(now),
            # Scoring is over once the cycle is finalised, whatever the deadline said.
            scoring_closed=cycle.is_frozen or cycle.scoring_closed(now),
            distributions=distributions.get(cycle.pk, []),
            page=page if cycle is shown else None,
        )
        for cycle in cycles
    ]
