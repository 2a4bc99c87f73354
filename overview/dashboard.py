"""The staff dashboard's reads (docs/dashboards.md): each figure with the address of the list
behind it. Every query starts from the user's visible_to and aggregates in the database, so the
whole dashboard costs the same few queries whatever the amount of data.
"""

import datetime
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count, IntegerField, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from awards.models import Assignment, Cycle, Nomination, Review
from awards.selectors.approvals import Approvals, awaiting_approval
from awards.selectors.scores import TopEnterprise, top_enterprises
from partners.filters import AWAITING_VERIFICATION, MY_OPEN_EVENTS, ON_RECORD_STATUSES
from partners.models import CooperationEvent, Enterprise, EventMonthCount, PartnerReport
from portal import clock

MONTHS = 24
TOP_ENTERPRISES = 10
# The backlog's buckets are counted up to this many events each ("over 1,000").
BACKLOG_CAP = 1_000
Status = CooperationEvent.Status
EDITABLE = CooperationEvent.EDITABLE_STATUSES


def _event_list(query: str | dict) -> str:
    query = query if isinstance(query, str) else urlencode(query)
    return f"{reverse('partners:event-list')}?{query}"


def _days_since(moment: datetime.datetime | None, today: datetime.date) -> int | None:
    return None if moment is None else (today - timezone.localtime(moment).date()).days


def add_months(month: datetime.date, months: int) -> datetime.date:
    """The first day of the month `months` after (or before) `month`'s."""
    index = month.year * 12 + month.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


# a) Cooperation events per month and type


@dataclass(frozen=True)
class Figure:
    count: int
    url: str
    more: bool = False  # more than `count` (a capped count): "over 1,000"


@dataclass(frozen=True)
class MonthRow:
    month: datetime.date
    label: str
    cells: list[Figure]  # one per event type, in MonthlyEvents.types order
    total: Figure


@dataclass(frozen=True)
class MonthlyEvents:
    types: list[tuple[str, str]]  # (event type, label)
    rows: list[MonthRow]  # oldest month first

    @property
    def total(self) -> int:
        return sum(row.total.count for row in self.rows)

    def chart_data(self) -> dict:
        """For static/js/charts.js: one stacked dataset per type, each bar linking to its list."""
        return {
            "labels": [row.label for row in self.rows],
            "datasets": [
                {
                    "label": str(label),
                    "data": [row.cells[index].count for row in self.rows],
                    "links": [row.cells[index].url for row in self.rows],
                }
                for index, (_type, label) in enumerate(self.types)
            ],
        }


def monthly_events(user, today: datetime.date) -> MonthlyEvents:
    """Events on the record (submitted, returned or verified) per month of occurrence and
    type, over the last MONTHS months including the current one: from the kept counts
    (EventMonthCount), which every staff member's visible_to would give too (it hides only
    other people's drafts, never on the record). One query over at most a few hundred rows."""
    first = add_months(today.replace(day=1), 1 - MONTHS)
    end = add_months(today.replace(day=1), 1)
    counts = {
        (month, event_type): n
        for month, event_type, n in EventMonthCount.objects.filter(
            status__in=ON_RECORD_STATUSES, month__gte=first, month__lt=end
        )
        .values("month", "event_type")
        .annotate(n=Sum("count"))
        .order_by()
        .values_list("month", "event_type", "n")
    }
    types = list(CooperationEvent.EventType.choices)
    rows = []
    for offset in range(MONTHS):
        month = add_months(first, offset)
        dates = {
            "on_record": "on",
            "occurred_from": month.isoformat(),
            "occurred_to": (add_months(month, 1) - datetime.timedelta(days=1)).isoformat(),
        }
        cells = [
            Figure(counts.get((month, t), 0), _event_list({**dates, "event_type": t}))
            for t, _label in types
        ]
        rows.append(
            MonthRow(
                month=month,
                label=formats.date_format(month, "YEAR_MONTH_FORMAT"),
                cells=cells,
                total=Figure(sum(cell.count for cell in cells), _event_list(dates)),
            )
        )
    return MonthlyEvents(types=types, rows=rows)


# b) Verification backlog, and the officer's own drafts and returned events


@dataclass(frozen=True)
class Bucket:
    label: str
    figure: Figure


@dataclass(frozen=True)
class Backlog:
    submitted: Figure  # the verifier's queue
    buckets: list[Bucket]  # by days since submission
    oldest_days: int | None
    my_open: Figure  # the user's own drafts and returned events


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _capped_count(queryset) -> tuple[int, bool]:
    """How many rows, up to BACKLOG_CAP, and whether there are more: at most cap + 1 keys are
    read, so a backlog of 60,000 costs what one of 1,000 does."""
    cap = BACKLOG_CAP
    # order_by(): any cap + 1 rows will do; the list's order would sort the whole backlog.
    counted = queryset.order_by().values("pk")[: cap + 1].count()
    return min(counted, cap), counted > cap


def backlog(user, today: datetime.date) -> Backlog:
    """Submitted events by days since their submission (Hong Kong dates): under 7, 7 to 30,
    over 30, each counted up to BACKLOG_CAP; the oldest submission; the user's own drafts and
    returned events. Each bucket's link filters the list by the same submission dates."""
    week, month = today - datetime.timedelta(days=6), today - datetime.timedelta(days=30)
    week_start, month_start = _local_midnight(week), _local_midnight(month)
    buckets = [
        # (label, condition, list filters): ranges of submitted_at, the index's key
        (
            _("Under 7 days"),
            Q(submitted_at__gte=week_start),
            {"submitted_from": week.isoformat()},
        ),
        (
            _("7 to 30 days"),
            Q(submitted_at__gte=month_start, submitted_at__lt=week_start),
            {
                "submitted_from": month.isoformat(),
                "submitted_to": (week - datetime.timedelta(days=1)).isoformat(),
            },
        ),
        (
            _("Over 30 days"),
            Q(submitted_at__lt=month_start),
            {"submitted_to": (month - datetime.timedelta(days=1)).isoformat()},
        ),
    ]
    # Each figure from an index alone, not from the history: the submitted events from
    # event_awaiting_verification (a range of it per bucket), the user's open ones from
    # event_open_by_logger.
    events = CooperationEvent.objects.visible_to(user)
    submitted = events.filter(status=Status.SUBMITTED)
    counted = [
        (label, *_capped_count(submitted.filter(condition)), query)
        for label, condition, query in buckets
    ]
    oldest = submitted.order_by("submitted_at").values_list("submitted_at", flat=True).first()
    return Backlog(
        submitted=Figure(
            sum(count for _label, count, _more, _query in counted),
            _event_list(AWAITING_VERIFICATION),
            more=any(more for _label, _count, more, _query in counted),
        ),
        buckets=[
            Bucket(
                label,
                Figure(
                    count,
                    _event_list({"status": Status.SUBMITTED, "ordering": "submitted_at", **query}),
                    more=more,
                ),
            )
            for label, count, more, query in counted
        ],
        oldest_days=_days_since(oldest, today),
        my_open=Figure(
            events.filter(logged_by=user, status__in=EDITABLE).count(),
            _event_list(MY_OPEN_EVENTS),
        ),
    )


# c) Reports from partners awaiting triage


@dataclass(frozen=True)
class Triage:
    received: Figure
    oldest_days: int | None


def triage(user, today: datetime.date) -> Triage:
    """Reports received and not yet taken up by an officer. One query."""
    received = PartnerReport.Status.RECEIVED
    figures = (
        PartnerReport.objects.visible_to(user)
        .filter(status=received)
        .aggregate(n=Count("pk"), oldest=Min("created_at"))
    )
    url = f"{reverse('partners:report-queue')}?{urlencode({'status': received})}"
    return Triage(Figure(figures["n"], url), _days_since(figures["oldest"], today))


# d) Top enterprises of the current window


@dataclass(frozen=True)
class TopOfWindow:
    cycle: Cycle
    enterprises: list[TopEnterprise]


def top_of_window(user) -> TopOfWindow | None:
    """The best cooperation scores among all active enterprises, with the rules and window of
    the current cycle (CycleQuerySet.current). Three queries. Every staff member sees them:
    the scores come from verified events, which all staff see."""
    cycle = Cycle.objects.current()
    if cycle is None:
        return None
    enterprises = Enterprise.objects.visible_to(user).filter(status=Enterprise.Status.ACTIVE)
    return TopOfWindow(cycle, top_enterprises(cycle, enterprises, limit=TOP_ENTERPRISES))


# e) The open cycle's progress


@dataclass(frozen=True)
class OpenCycle:
    cycle: Cycle
    nominations: int  # active
    reviews_submitted: int  # counted: submitted, by members not recused
    reviews_expected: int  # assignments without a declared conflict
    deadline: datetime.date | None  # the scoring deadline in review, else the nomination one
    days_left: int | None  # 0 on the deadline's day, negative once past

    @property
    def closed(self) -> bool:
        return self.days_left is not None and self.days_left < 0

    @property
    def in_review(self) -> bool:
        return self.cycle.status == Cycle.Status.REVIEW


def _count(queryset, group_by: str) -> Subquery:
    return Coalesce(
        Subquery(
            # order_by(): without the models' default orders, which join the enterprise and
            # the cycle for nothing.
            queryset.order_by().values(group_by).annotate(n=Count("pk")).values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def open_cycle(user, today: datetime.date) -> OpenCycle | None:
    """The latest cycle in nominations or panel review that the user sees, with its counts
    (the definitions of awards.progress) as subqueries of the one query; None for users who
    see no cycle (officers, verifiers: no query at all)."""
    reviews = Review.objects.counted().filter(
        assignment__nomination__cycle=OuterRef("pk"),
        assignment__nomination__status=Nomination.Status.ACTIVE,
    )
    expected = Assignment.objects.expected().filter(nomination__cycle=OuterRef("pk"))
    cycle = (
        Cycle.objects.visible_to(user)
        .filter(status__in=Cycle.OPEN_STATUSES)
        .with_nomination_count()
        .annotate(
            reviews_submitted=_count(reviews, "assignment__nomination__cycle"),
            reviews_expected=_count(expected, "nomination__cycle"),
        )
        .order_by("-year")
        .first()
    )
    if cycle is None:
        return None
    deadline = (
        cycle.scoring_deadline if cycle.status == Cycle.Status.REVIEW else cycle.nomination_deadline
    )
    return OpenCycle(
        cycle=cycle,
        nominations=cycle.nominations_count,
        reviews_submitted=cycle.reviews_submitted,
        reviews_expected=cycle.reviews_expected,
        deadline=deadline,
        days_left=None if deadline is None else (deadline - today).days,
    )


# The whole dashboard


@dataclass(frozen=True)
class Dashboard:
    today: datetime.date
    events: MonthlyEvents
    backlog: Backlog
    triage: Triage
    top: TopOfWindow | None
    open_cycle: OpenCycle | None
    approvals: Approvals  # what awaits the user's approval, or their own awaiting another's


def staff_dashboard(user, today: datetime.date | None = None) -> Dashboard:
    """Every figure of the staff dashboard; `today` is Hong Kong's (TIME_ZONE) by default."""
    today = today or clock.today()
    return Dashboard(
        today=today,
        events=monthly_events(user, today),
        backlog=backlog(user, today),
        triage=triage(user, today),
        top=top_of_window(user),
        open_cycle=open_cycle(user, today),
        approvals=awaiting_approval(user),
    )
