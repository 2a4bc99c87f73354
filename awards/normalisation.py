"""Reviewer-normalised panel scores: pure Decimal statistics, no ORM.

Panel members use the 0–10 scale differently: one gives 9s readily, another rarely above 6.
The official panel score is the plain mean (docs/scoring.md); this view only helps the
secretariat see how much each member's own scale weighs on it.

- z-scores: each member's member scores M_r, over the nominees that member scored, become
  z = (M − mean_r) / sd_r, with the population standard deviation. A member who gave one nominee
  only, or the same score to everyone, has no spread: their z-scores are 0.
- Per nominee, the mean z of its reviewers, shown next to the raw panel score.
- Harsh or lenient: a member's offset is the mean, over the nominees they scored, of
  (M_ri − mean_i) / sd_panel, where mean_i is the mean member score of nominee i and sd_panel the
  population standard deviation of every member score in the cycle: how far, in the panel's
  standard deviations, the member sits below or above the others on the same nominees. An
  offset of at least HARSH_LENIENT_THRESHOLD in size flags the member as lenient (above) or
  harsh (below).
"""

from collections import defaultdict
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal

HARSH_LENIENT_THRESHOLD = Decimal(1)

ZERO = Decimal(0)


def mean(values) -> Decimal:
    values = list(values)
    return sum(values, ZERO) / len(values)


def population_sd(values) -> Decimal:
    values = list(values)
    centre = mean(values)
    return (sum(((v - centre) ** 2 for v in values), ZERO) / len(values)).sqrt()


@dataclass(frozen=True)
class Reviewer:
    member: Hashable
    nominees: int
    mean: Decimal  # of their member scores
    sd: Decimal
    offset: Decimal | None  # None when the panel's scores have no spread at all

    @property
    def leaning(self) -> str:
        """ "harsh", "lenient" or ""."""
        if self.offset is None or abs(self.offset) < HARSH_LENIENT_THRESHOLD:
            return ""
        return "lenient" if self.offset > 0 else "harsh"


@dataclass(frozen=True)
class Normalisation:
    z: dict[tuple[Hashable, Hashable], Decimal]  # (member, nominee) → z-score
    nominee_mean_z: dict[Hashable, Decimal]
    reviewers: dict[Hashable, Reviewer]
    panel_mean: Decimal | None
    panel_sd: Decimal | None


def normalise(member_scores: Mapping[tuple[Hashable, Hashable], Decimal]) -> Normalisation:
    """`member_scores` maps (member, nominee) to that member's score M_r of that nominee."""
    by_member = defaultdict(dict)
    by_nominee = defaultdict(dict)
    for (member, nominee), score in member_scores.items():
        by_member[member][nominee] = Decimal(score)
        by_nominee[nominee][member] = Decimal(score)
    if not member_scores:
        return Normalisation({}, {}, {}, None, None)

    z = {}
    for member, scores in by_member.items():
        centre, spread = mean(scores.values()), population_sd(scores.values())
        for nominee, score in scores.items():
            z[(member, nominee)] = (score - centre) / spread if spread else ZERO

    nominee_mean = {nominee: mean(scores.values()) for nominee, scores in by_nominee.items()}
    everything = [Decimal(score) for score in member_scores.values()]
    panel_sd = population_sd(everything)
    reviewers = {
        member: Reviewer(
            member=member,
            nominees=len(scores),
            mean=mean(scores.values()),
            sd=population_sd(scores.values()),
            offset=(
                mean((score - nominee_mean[n]) / panel_sd for n, score in scores.items())
                if panel_sd
                else None
            ),
        )
        for member, scores in by_member.items()
    }
    return Normalisation(
        z=z,
        nominee_mean_z={
            nominee: mean(z[(member, nominee)] for member in scores)
            for nominee, scores in by_nominee.items()
        },
        reviewers=reviewers,
        panel_mean=mean(everything),
        panel_sd=panel_sd,
    )
