"""The event list at a whole administration's volume (issue 12): it counts no further than
COUNT_CAP rows, pages by the keys it read, and runs its search once."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners.filters import EventFilter
from partners.models import CooperationEvent
from partners.views.events import SEARCH_COUNT_CAP
from portal import shortcuts
from portal.shortcuts import CappedPaginator
from tests.factories import EnterpriseFactory, EventFactory

pytestmark = pytest.mark.django_db
LIST_URL = reverse("partners:event-list")


@pytest.fixture
def seven_events(officer):
    """Submitted events a week apart, the newest first in `events`."""
    events = [
        EventFactory(
            logged_by=officer,
            submitted=True,
            occurred_on=datetime.date(2024, 1, 1) + datetime.timedelta(weeks=i),
        )
        for i in range(7)
    ]
    return events[::-1]


def test_the_paginator_counts_up_to_its_cap_and_pages_in_the_lists_order(seven_events):
    paginator = CappedPaginator(CooperationEvent.objects.all(), 2, cap=5)
    assert (paginator.count, paginator.more, paginator.num_pages) == (5, True, 3)
    assert list(paginator.page(1)) == seven_events[:2]
    assert list(paginator.page(3)) == seven_events[4:5]  # the last counted row, not beyond


def test_the_paginator_counts_only_a_window_past_the_page_asked_for(seven_events):
    paginator = CappedPaginator(CooperationEvent.objects.all(), 2, cap=100, ahead=1)
    with CaptureQueriesContext(connection) as queries:
        page = paginator.get_page(1)
    assert "LIMIT 4" in queries.captured_queries[0]["sql"]  # page 1's 2 rows, 1 ahead, 1 more
    assert (paginator.count, paginator.more, paginator.capped) == (3, True, False)
    assert list(page) == seven_events[:2]
    assert page.has_next()

    page = paginator.get_page(3)  # the window reaches the end: counted exactly
    assert (paginator.count, paginator.more, paginator.num_pages) == (7, False, 4)
    assert list(page) == seven_events[4:6]


def test_the_list_says_more_than_its_window_and_goes_on_paging(
    client, officer, seven_events, monkeypatch
):
    monkeypatch.setattr(shortcuts, "PAGE_SIZE", 2)
    monkeypatch.setattr(shortcuts, "COUNT_AHEAD", 1)
    client.force_login(officer)
    response = client.get(LIST_URL)
    assert "More than 3 events." in response.text
    assert "Page 1 of more than 2" in response.text
    response = client.get(LIST_URL + "?page=4")
    assert list(response.context["page"]) == seven_events[6:]
    assert "7 events" in response.text
    assert "Page 4 of 4" in response.text


def test_under_its_cap_the_paginator_counts_exactly(seven_events):
    paginator = CappedPaginator(CooperationEvent.objects.all(), 5, cap=7)
    assert (paginator.count, paginator.more) == (7, False)
    assert list(paginator.page(2)) == seven_events[5:]


def test_the_list_says_more_than_the_cap_when_more_events_match(
    client, officer, seven_events, monkeypatch
):
    monkeypatch.setattr(shortcuts, "COUNT_CAP", 5)
    client.force_login(officer)
    response = client.get(LIST_URL)
    page = response.context["page"]
    assert (page.paginator.count, page.paginator.more) == (5, True)
    assert "More than 5 events: the first 5 are shown." in response.text
    assert "7 events" not in response.text


def test_a_page_past_the_cap_shows_the_last_counted_page(
    client, officer, seven_events, monkeypatch
):
    monkeypatch.setattr(shortcuts, "PAGE_SIZE", 2)
    monkeypatch.setattr(shortcuts, "COUNT_CAP", 5)
    client.force_login(officer)
    response = client.get(LIST_URL + "?page=9")
    assert response.context["page"].number == 3
    assert list(response.context["page"]) == seven_events[4:5]
    assert "Page 3 of more than 3" in response.text


def test_the_search_finds_titles_enterprise_names_and_br_numbers(client, officer):
    harbour = EnterpriseFactory(
        name_en="Harbour Freight Ltd", name_zh="海港貨運", br_number="12345678"
    )
    other = EnterpriseFactory(name_en="Inland Depot Ltd", name_zh="內陸倉庫", br_number="87654321")
    by_title = EventFactory(
        enterprise=other, logged_by=officer, title="Reefer seizure at Kwai Chung"
    )
    of_harbour = EventFactory(enterprise=harbour, logged_by=officer, title="Training day")
    EventFactory(enterprise=other, logged_by=officer, title="Unrelated")
    client.force_login(officer)

    def found(text):
        response = client.get(LIST_URL, {"q": text})
        return {event.pk for event in response.context["page"]}

    assert found("reefer SEIZURE") == {by_title.pk}
    assert found("harbour") == {of_harbour.pk}
    assert found("海港") == {of_harbour.pk}
    assert found(" 12345678 ") == {of_harbour.pk}
    assert found("1234") == set()  # a BR number is matched whole
    assert found("nothing like it") == set()


def test_the_search_runs_once_per_page(client, officer, seven_events):
    client.force_login(officer)
    client.get(LIST_URL, {"q": "Harbour"})  # warm-up
    with CaptureQueriesContext(connection) as queries:
        client.get(LIST_URL, {"q": "Harbour"})
    limit = f"LIMIT {SEARCH_COUNT_CAP + 1}"
    searching = [q["sql"] for q in queries if "LIKE" in q["sql"] and "cooperationevent" in q["sql"]]
    # The keys query; the page's rows are then read by key (the condition repeated on 50 rows).
    assert len([sql for sql in searching if limit in sql]) == 1
    assert all(limit in sql or '"id" IN (' in sql for sql in searching)


def test_a_search_counts_up_to_its_own_smaller_cap(client, officer, seven_events, monkeypatch):
    from partners.views import events

    monkeypatch.setattr(events, "SEARCH_COUNT_CAP", 3)
    client.force_login(officer)
    searched = client.get(LIST_URL, {"q": "container"}).context["page"].paginator
    assert (searched.count, searched.more) == (3, True)
    listed = client.get(LIST_URL).context["page"].paginator
    assert (listed.count, listed.more) == (7, False)


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"ordering": "occurred_on"},
        {"ordering": "submitted_at"},  # not read by the union: the list's own query
        {"event_type": "training"},
        {"status": "submitted", "ordering": "occurred_on"},
    ],
)
def test_a_search_reads_by_the_union_of_its_two_conditions_what_the_either_finds(
    client, officer, monkeypatch, filters
):
    """The keys of a search come from the union of the newest by title and the newest by
    enterprise (EventFilter.search_keys): the same events, in the same order, counted the same,
    as the list's own query with both conditions ORed, with other filters and past the cap."""
    monkeypatch.setattr(shortcuts, "PAGE_SIZE", 3)
    monkeypatch.setattr("partners.views.events.SEARCH_COUNT_CAP", 7)
    harbour = EnterpriseFactory(name_en="Harbour Freight Ltd")
    other = EnterpriseFactory(name_en="Inland Depot Ltd")
    day = datetime.date(2024, 1, 1)
    for i in range(12):
        EventFactory(
            enterprise=harbour if i % 2 else other,
            logged_by=officer,
            submitted=i % 3 != 0,
            event_type="training" if i % 4 < 2 else "facilitation",
            title=f"Harbour patrol {i}" if i % 3 == 0 else f"Inspection {i}",
            occurred_on=day + datetime.timedelta(days=(i * 5) % 12),
        )
    client.force_login(officer)
    query = {"q": "harbour", **filters}
    expected = list(
        EventFilter(
            query, queryset=CooperationEvent.objects.visible_to(officer), request=_req(officer)
        ).qs.values_list("pk", flat=True)
    )
    assert len(expected) > 7 or filters
    pages, number = [], 1
    while True:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(LIST_URL, {**query, "page": number})
        # The events' union (the matching enterprises are read by a union of their own).
        unions = [
            q
            for q in queries.captured_queries
            if " UNION " in q["sql"] and '"partners_cooperationevent"' in q["sql"]
        ]
        by_union = connection.features.supports_slicing_ordering_in_compound  # not SQLite
        assert len(unions) == (1 if by_union and filters.get("ordering") != "submitted_at" else 0)
        page = response.context["page"]
        pages += [event.pk for event in page]
        if not page.has_next():
            break
        number += 1
    assert pages == expected[:7]
    assert page.paginator.more == (len(expected) > 7)


def _req(user):
    from django.test import RequestFactory

    request = RequestFactory().get(LIST_URL)
    request.user = user
    return request
