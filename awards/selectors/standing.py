"""What a partner enterprise may know of its place in the award: its published results, and,
while a cycle is open, its own cooperation score and a standing band among the nominees.

Nothing here carries another enterprise's name, score or rank: the other nominees' kept scores
(awards.models.scores, the numbers the ranking reads) are only counted, in the database, to place
this enterprise in a band.

The band rule: rank r among n nominees by cooperation score (1 = the highest; nominees with
the same score share the better rank, so a tie never pushes a partner down). The top f of the
field is its best ⌈f × n⌉ nominees (rounded up: a share of a nominee counts as a whole one), so
r ≤ ⌈0.10 n⌉ → "top 10 %", r ≤ ⌈0.25 n⌉ → "top 25 %", r ≤ ⌈0.50 n⌉ → "top 50 %", else "below".
Equivalently (r − 1) / n < f. With 10 nominees: rank 1 → top 10 %, ranks 2–3 → top 25 %,
ranks 4–5 → top 50 %, ranks 6–10 → below; a sole nominee is in the top 10 %.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q, TextChoices
from django.utils.translation import gettext_lazy as _

from awards.models import (
    Certificate,
    CooperationTally,
    Cycle,
    Nomination,
    NominationResult,
    NominationScore,
)
from awards.selectors.scores import (
    awarded_streaks,
    cycle_rules,
    in_event_type_order,
    points_of_counts,
)
from partners.models import CooperationEvent, Enterprise


class Band(TextChoices):
    TOP_10 = "top10", _("top 10 %")
    TOP_25 = "top25", _("top 25 %")
    TOP_50 = "top50", _("top 50 %")
    BELOW = "below", _("below the top 50 %")


# (the share of the field, best first, that makes the band)
BAND_SHARES = [
    (Decimal("0.10"), Band.TOP_10),
    (Decimal("0.25"), Band.TOP_25),
    (Decimal("0.50"), Band.TOP_50),
]


def standing_band(rank: int, nominees: int) -> Band:
    """The band of rank `rank` (1 = best) among `nominees`: see the module's docstring."""
    if nominees < 1 or not 1 <= rank <= nominees:
        raise ValueError(f"rank {rank} among {nominees} nominees")
    for share, band in BAND_SHARES:
        if rank <= math.ceil(share * nominees):
            return band
    return Band.BELOW


@dataclass(frozen=True)
class CategoryScore:
    event_type: str
    label: str
    points: Decimal  # P_k, capped
    cap: Decimal


@dataclass(frozen=True)
class OpenCycleStanding:
    """This enterprise's own numbers in an open cycle, and its band: nothing of the others."""

    cycle: Cycle
    categories: list[CategoryScore]
    total_points: Decimal
    total_cap: Decimal
    cooperation_score: Decimal
    verified_events: int
    band: Band


def open_cycle_standing(enterprise: Enterprise) -> OpenCycleStanding | None:
    """The standing of `enterprise` in the latest open cycle (nominations or panel review) it
    is actively nominated in; None if there is none. From the kept scores (the other nominees'
    are only counted, in the database): four queries, whatever the number of nominees and
    events."""
    nomination = (
        Nomination.objects.active()
        .filter(enterprise=enterprise, cycle__status__in=Cycle.OPEN_STATUSES)
        .select_related("cycle", "score")
        .order_by("-cycle__year")
        .first()
    )
    if nomination is None:
        return None
    cycle, own = nomination.cycle, nomination.score
    rules = list(cycle.event_rules.all())
    counts = (
        CooperationTally.objects.filter(cycle=cycle, enterprise=enterprise)
        .values_list("counts", flat=True)
        .first()
    )
    category_points = points_of_counts(counts or {}, cycle, cycle_rules(cycle, rules))
    # The band from the kept scores: how many nominees score better, never who.
    field = NominationScore.objects.filter(cycle=cycle, active=True).aggregate(
        nominees=Count("pk"),
        better=Count("pk", filter=Q(cooperation_score__gt=own.cooperation_score)),
    )
    rank = 1 + field["better"]
    labels = dict(CooperationEvent.EventType.choices)
    caps = {rule.event_type: rule.cap for rule in rules}
    return OpenCycleStanding(
        cycle=cycle,
        categories=[
            CategoryScore(
                event_type=event_type,
                label=labels.get(event_type, event_type),
                points=points,
                cap=caps[event_type],
            )
            for event_type in in_event_type_order(category_points)
            for points in [category_points[event_type]]
        ],
        total_points=sum(category_points.values(), Decimal(0)),
        total_cap=sum(caps.values(), Decimal(0)),
        cooperation_score=own.cooperation_score,
        verified_events=own.verified_events,
        band=standing_band(rank, field["nominees"]),
    )


@dataclass(frozen=True)
class PublishedResult:
    cycle: Cycle
    result: NominationResult
    certificates: list[Certificate]


@dataclass(frozen=True)
class PublishedHistory:
    results: list[PublishedResult]  # the latest cycle first
    streak: int  # consecutive awards ending with the latest published cycle


def published_history(enterprise: Enterprise, user) -> PublishedHistory:
    """The frozen results of `enterprise` in published cycles only, with the certificates
    `user` may download, and its streak. Five queries, whatever the number of cycles."""
    results = list(
        NominationResult.objects.filter(
            nomination__in=Nomination.objects.visible_to(user).filter(enterprise=enterprise)
        )
        .select_related("nomination__cycle")
        .order_by("-nomination__cycle__year")
    )
    certificates: dict[int, list[Certificate]] = {}
    if results:
        for certificate in (
            Certificate.objects.visible_to(user)
            .filter(result__in=results)
            .exclude(pdf="")
            .order_by("serial")
        ):
            certificates.setdefault(certificate.result_id, []).append(certificate)
    latest = Cycle.objects.filter(status=Cycle.Status.PUBLISHED).order_by("-year").first()
    streak = awarded_streaks(latest, [enterprise.pk])[enterprise.pk] if latest else 0
    return PublishedHistory(
        results=[
            PublishedResult(
                cycle=result.nomination.cycle,
                result=result,
                certificates=certificates.get(result.pk, []),
            )
            for result in results
        ],
        streak=streak,
    )
