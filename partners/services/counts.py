"""The numbers the partners app keeps about its events, in the transaction that moves them:
the events per month, type and status (EventMonthCount), and the signal that verified events
started or stopped counting (partners.signals.verified_events_changed)."""

import datetime
from collections import Counter
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.db.models.functions import TruncMonth

from partners.models import CooperationEvent, EventMonthCount
from partners.signals import CountedChange, verified_events_changed

Status = CooperationEvent.Status
# (month, event type, status) -> change in the number of events
MonthKey = tuple[datetime.date, str, str]


def month_of(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def event_moves(
    moves: Iterable[tuple[CooperationEvent | None, CooperationEvent | None]],
) -> None:
    """Record events that appeared, changed status, type or date: each (before, after) with
    `before` None for a new event. Both are snapshots (event_snapshot) or events as saved."""
    months: Counter[MonthKey] = Counter()
    counted: list[CountedChange] = []
    for before, after in moves:
        for event, sign in ((before, -1), (after, +1)):
            if event is None:
                continue
            months[(month_of(event.occurred_on), event.event_type, event.status)] += sign
            if event.status == Status.VERIFIED:
                counted.append(
                    CountedChange(
                        event.enterprise_id,
                        event.event_type,
                        event.significance,
                        event.occurred_on,
                        sign,
                    )
                )
    _add_to_months(months)
    # A move between two verified states of the same event cancels out.
    net: Counter[tuple] = Counter()
    for change in counted:
        key = (change.enterprise_id, change.event_type, change.significance, change.occurred_on)
        net[key] += change.delta
    changes = [CountedChange(*key, delta) for key, delta in net.items() if delta]
    if changes:
        verified_events_changed.send(sender=CooperationEvent, changes=changes)


def on_event_saving(sender, instance: CooperationEvent, raw: bool, **kwargs):
    """pre_save: an event loaded without its counted fields (`.only()`) reads what is stored
    before it is overwritten."""
    if raw or instance._state.adding or getattr(instance, "counted_as", None) is not None:
        return
    instance.counted_as = (
        CooperationEvent.objects.filter(pk=instance.pk).values_list(*FIELDS).first()
    )


def on_event_saved(sender, instance: CooperationEvent, created: bool, raw: bool, **kwargs):
    """post_save of CooperationEvent (connected in partners/apps.py): whatever saved it (a
    service, the admin, a fixture), the counts follow. Bulk writes, which send no signal, call
    event_moves themselves (the import)."""
    if raw:  # loading a fixture
        return
    before = None if created else getattr(instance, "counted_as", None)
    after = instance.counted_state()
    if after is None or before == after:
        return
    old = None if before is None else CooperationEvent(**dict(zip(FIELDS, before, strict=True)))
    event_moves([(old, instance)])
    instance.counted_as = after


FIELDS = CooperationEvent.COUNTED_FIELDS


def events_created(ids: list[int]) -> None:
    """Record events written in bulk (the import), which send no post_save: read back grouped,
    so that a hundred thousand events make a few hundred changes."""
    rows = (
        CooperationEvent.objects.filter(pk__in=ids)
        .values("enterprise_id", "event_type", "significance", "occurred_on", "status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    months: Counter[MonthKey] = Counter()
    changes = []
    for row in rows:
        months[(month_of(row["occurred_on"]), row["event_type"], row["status"])] += row["n"]
        if row["status"] == Status.VERIFIED:
            changes.append(
                CountedChange(
                    row["enterprise_id"],
                    row["event_type"],
                    row["significance"],
                    row["occurred_on"],
                    row["n"],
                )
            )
    _add_to_months(months)
    if changes:
        verified_events_changed.send(sender=CooperationEvent, changes=changes)


def _add_to_months(months: Counter[MonthKey]) -> None:
    for (month, event_type, status), delta in sorted(months.items()):
        if not delta:
            continue
        key = {"month": month, "event_type": event_type, "status": status}
        # An UPDATE … SET count = count + n is atomic: two writers never lose one's change.
        if EventMonthCount.objects.filter(**key).update(count=F("count") + delta):
            continue
        try:
            with transaction.atomic():
                EventMonthCount.objects.create(**key, count=delta)
        except IntegrityError:  # created by a concurrent writer meanwhile
            EventMonthCount.objects.filter(**key).update(count=F("count") + delta)


@transaction.atomic
def month_counts_rebuild() -> int:
    """Recompute the events per month from the events (`manage.py rebuild_derived`)."""
    EventMonthCount.objects.all().delete()
    rows = (
        CooperationEvent.objects.annotate(month=TruncMonth("occurred_on"))
        .values("month", "event_type", "status")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "event_type", "status", "n")
    )
    counts = [
        EventMonthCount(month=month, event_type=event_type, status=status, count=n)
        for month, event_type, status, n in rows
    ]
    EventMonthCount.objects.bulk_create(counts, batch_size=1000)
    return len(counts)
