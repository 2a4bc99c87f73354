"""The event list as a work queue: orderings, the officer's and the verifier's queues (reached
from the dashboard), filters that cannot be applied, and what the page says about them."""

import datetime

import pytest
from django.urls import reverse

from partners.models import CooperationEvent
from tests.factories import EnterpriseFactory, EventFactory

pytestmark = pytest.mark.django_db
Status = CooperationEvent.Status
LIST_URL = "/events/"


def _at(day: int, hour: int = 9) -> datetime.datetime:
    return datetime.datetime(2024, 6, day, hour, tzinfo=datetime.UTC)


def _event(*, occurred_on, submitted_at=None, updated_at, created_at, **kwargs):
    event = EventFactory(occurred_on=occurred_on, submitted_at=submitted_at, **kwargs)
    # auto_now and auto_now_add ignore values given on save; set them as they would have been.
    CooperationEvent.objects.filter(pk=event.pk).update(
        updated_at=updated_at, created_at=created_at
    )
    return event


def _pks(response) -> list[int]:
    return [event.pk for event in response.context["page"].object_list]


@pytest.fixture
def four_events(officer):
    """Events whose dates cross, so each ordering gives a different sequence;
    c and d occurred on the same day, so the tie is broken by their creation order."""
    submitted = {"logged_by": officer, "status": Status.SUBMITTED}
    a = _event(
        occurred_on=datetime.date(2024, 1, 10),
        submitted_at=_at(3),
        updated_at=_at(5),
        created_at=_at(1),
        **submitted,
    )
    b = _event(
        occurred_on=datetime.date(2024, 3, 1),
        submitted_at=_at(1),
        updated_at=_at(4),
        created_at=_at(3),
        **submitted,
    )
    c = _event(
        occurred_on=datetime.date(2024, 2, 1),
        submitted_at=_at(2),
        updated_at=_at(6),
        created_at=_at(2),
        **submitted,
    )
    # A draft: never submitted, so last in the verifier's order.
    d = _event(
        occurred_on=datetime.date(2024, 2, 1),
        updated_at=_at(1, hour=8),
        created_at=_at(1, hour=7),
        logged_by=officer,
    )
    return {"a": a, "b": b, "c": c, "d": d}


@pytest.mark.parametrize(
    ("ordering", "expected"),
    [
        ("", "bdca"),
        ("-occurred_on", "bdca"),
        ("occurred_on", "acdb"),
        ("submitted_at", "bcad"),
        ("-updated_at", "cabd"),
        ("-created_at", "bcad"),
    ],
    ids=[
        "default",
        "newest-occurred",
        "oldest-occurred",
        "oldest-submitted",
        "last-changed",
        "logged",
    ],
)
def test_the_list_is_in_the_order_asked_for(client, officer, four_events, ordering, expected):
    client.force_login(officer)
    response = client.get(LIST_URL, {"ordering": ordering} if ordering else {})
    assert _pks(response) == [four_events[name].pk for name in expected]


def test_the_order_choices_read_as_what_they_do(client, officer):
    client.force_login(officer)
    response = client.get(LIST_URL)
    assert list(response.context["filter"].form.fields["ordering"].choices) == [
        ("-occurred_on", "Date occurred, newest first"),
        ("occurred_on", "Date occurred, oldest first"),
        ("submitted_at", "Submitted, oldest first"),
        ("-updated_at", "Last changed, newest first"),
        ("-created_at", "Logged, newest first"),
    ]


def test_pages_of_a_tied_ordering_neither_overlap_nor_skip(client, officer):
    # Sixty events submitted at the same moment: only the primary key tells them apart.
    EventFactory.create_batch(60, logged_by=officer, status=Status.SUBMITTED, submitted_at=_at(1))
    client.force_login(officer)
    first = _pks(client.get(LIST_URL, {"ordering": "submitted_at"}))
    second = _pks(client.get(LIST_URL, {"ordering": "submitted_at", "page": 2}))
    assert first + second == sorted(CooperationEvent.objects.values_list("pk", flat=True))


def test_the_submitted_column_shows_the_local_time(client, verifier):
    EventFactory(status=Status.SUBMITTED, submitted_at=_at(1, hour=1))
    # Withdrawn while still a draft: never submitted.
    EventFactory(status=Status.WITHDRAWN, withdrawal_reason="Logged twice.")
    client.force_login(verifier)
    response = client.get(LIST_URL)
    assert '<th scope="col">Submitted</th>' in response.text
    # 01:00 UTC is 09:00 in Hong Kong.
    assert '<td class="text-nowrap">1 Jun 2024 09:00</td>' in response.text
    assert '<td class="text-nowrap">—</td>' in response.text


# The verifier's queue


def _dashboard_link(client, figure: str) -> str:
    """The address behind a figure of the dashboard, where staff land."""
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/dashboard/", 302)]
    return getattr(response.context["dashboard"].backlog, figure).url


def test_the_verifiers_queue_from_the_dashboard_lists_the_longest_waiting_first(
    client, verifier, officer, officer2
):
    newest = EventFactory(logged_by=officer, status=Status.SUBMITTED, submitted_at=_at(3))
    oldest = EventFactory(logged_by=officer2, status=Status.SUBMITTED, submitted_at=_at(1))
    middle = EventFactory(logged_by=officer, status=Status.SUBMITTED, submitted_at=_at(2))
    EventFactory(logged_by=officer, status=Status.RETURNED, submitted_at=_at(1, hour=1))
    EventFactory(logged_by=officer, verified=True, submitted_at=_at(1, hour=2))
    client.force_login(verifier)

    url = _dashboard_link(client, "submitted")
    response = client.get(url)

    assert url == "/events/?status=submitted&ordering=submitted_at"
    assert _pks(response) == [oldest.pk, middle.pk, newest.pk]
    assert '<h1 class="h3 mb-0">Awaiting verification</h1>' in response.text


def test_any_list_of_submitted_events_is_headed_awaiting_verification(client, secretariat):
    client.force_login(secretariat)
    response = client.get(LIST_URL, {"status": "submitted", "q": "container"})
    assert response.context["heading"] == "Awaiting verification"


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ({}, "Cooperation events"),
        ({"status": "verified"}, "Cooperation events"),
        ({"mine": "on"}, "Events I logged"),
        ({"mine": "on", "needs_action": "on"}, "My drafts and returned events"),
        ({"status": "bogus"}, "Cooperation events"),
    ],
)
def test_the_heading_names_the_list_the_filters_make(client, officer, query, heading):
    client.force_login(officer)
    response = client.get(LIST_URL, query)
    assert response.context["heading"] == heading
    assert f'<h1 class="h3 mb-0">{heading}</h1>' in response.text


# The officer's drafts and returned events


@pytest.fixture
def officers_events(officer, officer2, verifier):
    def own(status, day, **kwargs):
        return _event(
            occurred_on=datetime.date(2024, 5, day),
            updated_at=_at(day),
            created_at=_at(1),
            logged_by=officer,
            status=status,
            **kwargs,
        )

    events = {
        "draft": own(Status.DRAFT, 2),
        "returned": own(Status.RETURNED, 4, return_reason="Add the container number."),
        "old_draft": own(Status.DRAFT, 1),
        "submitted": own(Status.SUBMITTED, 5, submitted_at=_at(5)),
        "verified": own(
            Status.VERIFIED, 6, submitted_at=_at(6), verified_by=verifier, verified_at=_at(6)
        ),
        "withdrawn": own(Status.WITHDRAWN, 7, withdrawal_reason="Logged twice."),
    }
    # A colleague's returned event is visible to the officer but is not theirs to fix.
    events["colleagues_returned"] = EventFactory(logged_by=officer2, status=Status.RETURNED)
    EventFactory(logged_by=officer2)  # a colleague's draft, out of sight anyway
    return events


def test_the_officers_drafts_and_returned_events_from_the_dashboard_latest_change_first(
    client, officer, officers_events
):
    client.force_login(officer)

    url = _dashboard_link(client, "my_open")
    response = client.get(url)

    assert url == "/events/?mine=on&needs_action=on&ordering=-updated_at"
    assert _pks(response) == [
        officers_events["returned"].pk,
        officers_events["draft"].pk,
        officers_events["old_draft"].pk,
    ]
    assert '<h1 class="h3 mb-0">My drafts and returned events</h1>' in response.text


def test_the_officer_can_see_all_the_events_they_logged(client, officer, officers_events):
    client.force_login(officer)
    response = client.get(_dashboard_link(client, "my_open"))
    assert '<a class="nav-link" href="/events/?mine=on">Events I logged</a>' in response.text

    response = client.get("/events/?mine=on")

    own = {name: e.pk for name, e in officers_events.items() if name != "colleagues_returned"}
    assert set(_pks(response)) == set(own.values())
    assert '<h1 class="h3 mb-0">Events I logged</h1>' in response.text


def test_draft_or_returned_without_mine_includes_colleagues_returned_events(
    client, officer, officers_events
):
    client.force_login(officer)
    response = client.get(LIST_URL, {"needs_action": "on", "ordering": "-updated_at"})
    assert set(_pks(response)) == {
        officers_events["returned"].pk,
        officers_events["draft"].pk,
        officers_events["old_draft"].pk,
        officers_events["colleagues_returned"].pk,
    }


def test_only_officers_see_the_links_to_their_own_events(client, verifier):
    client.force_login(verifier)
    response = client.get(LIST_URL)
    assert "My drafts and returned events" not in response.text
    assert "Events I logged" not in response.text


# Filters


def test_empty_choices_read_any_and_the_filters_can_be_cleared(client, officer):
    client.force_login(officer)
    response = client.get(LIST_URL, {"status": "submitted"})
    # Type and significance are unset, status is set.
    assert response.text.count('<option value="" selected>Any</option>') == 2
    assert response.text.count('<option value="">Any</option>') == 1
    assert "---------" not in response.text
    assert '<a class="btn btn-link" href="/events/">Clear filters</a>' in response.text


@pytest.mark.parametrize(
    ("query", "field", "error"),
    [
        (
            {"status": "bogus"},
            "status",
            "Select a valid choice. bogus is not one of the available choices.",
        ),  # noqa: E501
        (
            {"ordering": "title"},
            "ordering",
            "Select a valid choice. title is not one of the available choices.",
        ),  # noqa: E501
        ({"occurred_from": "17/05/2024"}, "occurred_from", "Enter a valid date."),
        # Issue 14: a reversed range gave "0 events", as if none had occurred.
        (
            {"occurred_from": "2024-06-30", "occurred_to": "2024-06-01"},
            "occurred_to",
            "This date is before the start of the range (2024-06-30).",
        ),
        (
            {"submitted_from": "2024-06-30", "submitted_to": "2024-06-01"},
            "submitted_to",
            "This date is before the start of the range (2024-06-30).",
        ),
    ],
    ids=["status", "ordering", "date", "reversed-occurred", "reversed-submitted"],
)
def test_an_invalid_filter_shows_its_error_and_no_event(
    client, officer, submitted_event, query, field, error
):
    client.force_login(officer)

    response = client.get(LIST_URL, query)

    assert response.status_code == 200
    assert response.context["filter"].form.errors == {field: [error]}
    assert _pks(response) == []
    assert error in response.text
    assert "A filter is not valid, so no event is shown." in response.text
    assert submitted_event.title not in response.text
    # The export refuses the same filters rather than exporting everything.
    export = client.get(reverse("partners:event-export"), {**query, "format": "csv"})
    assert export.status_code == 400


def test_an_invalid_enterprise_filter_shows_its_error_and_no_enterprise(client, secretariat):
    EnterpriseFactory(name_en="Kwai Chung Container Terminal")
    client.force_login(secretariat)

    response = client.get(reverse("partners:enterprise-list"), {"sector": "bogus"})

    assert response.status_code == 200
    assert response.context["filter"].form.errors == {
        "sector": ["Select a valid choice. bogus is not one of the available choices."]
    }
    assert list(response.context["page"].object_list) == []
    assert "A filter is not valid, so no enterprise is shown." in response.text
    assert "Kwai Chung Container Terminal" not in response.text
    assert '<a class="btn btn-link" href="/enterprises/">Clear filters</a>' in response.text
    assert '<option value="" selected>Any</option>' in response.text


def test_an_export_honours_the_filters_of_a_queue(client, officer, officers_events):
    client.force_login(officer)
    response = client.get(
        reverse("partners:event-export"),
        {"mine": "on", "needs_action": "on", "ordering": "-updated_at", "format": "csv"},
    )
    ids = [int(line.split(",")[0]) for line in response.getvalue().decode().splitlines()[1:]]
    # Exports keep their own order: date occurred, then id.
    assert ids == [
        officers_events["old_draft"].pk,
        officers_events["draft"].pk,
        officers_events["returned"].pk,
    ]


def test_a_range_of_one_day_is_not_reversed(client, officer, submitted_event):
    client.force_login(officer)
    day = submitted_event.occurred_on.isoformat()
    response = client.get(LIST_URL, {"occurred_from": day, "occurred_to": day})
    assert response.context["filter"].form.errors == {}
    assert _pks(response) == [submitted_event.pk]
