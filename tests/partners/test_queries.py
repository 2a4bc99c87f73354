"""Pages cost a fixed number of queries, whatever the number of rows.

Each page is measured with 1 row, 10 rows and more rows than fit on one page
(enterprise and event lists show 50 a page, the enterprise timeline 25).
The first request warms per-process caches (content types), so the counts are exact.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from awards.models import NominationResult
from partners.models import CooperationEvent
from portal.audit import audit
from tests.awards.factories import CycleFactory, NominationFactory
from tests.factories import EnterpriseFactory, EventFactory

pytestmark = pytest.mark.django_db

ROWS = [1, 10, 60]


def _get(client, url, django_assert_num_queries, queries):
    client.get(url)  # warm-up
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    return response


# session, user, the user's roles, count, page
@pytest.mark.parametrize("rows", ROWS)
def test_enterprise_list(client, secretariat, rows, django_assert_num_queries):
    EnterpriseFactory.create_batch(rows)
    client.force_login(secretariat)
    response = _get(client, reverse("partners:enterprise-list"), django_assert_num_queries, 5)
    assert response.context["page"].paginator.count == rows
    assert len(response.context["page"].object_list) == min(rows, 50)


@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize(
    "query",
    ["", "?q=Harbour", "?sector=cargo_terminal&status=active"],
    ids=["all", "search", "filtered"],
)
def test_enterprise_list_filtered(client, verifier, rows, query, django_assert_num_queries):
    EnterpriseFactory.create_batch(rows)
    client.force_login(verifier)
    url = reverse("partners:enterprise-list") + query
    response = _get(client, url, django_assert_num_queries, 5)
    assert response.context["page"].paginator.count == rows


# session, user, the user's roles, the keys of the list (up to COUNT_CAP), the page's events
# with their enterprise and officer; a search adds the matching enterprises
@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?status=submitted",
        "?mine=on",
        "?q=Harbour",
        "?event_type=intelligence_tip&significance=routine",
        "?occurred_from=2024-01-01&occurred_to=2024-12-31",
        "?status=submitted&page=2",
        "?ordering=occurred_on",
        "?ordering=-updated_at",
        # The verifier's queue, and its second page.
        "?status=submitted&ordering=submitted_at",
        "?status=submitted&ordering=submitted_at&page=2",
        # Where an import lands.
        "?mine=on&status=submitted&ordering=-created_at",
    ],
    ids=[
        "all",
        "status",
        "mine",
        "search",
        "type",
        "dates",
        "page-2",
        "oldest-occurred",
        "last-changed",
        "verifier-queue",
        "verifier-queue-page-2",
        "imported",
    ],
)
def test_event_list(client, officer, rows, query, django_assert_num_queries):
    # Each event on its own enterprise, so a missing select_related shows as N queries.
    EventFactory.create_batch(rows, logged_by=officer, submitted=True)
    client.force_login(officer)
    url = reverse("partners:event-list") + query
    # A search reads the matching enterprises first (EventFilter.search): one query more.
    response = _get(client, url, django_assert_num_queries, 6 if "q=" in query else 5)
    assert response.context["page"].paginator.count == rows


@pytest.mark.parametrize("rows", ROWS)
def test_event_list_of_events_logged_by_different_officers(
    client, verifier, rows, django_assert_num_queries
):
    EventFactory.create_batch(rows, submitted=True)
    client.force_login(verifier)
    url = reverse("partners:event-list") + "?status=submitted"
    response = _get(client, url, django_assert_num_queries, 5)
    assert len(response.context["page"].object_list) == min(rows, 50)


# session, user, roles, count, page
@pytest.mark.parametrize("rows", ROWS)
def test_the_officers_drafts_and_returned_events(client, officer, rows, django_assert_num_queries):
    EventFactory.create_batch(rows, logged_by=officer)
    EventFactory.create_batch(rows, logged_by=officer, status=CooperationEvent.Status.RETURNED)
    EventFactory.create_batch(rows, logged_by=officer, submitted=True)
    client.force_login(officer)
    url = reverse("partners:event-list") + "?mine=on&needs_action=on&ordering=-updated_at"
    response = _get(client, url, django_assert_num_queries, 5)
    assert response.context["page"].paginator.count == 2 * rows


# session, user, roles: a filter that cannot be applied shows nothing, so costs nothing more
@pytest.mark.parametrize("rows", ROWS)
@pytest.mark.parametrize("query", ["?status=bogus", "?ordering=title", "?occurred_from=x"])
def test_event_list_with_an_invalid_filter(client, officer, rows, query, django_assert_num_queries):
    EventFactory.create_batch(rows, logged_by=officer, submitted=True)
    client.force_login(officer)
    url = reverse("partners:event-list") + query
    response = _get(client, url, django_assert_num_queries, 3)
    assert response.context["page"].paginator.count == 0


# session, user, roles
@pytest.mark.parametrize("rows", ROWS)
def test_enterprise_list_with_an_invalid_filter(
    client, secretariat, rows, django_assert_num_queries
):
    EnterpriseFactory.create_batch(rows)
    client.force_login(secretariat)
    url = reverse("partners:enterprise-list") + "?sector=bogus"
    response = _get(client, url, django_assert_num_queries, 3)
    assert response.context["page"].paginator.count == 0


def _enterprise_with_history(enterprise, officer, verifier, secretariat, rows):
    EventFactory.create_batch(
        rows, enterprise=enterprise, logged_by=officer, verified=True, verified_by=verifier
    )
    # 2, 3 or 5 award cycles: the latest under review (scored live), the others finalised
    # with the enterprise's frozen result.
    for index in range(2 + rows // 10):
        cycle = CycleFactory(year=2024 - index, status="review" if index == 0 else "finalised")
        nomination = NominationFactory(cycle=cycle, enterprise=enterprise, nominated_by=secretariat)
        if index:
            NominationResult.objects.create(
                nomination=nomination,
                verified_events=rows,
                cooperation_score=Decimal("10.00"),
                reviews=0,
                awarded=True,
            )
    for n in range(rows):
        audit(
            secretariat,
            "partners.enterprise.updated",
            enterprise,
            {"contact_phone": [f"2345 {n:04d}", f"2345 {n + 1:04d}"]},
        )


# session, user, roles, enterprise, event count, event page, audit entries, enforcement
# concerns, event counts per type and year, the award history (nominations, latest finalised
# cycle, streaks: 2), cycles, their rules, the enterprise's nominations with results, the live
# cooperation scores (one aggregate for every cycle)
@pytest.mark.parametrize("rows", [1, 10, 30])
def test_enterprise_detail_for_staff(
    client, enterprise, officer, verifier, secretariat, rows, django_assert_num_queries
):
    _enterprise_with_history(enterprise, officer, verifier, secretariat, rows)
    client.force_login(secretariat)
    response = _get(client, enterprise.get_absolute_url(), django_assert_num_queries, 17)
    assert len(response.context["page"].object_list) == min(rows, 25)
    assert len(response.context["audit_entries"]) == rows
    assert len(response.context["cooperation"]) == 2 + rows // 10


# session, user, roles, enterprise, event count, event page, event counts per type and year
# (no audit trail, award history or scores for partners)
@pytest.mark.parametrize("rows", [1, 10, 30])
def test_enterprise_detail_for_its_partner(
    client,
    enterprise,
    partner_user,
    officer,
    verifier,
    secretariat,
    rows,
    django_assert_num_queries,
):
    _enterprise_with_history(enterprise, officer, verifier, secretariat, rows)
    client.force_login(partner_user)
    response = _get(client, enterprise.get_absolute_url(), django_assert_num_queries, 7)
    assert len(response.context["page"].object_list) == min(rows, 25)


# session, user, roles, event, evidence, audit entries
@pytest.mark.parametrize("rows", [1, 10])
def test_event_detail(client, submitted_event, officer, verifier, rows, django_assert_num_queries):
    for n in range(rows):
        audit(verifier, "partners.event.updated", submitted_event, {"title": [str(n), str(n + 1)]})
    client.force_login(verifier)
    _get(client, submitted_event.get_absolute_url(), django_assert_num_queries, 6)
