"""The scoring rules of docs/scoring.md, stated once in plain Decimal arithmetic.

No ORM here. The computation of a whole cycle from the database (awards.selectors.scores) counts
the events and reviews and applies these rules, and tests/awards/test_scoring_properties.py
proves the two agree on random data.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")
HUNDRED = Decimal(100)
TEN = Decimal(10)


def round2(value: Decimal) -> Decimal:
    """Half-up to 2 places, as every score is kept and shown."""
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rule:
    points: Decimal
    cap: Decimal


def category_points(
    events: Iterable[tuple[str, str]],
    rules: Mapping[str, Rule],
    multipliers: Mapping[str, Decimal],
) -> dict[str, Decimal]:
    """P_k = min(c_k, Σ p_k × multiplier(significance)) for every event type k with a rule.
    `events` are (event_type, significance) of the enterprise's verified events in the window."""
    raw = {event_type: Decimal(0) for event_type in rules}
    for event_type, significance in events:
        if event_type in rules:
            raw[event_type] += rules[event_type].points * multipliers[significance]
    return {event_type: min(rules[event_type].cap, total) for event_type, total in raw.items()}


def category_points_of_counts(
    counts: Mapping[str, Mapping[str, int]],
    rules: Mapping[str, Rule],
    multipliers: Mapping[str, Decimal],
) -> dict[str, Decimal]:
    """category_points from how many verified events there are of each type and significance
    ({event type: {significance: n}}), as the kept tallies hold them: the same arithmetic."""
    raw = {event_type: Decimal(0) for event_type in rules}
    for event_type, by_significance in counts.items():
        rule = rules.get(event_type)
        if rule is not None:
            for significance, n in by_significance.items():
                raw[event_type] += n * rule.points * multipliers[significance]
    return {event_type: min(rules[event_type].cap, total) for event_type, total in raw.items()}


def cooperation_score(points: Mapping[str, Decimal], rules: Mapping[str, Rule]) -> Decimal:
    """100 × Σ P_k / Σ c_k, rounded: 0 to 100."""
    total_cap = sum((rule.cap for rule in rules.values()), Decimal(0))
    if not total_cap:
        return Decimal("0.00")
    return round2(HUNDRED * sum(points.values(), Decimal(0)) / total_cap)


def member_score(scores: Mapping[int, int], weights: Mapping[int, Decimal]) -> Decimal:
    """M_r = 10 × Σ w_j s_rj / Σ w_j (unrounded: the panel score rounds the mean)."""
    total_weight = sum(weights.values(), Decimal(0))
    weighted = sum((weights[j] * scores[j] for j in weights), Decimal(0))
    return TEN * weighted / total_weight


def panel_score(member_scores: Sequence[Decimal]) -> Decimal | None:
    """The mean of the counted members' scores, rounded; None with no review."""
    if not member_scores:
        return None
    return round2(sum(member_scores, Decimal(0)) / len(member_scores))


def final_score(cooperation: Decimal, panel: Decimal, alpha: Decimal) -> Decimal:
    """α × cooperation + (1 − α) × panel, from the two rounded scores, rounded."""
    return round2(alpha * cooperation + (1 - alpha) * panel)


@dataclass(frozen=True)
class Standing:
    """What ranking needs to know of one nominee."""

    key: object  # anything that identifies the nominee to the caller
    br_number: str
    cooperation: Decimal
    panel: Decimal | None
    final: Decimal | None
    verified_events: int
    reviews: int


def is_pending(standing: Standing, quorum: int) -> bool:
    return standing.reviews < quorum


def rank(standings: Iterable[Standing], quorum: int) -> tuple[list[tuple[int, Standing]], list]:
    """(ranked, pending). Ranked by final score, then cooperation score, then more verified
    events, then BR number ascending: a total order, so ranks are 1, 2, 3… with no ties.
    Nominees with fewer reviews than the quorum are pending and not ranked."""
    ranked, pending = [], []
    for standing in standings:
        (pending if is_pending(standing, quorum) else ranked).append(standing)
    ranked.sort(key=lambda s: (-s.final, -s.cooperation, -s.verified_events, s.br_number))
    pending.sort(key=lambda s: s.br_number)
    return list(enumerate(ranked, start=1)), pending


def streak(awarded_by_cycle: Sequence[bool]) -> int:
    """Consecutive awards ending with the last cycle of `awarded_by_cycle` (oldest first)."""
    count = 0
    for awarded in reversed(awarded_by_cycle):
        if not awarded:
            break
        count += 1
    return count
