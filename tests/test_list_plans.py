"""The list pages' main queries read the index made for their order and filters (issue 12):
PostgreSQL's plans of the very querysets the views run, on a table of a few thousand events.

A table this small is cheaper to read whole, and PostgreSQL rightly would; each plan is read
with `enable_seqscan = off` (for the transaction of the test only), and the lists count up to
CAP rows, 3% of the table as COUNT_CAP is 1% of a million events, so that the plan shows which
index serves the query as it does at a million rows (docs/performance.md has those plans).
What must not appear is a Sort node over the rows read: the index gives the list's order.
"""

import datetime

import pytest
from django.db import connection
from django.db.models import F
from django.test import RequestFactory

from awards.models import Cycle
from awards.selectors.panel_home import nominee_rows
from overview.dashboard import backlog
from partners.filters import EventFilter
from partners.models import CooperationEvent, Enterprise
from portal.models import Notification
from tests.awards.factories import AssignmentFactory, CycleFactory, NominationFactory
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
Status = CooperationEvent.Status
EVENTS = 3_000
CAP = 100  # COUNT_CAP's share of a million events, at this table's size


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row for (row,) in cursor.fetchall())


def _sorts(plan: str) -> list[str]:
    """The plan's full Sort nodes (an Incremental Sort only orders ties of an index's order)."""
    nodes = [line.strip().removeprefix("->").strip() for line in plan.splitlines()]
    return [node for node in nodes if node.startswith("Sort  (")]


@pytest.fixture
def history(officer, officer2, verifier):
    """3,000 events of 30 enterprises in every status, type and significance, two officers;
    each submitted at its own minute."""
    firms = Enterprise.objects.bulk_create(
        Enterprise(name_en=f"Firm {i}", name_zh=f"公司{i}", br_number=f"{50000000 + i}")
        for i in range(30)
    )
    statuses = [Status.VERIFIED] * 6 + [Status.SUBMITTED, Status.DRAFT, Status.RETURNED]
    now = datetime.datetime(2024, 6, 1, tzinfo=datetime.UTC)
    events = []
    for i in range(EVENTS):
        status = statuses[i % len(statuses)]
        events.append(
            CooperationEvent(
                # The first enterprise has a third of the history (its timeline is long).
                enterprise=firms[0] if i % 3 == 0 else firms[i % 30],
                event_type=CooperationEvent.EventType.values[i % 7],
                significance=CooperationEvent.Significance.values[i % 3],
                occurred_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=i % 1500),
                title=f"Cooperation record {i} at Kwai Chung",
                status=status,
                logged_by=(officer, officer2)[i % 2],
                submitted_at=None
                if status == Status.DRAFT
                else now - datetime.timedelta(minutes=i),
                verified_by=verifier if status == Status.VERIFIED else None,
                verified_at=now if status == Status.VERIFIED else None,
            )
        )
    CooperationEvent.objects.bulk_create(events, batch_size=1000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE partners_cooperationevent")
        cursor.execute("ANALYZE partners_enterprise")
    return firms


def _event_keys(user, query: dict):
    """The event list's keys query (partners.views.events, CappedPaginator)."""
    request = RequestFactory().get("/events/", query)
    request.user = user
    events = CooperationEvent.objects.visible_to(user).select_related("enterprise", "logged_by")
    filterset = EventFilter(request.GET, queryset=events, request=request)
    assert filterset.is_valid()
    return filterset.qs.values_list("pk", flat=True)[: CAP + 1]


@pytest.mark.parametrize(
    ("query", "index"),
    [
        ({}, "event_newest_first"),
        ({"ordering": "occurred_on"}, "event_newest_first"),  # the same index read backwards
        ({"event_type": "training"}, "event_type_newest_first"),
        ({"mine": "on", "needs_action": "on", "ordering": "-updated_at"}, "event_open_by_logger"),
        ({"status": "submitted", "ordering": "submitted_at"}, "event_awaiting_verification"),
    ],
    ids=["newest-first", "oldest-first", "type", "my-open", "verifier-queue"],
)
def test_the_event_lists_keys_are_read_in_the_order_of_an_index(officer, history, query, index):
    plan = _plan(_event_keys(officer, query))
    assert index in plan, plan
    assert _sorts(plan) == [], plan


def test_the_event_search_reads_the_titles_trigram_index(officer, history):
    plan = _plan(_event_keys(officer, {"q": "record 1234"}))
    assert "event_title_trigram" in plan, plan


def test_the_enterprise_search_reads_the_names_trigram_indexes(history):
    plan = _plan(Enterprise.objects.filter(name_en__icontains="irm 1"))
    assert "enterprise_name_en_trigram" in plan, plan


def test_an_enterprises_timeline_is_read_in_the_order_of_its_index(officer, history):
    events = CooperationEvent.objects.visible_to(officer).filter(enterprise=history[0])
    plan = _plan(events.values_list("pk", flat=True)[: CAP + 1])
    assert "event_enterprise_timeline" in plan, plan
    assert _sorts(plan) == [], plan


def test_the_dashboards_backlog_reads_the_submitted_events_from_their_index(officer, history):
    sqls = []

    def capture(execute, sql, params, many, context):
        if "partners_cooperationevent" in sql:
            sqls.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        backlog(officer, datetime.date(2024, 6, 20))
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for sql, params in sqls:
            cursor.execute(f"EXPLAIN {sql}", params)
            plans.append("\n".join(row for (row,) in cursor.fetchall()))
    # Three capped counts (one per bucket) and the oldest, then the user's own open events.
    assert len(plans) == 5
    for plan in plans[:4]:
        assert "event_awaiting_verification" in plan, plan
        assert _sorts(plan) == [], plan
    # A count: either index of the user's open events serves it (the planner picks by the
    # statistics of the moment), never a scan of the table.
    assert "event_open_by_logger" in plans[4] or "partners_co_logged_" in plans[4], plans[4]
    assert "Seq Scan" not in plans[4], plans[4]


def test_the_notification_list_is_read_in_the_order_of_its_index(officer):
    Notification.objects.bulk_create(
        Notification(recipient=officer, kind="event_returned") for _ in range(500)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE portal_notification")
    notifications = Notification.objects.filter(recipient=officer).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-pk"
    )
    plan = _plan(notifications.values_list("pk", flat=True)[: CAP + 1])
    assert "notification_list_order" in plan, plan
    assert _sorts(plan) == [], plan


def test_the_panel_home_reads_a_members_cycles_without_a_join_per_assignment():
    member = UserFactory(username="member", roles=["Panel"])
    cycle = CycleFactory(year=2024, status=Cycle.Status.REVIEW)
    for _ in range(3):
        AssignmentFactory(nomination=NominationFactory(cycle=cycle), member=member)
    sql = str(Cycle.objects.visible_to(member).query)
    assert "DISTINCT" not in sql and "EXISTS" in sql
    assert len(nominee_rows(member, cycle)) == 3
