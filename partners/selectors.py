"""Reads of the cooperation record: the verifier's queue, and the partner home.

The partner home: what a partner user's enterprise may see of its own record.

Events come from CooperationEvent.objects.visible_to(user) (the enterprise's verified events
only) and only the partner-visible fields are loaded: the type, date, significance and the
partner summary. The title, restricted details, figures and who logged or verified an event
are never read, so no template can show them.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.db.models.functions import ExtractYear

from partners.filters import EventOrderingFilter
from partners.models import CooperationEvent

PARTNER_EVENT_FIELDS = (
    "pk",
    "enterprise_id",
    "event_type",
    "occurred_on",
    "significance",
    "partner_summary",
)


# The verifier's queue (partners.filters.AWAITING_VERIFICATION), in the list's own order.
QUEUE_ORDER = EventOrderingFilter.ORDER_BY["submitted_at"]


def verification_queue(user):
    """The submitted events `user` may verify: every one they can see but those they logged
    (four eyes), the longest waiting first."""
    return (
        CooperationEvent.objects.visible_to(user)
        .filter(status=CooperationEvent.Status.SUBMITTED)
        .exclude(logged_by=user)
        .order_by(*QUEUE_ORDER)
    )


def next_to_verify(user, after: CooperationEvent) -> CooperationEvent | None:
    """The event after `after` in `user`'s queue; past its end, the first one still waiting
    (one skipped earlier), never `after` itself."""
    queue = verification_queue(user).exclude(pk=after.pk)
    if after.submitted_at is None:  # never submitted: it was not in the queue
        later = Q(submitted_at__isnull=True, pk__gt=after.pk)
    else:
        later = (
            Q(submitted_at__gt=after.submitted_at)
            | Q(submitted_at=after.submitted_at, pk__gt=after.pk)
            | Q(submitted_at__isnull=True)
        )
    return queue.filter(later).first() or queue.first()


def partner_events(user, enterprise):
    """The enterprise's verified events as the partner sees them, the most recent first."""
    return (
        CooperationEvent.objects.visible_to(user)
        .filter(enterprise=enterprise)
        .only(*PARTNER_EVENT_FIELDS)
        .order_by("-occurred_on", "-pk")
    )


@dataclass(frozen=True)
class EventCounts:
    """Verified events per type per year: `rows` for the table, `chart` for Chart.js."""

    years: list[int]
    types: list[tuple[str, str]]  # (event type, label) of the types with at least one event
    rows: list[tuple[int, list[int]]]  # (year, a count per type in `types`), oldest year first

    @property
    def chart(self) -> dict:
        return {
            "labels": [str(year) for year in self.years],
            "datasets": [
                {"label": str(label), "data": [counts[i] for _year, counts in self.rows]}
                for i, (_type, label) in enumerate(self.types)
            ],
        }


def event_counts(user, enterprise) -> EventCounts:
    """The enterprise's verified events per type per year, for any reader: a partner (whose
    visible_to shows only verified events) on its home, staff on the enterprise page (who see
    every status, but only verified cooperation counts). Counted in the database, one query."""
    counts = {
        (row["year"], row["event_type"]): row["n"]
        for row in CooperationEvent.objects.visible_to(user)
        .filter(enterprise=enterprise, status=CooperationEvent.Status.VERIFIED)
        .annotate(year=ExtractYear("occurred_on"))
        .values("year", "event_type")
        .annotate(n=Count("pk"))
        .order_by()
    }
    years = sorted({year for year, _type in counts})
    present = {event_type for _year, event_type in counts}
    types = [
        (value, label) for value, label in CooperationEvent.EventType.choices if value in present
    ]
    return EventCounts(
        years=years,
        types=types,
        rows=[(year, [counts.get((year, t), 0) for t, _label in types]) for year in years],
    )
