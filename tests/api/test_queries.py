"""Every list endpoint answers in a number of queries that does not grow with its rows: the
same count with one row and with three (the key's look-up, its roles and the page)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from awards.models import Cycle
from partners.models import CooperationEvent
from tests.api import api_client
from tests.api.world import build_world
from tests.awards.certificate_data import awarded_result, certificate_of
from tests.awards.factories import CycleFactory
from tests.factories import EnterpriseFactory, EventFactory
from tests.partners.report_data import report_of

pytestmark = pytest.mark.django_db

LISTS = {
    "partner1": [
        "/api/v1/reports/",
        "/api/v1/events/",
        "/api/v1/certificates/",
        "/api/v1/standing/",
    ],
    "staff": [
        "/api/v1/staff/events/",
        "/api/v1/staff/enterprises/",
        "/api/v1/staff/cycles/",
        "/api/v1/staff/cycles/2024/ranking/",
    ],
}


@pytest.fixture
def world(officer, verifier2, secretariat, partner_user, other_partner_user):
    return build_world(
        officer=officer,
        verifier2=verifier2,
        secretariat=secretariat,
        partner_user=partner_user,
        other_partner_user=other_partner_user,
    )


def _add_two_of_each(world, *, officer, verifier2, secretariat, partner_user):
    for year in (2022, 2023):
        cycle = CycleFactory(year=year, status=Cycle.Status.PUBLISHED)
        certificate_of(
            awarded_result(cycle, world.enterprise, nominated_by=secretariat),
            serial=f"EEPA-{year}-0001",
        )
    for _ in range(2):
        report_of(partner_user)
        EventFactory(
            enterprise=world.enterprise,
            logged_by=officer,
            status=CooperationEvent.Status.VERIFIED,
            verified_by=verifier2,
            verified_at=timezone.now(),
        )
        EnterpriseFactory()
    cycle = Cycle.objects.get(year=2024)
    for rank in (3, 4):
        awarded_result(cycle, EnterpriseFactory(), nominated_by=secretariat, rank=rank)


def _counts(world) -> dict[str, int]:
    counts = {}
    for key, paths in LISTS.items():
        client = api_client(world.texts[key])
        for path in paths:
            client.get(path)  # the key's last use written once, out of the count
            with CaptureQueriesContext(connection) as queries:
                response = client.get(path)
            assert response.status_code == 200, (path, response.content)
            counts[path] = len(queries)
    return counts


def test_list_endpoints_make_the_same_queries_whatever_their_rows(
    world, officer, verifier2, secretariat, partner_user
):
    before = _counts(world)
    _add_two_of_each(
        world,
        officer=officer,
        verifier2=verifier2,
        secretariat=secretariat,
        partner_user=partner_user,
    )
    after = _counts(world)
    assert after == before
    # The key and its roles, then the page (a list: one query; the ranking and standing read
    # the kept scores in a fixed number).
    assert before["/api/v1/reports/"] == 3
    assert before["/api/v1/events/"] == 3
    assert before["/api/v1/staff/enterprises/"] == 3
