"""Who may call each API endpoint: every endpoint of the schema against keys of every kind
(partner keys of two enterprises, one without the scope, staff keys with and without a scope,
revoked and expired keys, no key). One row per endpoint; each cell a status."""

import json

import pytest
from django.test import Client

from portal.api.scopes import PARTNER_SCOPES, STAFF_SCOPES, Scope
from tests.api import api_client, partner_key, staff_key
from tests.api.world import KEYS, build_world

pytestmark = pytest.mark.django_db

#               none  p1   p2   p1-narrow staff s-narrow revoked expired
ANY_KEY = (401, 200, 200, 200, 200, 200, 401, 401)
PARTNER_LIST = (401, 200, 200, 403, 403, 403, 401, 401)
PARTNER1S = (401, 200, 404, 403, 403, 403, 401, 401)
STAFF_EVENTS = (401, 403, 403, 403, 200, 200, 401, 401)
STAFF = (401, 403, 403, 403, 200, 403, 401, 401)

# (path as a function of the world, the cell per key, the scope it needs)
ACCESS = [
    ("/api/v1/key/", ANY_KEY, None),
    ("/api/v1/reports/", PARTNER_LIST, Scope.REPORTS_READ),
    (lambda w: f"/api/v1/reports/{w.report.pk}/", PARTNER1S, Scope.REPORTS_READ),
    ("/api/v1/events/", PARTNER_LIST, Scope.EVENTS_READ),
    (lambda w: f"/api/v1/events/{w.event.pk}/", PARTNER1S, Scope.EVENTS_READ),
    ("/api/v1/standing/", PARTNER_LIST, Scope.STANDING_READ),
    ("/api/v1/certificates/", PARTNER_LIST, Scope.CERTIFICATES_READ),
    (lambda w: f"/api/v1/certificates/{w.certificate.pk}/", PARTNER1S, Scope.CERTIFICATES_READ),
    ("/api/v1/staff/events/", STAFF_EVENTS, Scope.STAFF_EVENTS_READ),
    (lambda w: f"/api/v1/staff/events/{w.event.pk}/", STAFF_EVENTS, Scope.STAFF_EVENTS_READ),
    ("/api/v1/staff/enterprises/", STAFF, Scope.STAFF_ENTERPRISES_READ),
    (
        lambda w: f"/api/v1/staff/enterprises/{w.enterprise.pk}/",
        STAFF,
        Scope.STAFF_ENTERPRISES_READ,
    ),
    ("/api/v1/staff/cycles/", STAFF, Scope.STAFF_CYCLES_READ),
    ("/api/v1/staff/cycles/2024/", STAFF, Scope.STAFF_CYCLES_READ),
    ("/api/v1/staff/cycles/2024/ranking/", STAFF, Scope.STAFF_CYCLES_READ),
]


def _path(row, world) -> str:
    return row[0](world) if callable(row[0]) else row[0]


@pytest.fixture
def world(officer, verifier2, secretariat, partner_user, other_partner_user):
    return build_world(
        officer=officer,
        verifier2=verifier2,
        secretariat=secretariat,
        partner_user=partner_user,
        other_partner_user=other_partner_user,
    )


@pytest.mark.parametrize(
    "row",
    ACCESS,
    ids=[str(row[0]) if isinstance(row[0], str) else f"{row[2]}-detail" for row in ACCESS],
)
def test_access(world, row):
    path = _path(row, world)
    actual = tuple(api_client(world.texts[key]).get(path).status_code for key in KEYS)
    assert dict(zip(KEYS, actual, strict=True)) == dict(zip(KEYS, row[1], strict=True)), path


@pytest.mark.parametrize("row", [row for row in ACCESS if row[2]], ids=lambda row: str(row[2]))
def test_each_endpoint_needs_its_own_scope(world, row, partner_user, secretariat):
    """A key with every scope of its kind but the endpoint's gets 403; with that scope alone,
    200."""
    path = _path(row, world)
    scopes = PARTNER_SCOPES if row[2] in PARTNER_SCOPES else STAFF_SCOPES
    make = (
        (lambda scopes, name: partner_key(partner_user, scopes, name=name))
        if scopes == PARTNER_SCOPES
        else (lambda scopes, name: staff_key(secretariat, scopes, name=name))
    )
    _key, without = make([s for s in scopes if s != row[2]], "without")
    _key, only = make([row[2]], "only")
    assert api_client(without).get(path).status_code == 403
    assert api_client(only).get(path).status_code == 200


def test_every_endpoint_of_the_schema_is_in_the_matrix(world):
    schema = json.loads(Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json").content)
    # Whole path segments only: replacing the keys as substrings made "/api/v1/" or one key
    # inside another (3 in 31) unrecognisable, depending on the keys the database handed out.
    keys = {str(obj.pk) for obj in (world.report, world.event, world.certificate, world.enterprise)}
    segment = {**dict.fromkeys(keys, "{id}"), "2024": "{year}"}
    tested = {
        "/".join(segment.get(part, part) for part in _path(row, world).split("/")) for row in ACCESS
    }
    get_paths = {path for path, operations in schema["paths"].items() if "get" in operations}
    assert get_paths <= tested, get_paths - tested


def test_another_enterprises_objects_are_404_for_a_partner_key(world):
    client = api_client(world.texts["partner1"])
    for path in (
        f"/api/v1/reports/{world.other_report.pk}/",
        f"/api/v1/events/{world.other_event.pk}/",
        f"/api/v1/certificates/{world.other_certificate.pk}/",
    ):
        assert client.get(path).status_code == 404, path
