"""The staff dashboard (overview/dashboard.py, docs/dashboards.md): exact figures on small worlds,
the lists its links lead to, and a fixed number of queries whatever the data size."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Cycle, Nomination, Review
from awards.selectors.scores import score_nominations
from overview import dashboard as dashboard_module
from overview.dashboard import add_months
from partners.models import CooperationEvent, Enterprise, PartnerReport
from tests.awards.factories import (
    AssignmentFactory,
    CycleFactory,
    NominationFactory,
    submitted_review,
)
from tests.factories import EnterpriseFactory, EventFactory, UserFactory
from tests.partners.report_data import report_of

pytestmark = pytest.mark.django_db

Status = CooperationEvent.Status
EventType = CooperationEvent.EventType
URL = "/dashboard/"


def _today() -> datetime.date:
    return timezone.localdate()


def _noon(day: datetime.date) -> datetime.datetime:
    """Midday of `day`, Hong Kong time (TIME_ZONE)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


def _dashboard(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response, response.context["dashboard"]


def _listed(client, url: str) -> int:
    """How many rows the list behind a link shows (all pages)."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page"].paginator.count


def _cell(dashboard, month: datetime.date, event_type: str):
    row = next(row for row in dashboard.events.rows if row.month == month)
    index = [t for t, _label in dashboard.events.types].index(event_type)
    return row.cells[index]


# a) Cooperation events per month


@pytest.fixture
def months_world(officer, officer2, verifier):
    this_month = _today().replace(day=1)
    first_month = add_months(this_month, -23)
    out_month = add_months(this_month, -24)

    def event(event_type, occurred_on, status, logged_by=officer):
        return EventFactory(
            event_type=event_type,
            occurred_on=occurred_on,
            status=status,
            logged_by=logged_by,
            verified_by=verifier,
            verified_at=timezone.now(),
        )

    # Counted: submitted, returned or verified, in the window.
    event(EventType.INTELLIGENCE_TIP, this_month, Status.VERIFIED)
    event(EventType.INTELLIGENCE_TIP, _today(), Status.SUBMITTED)
    event(EventType.CONTROLLED_DELIVERY, _today(), Status.RETURNED, logged_by=officer2)
    event(EventType.TRAINING, first_month, Status.VERIFIED)
    # Not counted: 24 months ago, drafts (one the officer's own, one a colleague's), withdrawn.
    event(EventType.TRAINING, first_month - datetime.timedelta(days=1), Status.VERIFIED)
    event(EventType.TRAINING, out_month, Status.VERIFIED)
    event(EventType.INTELLIGENCE_TIP, _today(), Status.DRAFT)
    event(EventType.INTELLIGENCE_TIP, _today(), Status.DRAFT, logged_by=officer2)
    event(EventType.INTELLIGENCE_TIP, _today(), Status.WITHDRAWN)
    return {"this": this_month, "first": first_month}


def test_events_per_month_count_24_months_including_the_current_one(client, officer, months_world):
    _response, dashboard = _dashboard(client, officer)
    events = dashboard.events

    assert len(events.rows) == 24
    assert (events.rows[0].month, events.rows[-1].month) == (
        months_world["first"],
        months_world["this"],
    )
    assert [row.total.count for row in events.rows] == [1] + [0] * 22 + [3]
    assert events.total == 4
    assert _cell(dashboard, months_world["this"], EventType.INTELLIGENCE_TIP).count == 2
    assert _cell(dashboard, months_world["this"], EventType.CONTROLLED_DELIVERY).count == 1
    assert _cell(dashboard, months_world["first"], EventType.TRAINING).count == 1
    assert _cell(dashboard, months_world["this"], EventType.TRAINING).count == 0


def test_each_month_and_type_links_to_a_list_of_exactly_its_events(client, officer, months_world):
    _response, dashboard = _dashboard(client, officer)
    for row in (dashboard.events.rows[0], dashboard.events.rows[-1]):
        assert _listed(client, row.total.url) == row.total.count
        for cell in row.cells:
            assert _listed(client, cell.url) == cell.count


def test_the_chart_data_holds_one_stacked_series_per_type_with_links(client, officer, months_world):
    response, dashboard = _dashboard(client, officer)
    data = response.context["chart_data"]

    tips = next(d for d in data["datasets"] if d["label"] == "Intelligence tip")
    assert len(data["labels"]) == 24
    assert len(data["datasets"]) == len(EventType.choices)
    assert tips["data"][-1] == 2
    assert (
        tips["links"][-1] == _cell(dashboard, months_world["this"], EventType.INTELLIGENCE_TIP).url
    )
    assert 'data-chart="stacked-bar" data-chart-source="events-data"' in response.text
    assert '<script id="events-data" type="application/json">' in response.text
    assert "vendor/chartjs/chart.umd.js" in response.text
    assert 'href="/dashboard/">Dashboard</a>' in response.text


def test_the_table_fallback_links_each_figure_and_shows_zero_for_empty_months(
    client, officer, months_world
):
    response, dashboard = _dashboard(client, officer)
    total = dashboard.events.rows[-1].total
    assert f'<a href="{total.url.replace("&", "&amp;")}">3</a>' in response.text
    assert "<caption>Cooperation events per month and type</caption>" in response.text
    assert '<td class="text-end fw-bold">0</td>' in response.text


# b) Verification backlog and the officer's own queue


@pytest.fixture
def backlog_world(officer, officer2):
    for age in (0, 6, 7, 30, 31, 45):
        EventFactory(
            status=Status.SUBMITTED,
            submitted_at=_noon(_today() - datetime.timedelta(days=age)),
            logged_by=officer2,
        )
    # Not in the backlog: verified, returned; the officer's own draft and returned event count
    # as theirs to finish, a colleague's draft does not.
    EventFactory(verified=True, logged_by=officer2)
    EventFactory(status=Status.RETURNED, logged_by=officer)
    EventFactory(status=Status.DRAFT, logged_by=officer)
    EventFactory(status=Status.DRAFT, logged_by=officer2)


def test_the_backlog_counts_submitted_events_by_days_since_submission(
    client, verifier, backlog_world
):
    _response, dashboard = _dashboard(client, verifier)
    backlog = dashboard.backlog

    assert backlog.submitted.count == 6
    assert [(str(b.label), b.figure.count) for b in backlog.buckets] == [
        ("Under 7 days", 2),
        ("7 to 30 days", 2),
        ("Over 30 days", 2),
    ]
    assert backlog.oldest_days == 45


def test_each_backlog_figure_links_to_a_list_of_exactly_its_events(client, verifier, backlog_world):
    _response, dashboard = _dashboard(client, verifier)
    backlog = dashboard.backlog
    assert backlog.submitted.url == "/events/?status=submitted&ordering=submitted_at"
    # The oldest's age leads to the queue, oldest first.
    assert (
        '<a href="/events/?status=submitted&amp;ordering=submitted_at" id="backlog-oldest">'
        in _response.text
    )
    assert _listed(client, backlog.submitted.url) == 6
    for bucket in backlog.buckets:
        assert _listed(client, bucket.figure.url) == bucket.figure.count == 2


def test_the_officer_sees_their_own_drafts_and_returned_events_only(
    client, officer, verifier, backlog_world
):
    response, dashboard = _dashboard(client, officer)
    assert dashboard.backlog.my_open.count == 2
    assert _listed(client, dashboard.backlog.my_open.url) == 2
    assert 'id="my-open"' in response.text

    # The verifier logs nothing: no such figure on their dashboard.
    response, _dashboard_ = _dashboard(client, verifier)
    assert 'id="my-open"' not in response.text


def test_a_backlog_over_the_cap_says_over_and_reads_no_more(
    client, verifier, backlog_world, monkeypatch
):
    # 2 events in each bucket: capped at 1, each says "over 1", and so does the total.
    monkeypatch.setattr(dashboard_module, "BACKLOG_CAP", 1)
    response, dashboard = _dashboard(client, verifier)
    backlog = dashboard.backlog
    assert [(b.figure.count, b.figure.more) for b in backlog.buckets] == [(1, True)] * 3
    assert (backlog.submitted.count, backlog.submitted.more) == (3, True)
    assert backlog.oldest_days == 45
    assert '<span class="fs-2 fw-bold">over 3</span>' in response.text


def test_an_empty_backlog_has_no_oldest(client, verifier):
    _response, dashboard = _dashboard(client, verifier)
    assert dashboard.backlog.submitted.count == 0
    assert dashboard.backlog.oldest_days is None


# c) Reports from partners awaiting triage


def test_reports_awaiting_triage_are_the_received_ones_with_the_oldests_age(
    client, officer, partner_user, other_partner_user
):
    oldest = report_of(partner_user)
    report_of(other_partner_user)
    taken_up = report_of(partner_user)
    PartnerReport.objects.filter(pk=oldest.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=5)
    )
    PartnerReport.objects.filter(pk=taken_up.pk).update(status=PartnerReport.Status.UNDER_REVIEW)

    _response, dashboard = _dashboard(client, officer)

    assert (dashboard.triage.received.count, dashboard.triage.oldest_days) == (2, 5)
    assert dashboard.triage.received.url == "/reports/?status=received"
    assert _listed(client, dashboard.triage.received.url) == 2
    # The oldest's age leads to the same queue, where it comes first.
    assert '<a href="/reports/?status=received" id="triage-oldest">' in _response.text


# d) Top enterprises of the current window


def test_the_current_cycle_is_the_latest_not_yet_published_else_the_latest():
    assert Cycle.objects.current() is None
    CycleFactory(year=2023, status=Cycle.Status.PUBLISHED)
    latest_published = CycleFactory(year=2024, status=Cycle.Status.PUBLISHED)
    assert Cycle.objects.current() == latest_published
    in_review = CycleFactory(year=2025, status=Cycle.Status.REVIEW)
    assert Cycle.objects.current() == in_review
    assert CycleFactory(year=2026).pk == Cycle.objects.current().pk  # a draft


@pytest.fixture
def scored_world(officer, verifier, secretariat):
    year = _today().year
    cycle = CycleFactory(year=year, status=Cycle.Status.NOMINATIONS)
    in_window = datetime.date(year, 1, 15)

    def enterprise(name, *events, status=Enterprise.Status.ACTIVE):
        firm = EnterpriseFactory(name_en=name, status=status)
        for event_type, significance, occurred_on in events:
            EventFactory(
                enterprise=firm,
                event_type=event_type,
                significance=significance,
                occurred_on=occurred_on,
                logged_by=officer,
                verified=True,
                verified_by=verifier,
            )
        return firm

    firms = {
        # 30 (capped) + 5 of 108: 32.41
        "a": enterprise(
            "Alpha Terminals Limited",
            (EventType.CONTROLLED_DELIVERY, "major", in_window),
            (EventType.CONTROLLED_DELIVERY, "notable", in_window),
            (EventType.INTELLIGENCE_TIP, "routine", in_window),
        ),
        # 20 of 108: 18.52
        "b": enterprise(
            "Beta Express Limited",
            (EventType.INTELLIGENCE_TIP, "notable", in_window),
            (EventType.INTELLIGENCE_TIP, "notable", in_window),
        ),
        # Not nominated, 1 of 108: 0.93
        "c": enterprise("Gamma Forwarders Limited", (EventType.TRAINING, "routine", in_window)),
        # Left out: suspended; cooperation outside the window only; none at all.
        "suspended": enterprise(
            "Delta Shipping Limited",
            (EventType.CONTROLLED_DELIVERY, "major", in_window),
            status=Enterprise.Status.SUSPENDED,
        ),
        "old": enterprise(
            "Epsilon Cargo Limited",
            (EventType.CONTROLLED_DELIVERY, "major", datetime.date(year - 1, 12, 31)),
        ),
        "none": enterprise("Zeta Logistics Limited"),
    }
    for key in ("a", "b"):
        NominationFactory(cycle=cycle, enterprise=firms[key], nominated_by=secretariat)
    return cycle, firms


def test_the_top_enterprises_are_ranked_by_cooperation_score_over_every_active_enterprise(
    client, officer, scored_world
):
    cycle, firms = scored_world
    response, dashboard = _dashboard(client, officer)

    assert dashboard.top.cycle == cycle
    assert [(row.enterprise, row.cooperation_score) for row in dashboard.top.enterprises] == [
        (firms["a"], Decimal("32.41")),
        (firms["b"], Decimal("18.52")),
        (firms["c"], Decimal("0.93")),
    ]
    assert f'<a href="{firms["a"].get_absolute_url()}">Alpha Terminals Limited</a>' in (
        response.text
    )


def test_the_top_enterprises_scores_equal_the_nominations_scores(client, officer, scored_world):
    cycle, _firms = scored_world
    _response, dashboard = _dashboard(client, officer)
    nominated = {
        scored.nomination.enterprise_id: scored.cooperation_score
        for scored in score_nominations(cycle, Nomination.objects.filter(cycle=cycle))
    }
    on_dashboard = {
        row.enterprise.pk: row.cooperation_score
        for row in dashboard.top.enterprises
        if row.enterprise.pk in nominated
    }
    assert on_dashboard == nominated
    assert len(nominated) == 2


def test_the_top_ten_only(client, officer, verifier):
    CycleFactory(year=_today().year)
    for points in range(12):
        firm = EnterpriseFactory()
        for _ in range(points + 1):
            EventFactory(
                enterprise=firm,
                event_type=EventType.TRAINING,
                occurred_on=datetime.date(_today().year, 1, 2),
                verified=True,
                verified_by=verifier,
            )
    _response, dashboard = _dashboard(client, officer)
    # Training: 1 point an event, capped at 4 (of 108): nine enterprises tie at 4, then 3.
    scores = [row.cooperation_score for row in dashboard.top.enterprises]
    assert scores == [Decimal("3.70")] * 9 + [Decimal("2.78")]


# e) The open cycle's progress


@pytest.fixture
def open_cycle_world(secretariat):
    cycle = CycleFactory(
        year=_today().year,
        status=Cycle.Status.REVIEW,
        scoring_deadline=_today() + datetime.timedelta(days=10),
    )
    CycleFactory(year=_today().year - 1, status=Cycle.Status.PUBLISHED)
    first, second, withdrawn = (
        NominationFactory(cycle=cycle, nominated_by=secretariat),
        NominationFactory(cycle=cycle, nominated_by=secretariat),
        NominationFactory(
            cycle=cycle, nominated_by=secretariat, status=Nomination.Status.WITHDRAWN
        ),
    )
    one, two, three = (UserFactory(roles=["Panel"]) for _ in range(3))
    submitted_review(first, one, [8, 7])  # counted
    submitted_review(first, two, [5, 5], declaration="conflict")  # recused: neither
    AssignmentFactory(nomination=first, member=three, declaration="pending")  # expected
    draft = AssignmentFactory(nomination=second, member=one)  # expected, a draft
    Review.objects.create(assignment=draft, status=Review.Status.DRAFT)
    submitted_review(withdrawn, one, [9, 9])  # not an active nomination
    return cycle


def test_the_open_cycles_progress_counts_as_the_panel_progress_page(
    client, secretariat, open_cycle_world
):
    response, dashboard = _dashboard(client, secretariat)
    progress = dashboard.open_cycle
    assert (
        progress.cycle,
        progress.nominations,
        progress.reviews_submitted,
        progress.reviews_expected,
        progress.days_left,
        progress.closed,
    ) == (open_cycle_world, 2, 1, 3, 10, False)
    assert "10 days left" in response.text
    year = open_cycle_world.year
    assert f'href="{reverse("awards:nomination-list", args=[year])}"' in response.text
    assert f'href="{reverse("awards:panel-progress", args=[year])}"' in response.text

    # The pages behind the figures say the same.
    nominations = client.get(reverse("awards:nomination-list", args=[year])).context
    assert nominations["nominated"] == 2
    nominees = client.get(reverse("awards:panel-progress", args=[year])).context["progress"]
    assert sum(n.submitted for n in nominees.nominees) == 1
    assert sum(n.expected for n in nominees.nominees) == 3


@pytest.mark.parametrize(
    ("status", "deadlines", "shown"),
    [
        ("nominations", {"nomination_deadline": -1}, "(closed)"),
        (
            "nominations",
            {"nomination_deadline": 0, "scoring_deadline": 30},
            "Today is the last day.",
        ),
        ("nominations", {"nomination_deadline": 1}, "1 day left"),
        ("review", {"nomination_deadline": 3}, "no deadline set"),
    ],
)
def test_days_to_the_deadline_of_the_cycles_stage(client, secretariat, status, deadlines, shown):
    CycleFactory(
        year=_today().year,
        status=status,
        **{field: _today() + datetime.timedelta(days=days) for field, days in deadlines.items()},
    )
    response, _dashboard_ = _dashboard(client, secretariat)
    deadline_cell = response.text.split('id="cycle-deadline">')[1].split("</dd>")[0]
    assert shown in deadline_cell


def test_officers_and_verifiers_see_no_cycle_progress(client, officer, verifier, open_cycle_world):
    for user in (officer, verifier):
        response, dashboard = _dashboard(client, user)
        assert dashboard.open_cycle is None
        assert 'id="open-cycle"' not in response.text
        # The top enterprises still use the current cycle's window.
        assert dashboard.top.cycle == open_cycle_world


# The number of queries


def _world(size: str, open_cycle: bool, officer, verifier, secretariat, partner_user):
    """ "small": 3 events, 1 enterprise; "large": 60 events over 12 enterprises and many months,
    with nominations and reviews. Always a current cycle (published, or open)."""
    year = _today().year
    status = Cycle.Status.REVIEW if open_cycle else Cycle.Status.PUBLISHED
    cycle = CycleFactory(year=year, status=status, scoring_deadline=_today())
    firms = [EnterpriseFactory() for _ in range(1 if size == "small" else 12)]
    statuses = [Status.SUBMITTED, Status.VERIFIED, Status.RETURNED, Status.DRAFT]
    for n in range(3 if size == "small" else 60):
        EventFactory(
            enterprise=firms[n % len(firms)],
            event_type=EventType.values[n % len(EventType.values)],
            occurred_on=_today() - datetime.timedelta(days=17 * n),
            status=statuses[n % len(statuses)],
            submitted_at=_noon(_today() - datetime.timedelta(days=n)),
            logged_by=officer,
            verified_by=verifier,
            verified_at=timezone.now(),
        )
    report_of(partner_user)
    if size == "large":
        member = UserFactory(roles=["Panel"])
        for firm in firms[:6]:
            submitted_review(NominationFactory(cycle=cycle, enterprise=firm), member, [5, 6])


# session, user (with the unread notifications), roles; events per month; backlog (three
# capped counts of the submitted events and the oldest, then the user's own open ones: each
# from its own index); triage; current cycle, top enterprises (kept tallies); open cycle and
# what awaits approval (none for the officer: no query).
QUERIES = {"secretariat": 14, "officer": 12}


@pytest.mark.parametrize("open_cycle", [True, False], ids=["open-cycle", "no-open-cycle"])
@pytest.mark.parametrize("size", ["small", "large"])
@pytest.mark.parametrize("role", ["secretariat", "officer"])
def test_the_dashboard_costs_a_fixed_number_of_queries(
    client,
    django_assert_num_queries,
    officer,
    verifier,
    secretariat,
    partner_user,
    role,
    size,
    open_cycle,
):
    _world(size, open_cycle, officer, verifier, secretariat, partner_user)
    user = {"secretariat": secretariat, "officer": officer}[role]
    client.force_login(user)
    client.get(URL)  # warm-up: per-process caches (content types)
    with django_assert_num_queries(QUERIES[role]):
        response = client.get(URL)
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.events.total > 0
    assert (dashboard.open_cycle is not None) == (open_cycle and role == "secretariat")
