"""The secretariat's view of the panel's work on a cycle: progress, disagreement, the export.

Reads only, in a fixed number of queries whatever the number of nominees and members.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from awards import scoring
from awards.models import Assignment, Cycle, Nomination, Review, ReviewScore
from awards.selectors.scores import ScoredNomination, kept_scores
from portal.auth import person_name

# A nominee's member scores (M_r, 0–100) disagree when they are at least this far apart...
DISAGREEMENT_RANGE = Decimal(30)  # 3 points on every criterion's 0–10 scale
# ...or spread this much around their mean (population standard deviation).
DISAGREEMENT_SD = Decimal(15)

Declaration = Assignment.Declaration


@dataclass(frozen=True)
class Disagreement:
    sd: Decimal | None  # population standard deviation of the member scores, rounded
    range: Decimal | None  # highest minus lowest member score, rounded
    flagged: bool

    @classmethod
    def of(cls, member_scores: Sequence[Decimal]) -> "Disagreement":
        """Of the counted members' scores; with fewer than two there is nothing to compare."""
        if len(member_scores) < 2:
            return cls(None, None, False)
        mean = sum(member_scores, Decimal(0)) / len(member_scores)
        variance = sum(((s - mean) ** 2 for s in member_scores), Decimal(0)) / len(member_scores)
        sd, spread = variance.sqrt(), max(member_scores) - min(member_scores)
        flagged = spread >= DISAGREEMENT_RANGE or sd >= DISAGREEMENT_SD
        return cls(scoring.round2(sd), scoring.round2(spread), flagged)


@dataclass
class NomineeProgress:
    scored: ScoredNomination
    submitted: int = 0  # counted reviews: submitted by members not recused
    expected: int = 0  # assignments without a declared conflict
    recused: int = 0
    member_scores: list[Decimal] = field(default_factory=list)
    behind: list = field(default_factory=list)  # members expected who have not submitted

    @property
    def nomination(self) -> Nomination:
        return self.scored.nomination

    @property
    def quorum_reached(self) -> bool:
        return self.submitted >= self.nomination.cycle.quorum

    @property
    def disagreement(self) -> Disagreement:
        return Disagreement.of(self.member_scores)


@dataclass
class MemberProgress:
    member: object
    assigned: int = 0  # without a declared conflict
    recused: int = 0
    undeclared: int = 0
    drafts: int = 0
    submitted: int = 0

    @property
    def remaining(self) -> int:
        return self.assigned - self.submitted


@dataclass(frozen=True)
class CycleProgress:
    cycle: Cycle
    nominees: list[NomineeProgress]
    members: list[MemberProgress]  # most remaining first
    days_left: int | None

    @property
    def members_behind(self) -> list[MemberProgress]:
        return [m for m in self.members if m.remaining]


def rounded_member_score(scores: dict[int, int], weights: dict[int, Decimal]) -> Decimal | None:
    """M_r rounded for display, once every criterion is scored (a draft may not be)."""
    if not set(weights) <= set(scores):
        return None
    return scoring.round2(scoring.member_score(scores, weights))


def _weights(cycle: Cycle) -> dict[int, Decimal]:
    return {criterion.pk: criterion.weight for criterion in cycle.criteria.all()}


def cycle_progress(cycle: Cycle) -> CycleProgress:
    """Reviews submitted and expected per nominee and per member, and how far the counted
    member scores of each nominee lie apart. Six queries."""
    scored = kept_scores(cycle, Nomination.objects.filter(cycle=cycle).active())
    nominees = {s.nomination.pk: NomineeProgress(s) for s in scored}
    for progress in nominees.values():
        progress.nomination.cycle = cycle  # quorum_reached without a query per row
    weights = _weights(cycle)
    scores = defaultdict(dict)
    for review_id, criterion_id, score in ReviewScore.objects.filter(
        review__in=Review.objects.counted().filter(assignment__nomination__in=list(nominees))
    ).values_list("review_id", "criterion_id", "score"):
        scores[review_id][criterion_id] = score
    members = {}
    assignments = (
        Assignment.objects.filter(nomination__in=list(nominees))
        .select_related("member", "review")
        .order_by("member__last_name", "member__first_name", "member__username")
    )
    for assignment in assignments:
        nominee = nominees[assignment.nomination_id]
        member = members.setdefault(assignment.member_id, MemberProgress(assignment.member))
        review = getattr(assignment, "review", None)
        submitted = review is not None and review.status == Review.Status.SUBMITTED
        if assignment.declaration == Declaration.CONFLICT:
            nominee.recused += 1
            member.recused += 1
            continue
        nominee.expected += 1
        member.assigned += 1
        member.undeclared += assignment.declaration == Declaration.PENDING
        if submitted:
            nominee.submitted += 1
            member.submitted += 1
            nominee.member_scores.append(scoring.member_score(scores[review.pk], weights))
        else:
            nominee.behind.append(assignment.member)
            member.drafts += review is not None
    return CycleProgress(
        cycle=cycle,
        nominees=sorted(nominees.values(), key=lambda p: p.nomination.enterprise.name_en),
        members=sorted(members.values(), key=lambda m: -m.remaining),
        days_left=cycle.days_to_deadline(),
    )


def review_export_columns(cycle: Cycle) -> list[str]:
    """The headings of the download, in the language of the person who asked; the cells keep
    codes and plain numbers."""
    criteria = [criterion.name for criterion in cycle.criteria.all()]
    return [
        _("Panel member"),
        _("BR number"),
        _("Enterprise (English)"),
        *criteria,
        _("Member score"),
        _("Comment"),
        _("Status"),
        _("Declaration"),
        _("Submitted at"),
    ]


def review_export_rows(cycle: Cycle):
    """Every review of the cycle, drafts and recused members' included (the declaration column
    says which count): one score column per criterion in the cycle's order, the member score
    M_r once every criterion is scored. Read as the export writes them, in chunks of 500
    reviews: three queries up to 500 reviews, two more for each further 500."""
    criteria = list(cycle.criteria.all())
    weights = {criterion.pk: criterion.weight for criterion in criteria}
    reviews = (
        Review.objects.filter(assignment__nomination__cycle=cycle)
        .select_related("assignment__member", "assignment__nomination__enterprise")
        .prefetch_related("scores")
        .order_by("assignment__nomination__enterprise__name_en", "assignment__member__username")
    )
    for review in reviews.iterator(chunk_size=500):
        assignment = review.assignment
        enterprise = assignment.nomination.enterprise
        scores = {score.criterion_id: score.score for score in review.scores.all()}
        yield [
            person_name(assignment.member),
            enterprise.br_number,
            enterprise.name_en,
            *[scores.get(criterion.pk) for criterion in criteria],
            rounded_member_score(scores, weights),
            review.comment,
            review.status,
            assignment.declaration,
            timezone.localtime(review.submitted_at).strftime("%Y-%m-%d %H:%M")
            if review.submitted_at
            else "",
        ]
