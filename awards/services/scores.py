"""The kept scores (awards.models.scores), updated in the transaction of every change that moves
them, and rebuilt from the records by `manage.py rebuild_derived`.

What moves them, and who calls what here:
- verified events that start or stop counting: partners sends `verified_events_changed`
  (partners/signals.py), received by `tallies_count` (connected in awards/apps.py);
- a cycle's window: `cycle_recount` (cycle_create, cycle_update);
- a cycle's rules, multipliers, weights, quorum or criteria: `cycle_rescore` (cycle_update);
- a review that starts or stops counting: `nominations_rescore` (review_save,
  assignment_declare);
- a nomination nominated, reinstated or withdrawn: `nominations_rescore` (services/nominations).

Every number is computed by the same functions as a fresh computation from the events
(awards.selectors.scores), so the two cannot drift apart in arithmetic; the tests prove they
do not drift apart in bookkeeping either.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError, transaction

from awards.models import CooperationTally, Cycle, Nomination, NominationScore
from awards.selectors import scores
from partners.signals import CountedChange


def _rules(cycle: Cycle):
    return scores.cycle_rules(cycle)


def _set_tally(tally: CooperationTally, cycle: Cycle, rules) -> None:
    tally.verified_events = scores.counted_events(tally.counts)
    points = scores.points_of_counts(tally.counts, cycle, rules)
    tally.points_total = sum(points.values(), scores.ZERO)
    tally.cooperation_score = scores.cooperation_of_points(points, rules)


# Events


@transaction.atomic
def tallies_count(changes: Iterable[CountedChange]) -> None:
    """Add verified events that now count (delta +1) and take away those that no longer do
    (-1), in every cycle whose window holds their date, then rescore the nominations of the
    enterprises touched. Rows are locked, so two verifications at once lose nothing."""
    changes = list(changes)
    if not changes:
        return
    first = min(change.occurred_on for change in changes)
    last = max(change.occurred_on for change in changes)
    cycles = list(Cycle.objects.filter(window_start__lte=last, window_end__gte=first))
    deltas: dict[tuple[int, int], dict[tuple[str, str], int]] = defaultdict(
        lambda: defaultdict(int)
    )
    by_pk = {}
    for change in changes:
        for cycle in cycles:
            if cycle.window_start <= change.occurred_on <= cycle.window_end:
                by_pk[cycle.pk] = cycle
                key = (change.event_type, change.significance)
                deltas[(cycle.pk, change.enterprise_id)][key] += change.delta
    if not deltas:
        return
    for cycle_pk, cycle in by_pk.items():
        touched = {enterprise for (pk, enterprise) in deltas if pk == cycle_pk}
        _apply(cycle, {e: deltas[(cycle_pk, e)] for e in touched})


def _apply(cycle: Cycle, deltas: dict[int, dict[tuple[str, str], int]]) -> None:
    rules = _rules(cycle)
    enterprise_ids = sorted(deltas)
    _ensure_tallies(cycle, enterprise_ids)
    tallies = CooperationTally.objects.select_for_update().filter(
        cycle=cycle, enterprise_id__in=enterprise_ids
    )
    changed = []
    for tally in tallies.order_by("enterprise_id"):
        counts = {k: dict(v) for k, v in tally.counts.items()}
        for (event_type, significance), delta in deltas[tally.enterprise_id].items():
            by_significance = counts.setdefault(event_type, {})
            by_significance[significance] = by_significance.get(significance, 0) + delta
            if not by_significance[significance]:
                del by_significance[significance]
            if not by_significance:
                del counts[event_type]
        tally.counts = counts
        _set_tally(tally, cycle, rules)
        changed.append(tally)
    CooperationTally.objects.bulk_update(
        changed, ["counts", "verified_events", "points_total", "cooperation_score"], batch_size=500
    )
    nominations_rescore(
        Nomination.objects.filter(cycle=cycle, enterprise_id__in=enterprise_ids), panel=False
    )


def _ensure_tallies(cycle: Cycle, enterprise_ids: list[int]) -> None:
    existing = set(
        CooperationTally.objects.filter(cycle=cycle, enterprise_id__in=enterprise_ids).values_list(
            "enterprise_id", flat=True
        )
    )
    missing = [e for e in enterprise_ids if e not in existing]
    if not missing:
        return
    try:
        with transaction.atomic():
            CooperationTally.objects.bulk_create(
                [CooperationTally(cycle=cycle, enterprise_id=e) for e in missing]
            )
    except IntegrityError:  # a concurrent writer created some of them meanwhile
        CooperationTally.objects.bulk_create(
            [CooperationTally(cycle=cycle, enterprise_id=e) for e in missing],
            ignore_conflicts=True,
        )


def on_verified_events_changed(sender, changes, **kwargs) -> None:
    """partners.signals.verified_events_changed, connected in awards/apps.py."""
    tallies_count(changes)


# Cycles


@transaction.atomic
def cycle_recount(cycle: Cycle) -> None:
    """Count the cycle's window again from the events (a new cycle, a window moved)."""
    CooperationTally.objects.filter(cycle=cycle).delete()
    rules = _rules(cycle)
    tallies = []
    for enterprise_id, counts in scores.event_counts(cycle).items():
        tally = CooperationTally(cycle=cycle, enterprise_id=enterprise_id, counts=counts)
        _set_tally(tally, cycle, rules)
        tallies.append(tally)
    CooperationTally.objects.bulk_create(tallies, batch_size=1000)
    nominations_rescore(Nomination.objects.filter(cycle=cycle))


@transaction.atomic
def cycle_rescore(cycle: Cycle) -> None:
    """Score the kept counts again under the cycle's present rules and weights."""
    rules = _rules(cycle)
    tallies = list(CooperationTally.objects.select_for_update().filter(cycle=cycle))
    for tally in tallies:
        _set_tally(tally, cycle, rules)
    CooperationTally.objects.bulk_update(
        tallies, ["verified_events", "points_total", "cooperation_score"], batch_size=1000
    )
    nominations_rescore(Nomination.objects.filter(cycle=cycle))


# Nominations


@transaction.atomic
def nominations_rescore(nominations, *, panel: bool = True) -> None:
    """The kept scores of `nominations` (a queryset of one cycle's), from their tallies and,
    unless `panel` is False, their counted reviews recounted."""
    nominations = list(nominations.select_related("cycle", "enterprise").order_by("pk"))
    if not nominations:
        return
    cycle = nominations[0].cycle
    rules = _rules(cycle)
    tallies = {
        tally.enterprise_id: tally
        for tally in CooperationTally.objects.filter(
            cycle=cycle, enterprise_id__in=[n.enterprise_id for n in nominations]
        )
    }
    kept = {
        score.pk: score
        for score in NominationScore.objects.select_for_update().filter(nomination__in=nominations)
    }
    if panel:
        numbers = scores.panel_numbers(cycle, [n.pk for n in nominations])
    else:
        numbers = {
            pk: scores.PanelNumbers(score.reviews, score.panel_weighted)
            for pk, score in kept.items()
        }
    total_weight = scores.total_weight(cycle)
    new, changed = [], []
    for nomination in nominations:
        tally = tallies.get(nomination.enterprise_id)
        cooperation = tally.cooperation_score if tally else scores.cooperation_of_points({}, rules)
        verified = tally.verified_events if tally else 0
        panel_numbers = numbers.get(nomination.pk, scores.NO_REVIEWS)
        panel_score, final = scores.panel_and_final(cycle, cooperation, panel_numbers, total_weight)
        score = kept.get(nomination.pk) or NominationScore(nomination=nomination)
        score.cycle_id = cycle.pk
        score.br_number = nomination.enterprise.br_number
        score.active = nomination.status == Nomination.Status.ACTIVE
        score.verified_events = verified
        score.cooperation_score = cooperation
        score.reviews = panel_numbers.reviews
        score.panel_weighted = panel_numbers.weighted
        score.panel_score = panel_score
        score.final_score = final
        score.pending = panel_numbers.reviews < cycle.quorum
        (changed if nomination.pk in kept else new).append(score)
    NominationScore.objects.bulk_create(new, batch_size=1000)
    NominationScore.objects.bulk_update(
        changed,
        [
            "cycle",
            "br_number",
            "active",
            "verified_events",
            "cooperation_score",
            "reviews",
            "panel_weighted",
            "panel_score",
            "final_score",
            "pending",
        ],
        batch_size=1000,
    )


@transaction.atomic
def scores_rebuild() -> int:
    """Every cycle's kept scores from the events and reviews (`manage.py rebuild_derived`)."""
    NominationScore.objects.all().delete()
    cycles = list(Cycle.objects.order_by("year"))
    for cycle in cycles:
        cycle_recount(cycle)
    return len(cycles)
