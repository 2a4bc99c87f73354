"""API keys in the portal: a partner enterprise's managers make and revoke its keys, the
secretariat its service accounts' keys. Who may open each page (every role), the key shown once
and stored hashed, re-authentication before creation, audited creation and revocation, and the
key's principal kept out of the colleagues page."""

import datetime
import re
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from partners.models import Membership
from portal.api.keys import parse_key, secret_hash
from portal.api.models import ApiKey
from portal.clock import today
from portal.models import AuditEntry
from portal.sessions import REAUTH_AT
from tests.access import (
    ALL_405,
    LOGIN,
    SECRETARIAT_ONLY,
    Access,
    check_access,
    parametrize_access,
    role_users,
    to,
)
from tests.api import api_client, partner_key, staff_key
from tests.factories import PASSWORD
from tests.portal.two_factor import age_session

pytestmark = pytest.mark.django_db

PARTNER_LIST = "/my-enterprise/api-keys/"
STAFF_LIST = "/api-keys/"
# partner1 and partner2 are both managers of their own enterprise here.
MANAGERS = (LOGIN, 403, 403, 403, 403, 200, 200, 403, 403)
# partner1 revokes its own enterprise's key; partner2 gets 404 for it.
PARTNER1S = (LOGIN, 403, 403, 403, 403, to(PARTNER_LIST), 404, 403, 403)
EXPIRES = (today() + datetime.timedelta(days=30)).isoformat()

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("partners:api-keys", "get", MANAGERS),
    Access("partners:api-key-create", "get", MANAGERS),
    Access("partners:api-key-create", "post", MANAGERS, data={"name": "Monitor", "scopes": ["reports:read"], "expires_on": EXPIRES}),  # noqa: E501
    Access("partners:api-key-revoke", "get", ALL_405, lambda w: [w.partner_key.pk]),
    Access("partners:api-key-revoke", "post", PARTNER1S, lambda w: [w.partner_key.pk]),
    Access("staff-api-keys", "get", SECRETARIAT_ONLY),
    Access("staff-api-key-create", "get", SECRETARIAT_ONLY),
    Access("staff-api-key-create", "post", SECRETARIAT_ONLY, data={"name": "Risk tool", "scopes": ["staff:events:read"], "expires_on": EXPIRES}),  # noqa: E501
    Access("staff-api-key-revoke", "get", ALL_405, lambda w: [w.staff_key.pk]),
    Access("staff-api-key-revoke", "post", (LOGIN, 403, 403, to(STAFF_LIST), 403, 403, 403, to(STAFF_LIST), 403), lambda w: [w.staff_key.pk]),  # noqa: E501
    # A partner key is not a staff key: 404 on the staff page, whoever asks.
    Access("staff-api-key-revoke", "post", (LOGIN, 403, 403, 404, 403, 403, 403, 404, 403), lambda w: [w.partner_key.pk], case="partner-key"),  # noqa: E501
]
# fmt: on


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    Membership.objects.filter(user__in=[partner_user, other_partner_user]).update(is_manager=True)
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        partner_key=partner_key(partner_user)[0],
        staff_key=staff_key(secretariat)[0],
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    # The creation pages answer with the new key (200), not a redirect.
    check_access(client, world, row, role)


def _manager_client(client, partner_user):
    Membership.objects.filter(user=partner_user).update(is_manager=True)
    client.force_login(partner_user)
    return client


def test_a_manager_creates_a_key_shown_once_and_stored_hashed(client, partner_user):
    _manager_client(client, partner_user)
    response = client.post(
        reverse("partners:api-key-create"),
        {
            "name": "Terminal monitor",
            "scopes": ["alerts:write", "reports:read"],
            "expires_on": EXPIRES,
        },
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    text = re.search(r'id="api-key-text">([^<]+)<', response.text)[1]
    prefix, secret = parse_key(text)
    key = ApiKey.objects.get()
    assert (key.name, key.prefix, key.kind) == ("Terminal monitor", prefix, "partner")
    assert key.scopes == ["alerts:write", "reports:read"]
    assert key.secret_hash == secret_hash(secret)
    assert key.created_by == partner_user
    assert key.principal.membership.enterprise == partner_user.membership.enterprise
    assert not key.principal.is_active and not key.principal.has_usable_password()
    assert timezone.localtime(key.expires_at).date() == today() + datetime.timedelta(days=31)
    entry = AuditEntry.objects.get(action="api.key.created")
    assert (entry.actor, entry.object_id) == (partner_user, str(key.pk))
    # The list shows the prefix, never the secret again.
    page = client.get(reverse("partners:api-keys")).text
    assert f"eepa_{prefix}_" in page and secret not in page
    # The key works.
    assert api_client(text).get("/api/v1/key/").status_code == 200


def test_creating_a_key_asks_for_the_password_again_when_the_last_time_is_old(client, partner_user):
    _manager_client(client, partner_user)
    url = reverse("partners:api-key-create")
    age_session(client, key=REAUTH_AT, seconds=11 * 60)
    response = client.get(url)
    assert response["Location"] == f"{reverse('reauthenticate')}?next={quote(url, safe='')}"
    response = client.post(
        url, {"name": "Monitor", "scopes": ["reports:read"], "expires_on": EXPIRES}
    )
    assert response.status_code == 302 and not ApiKey.objects.exists()
    client.post(response["Location"], {"password": PASSWORD, "next": url})
    assert client.get(url).status_code == 200


def test_a_partner_key_cannot_have_staff_scopes(client, partner_user):
    _manager_client(client, partner_user)
    response = client.post(
        reverse("partners:api-key-create"),
        {"name": "Monitor", "scopes": ["staff:events:read"], "expires_on": EXPIRES},
    )
    assert response.status_code == 200 and "api-key-text" not in response.text
    assert not ApiKey.objects.exists()


def test_the_expiry_is_limited(client, partner_user, settings):
    settings.API_KEY_MAX_DAYS = 10
    _manager_client(client, partner_user)
    late = (today() + datetime.timedelta(days=11)).isoformat()
    response = client.post(
        reverse("partners:api-key-create"),
        {"name": "Monitor", "scopes": ["reports:read"], "expires_on": late},
    )
    assert "at most 10 days" in response.text
    assert not ApiKey.objects.exists()


def test_a_revoked_key_stops_working_at_once_and_the_revocation_is_audited(client, partner_user):
    key, text = partner_key(partner_user)
    assert api_client(text).get("/api/v1/key/").status_code == 200
    _manager_client(client, partner_user)
    response = client.post(reverse("partners:api-key-revoke", args=[key.pk]))
    assert response["Location"] == PARTNER_LIST
    key.refresh_from_db()
    assert key.revoked_by == partner_user and key.revoked_at is not None
    assert AuditEntry.objects.filter(action="api.key.revoked", object_id=str(key.pk)).count() == 1
    assert api_client(text).get("/api/v1/key/").status_code == 401
    # Revoking again changes nothing.
    client.post(reverse("partners:api-key-revoke", args=[key.pk]))
    assert AuditEntry.objects.filter(action="api.key.revoked").count() == 1


def test_a_keys_principal_is_nobodys_colleague(client, partner_user):
    key, _text = partner_key(partner_user)
    client.force_login(partner_user)
    page = client.get(reverse("partners:colleagues")).text
    assert key.principal.username not in page and "API key" not in page
    assert (
        client.post(
            reverse("partners:colleague-deactivate", args=[key.principal.membership.pk])
        ).status_code
        == 404
    )


def test_the_secretariat_creates_a_staff_key(client, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("staff-api-key-create"),
        {"name": "Risk tool", "scopes": ["staff:events:read"], "expires_on": EXPIRES},
    )
    text = re.search(r'id="api-key-text">([^<]+)<', response.text)[1]
    key = ApiKey.objects.get()
    assert (key.kind, key.scopes) == ("staff", ["staff:events:read"])
    assert list(key.principal.groups.values_list("name", flat=True)) == ["Secretariat"]
    assert api_client(text).get("/api/v1/key/").status_code == 200
    page = client.get(reverse("staff-api-keys")).text
    assert "Risk tool" in page and text not in page


def test_a_staff_key_cannot_have_partner_scopes(client, secretariat):
    client.force_login(secretariat)
    client.post(
        reverse("staff-api-key-create"),
        {"name": "Risk tool", "scopes": ["alerts:write"], "expires_on": EXPIRES},
    )
    assert not ApiKey.objects.exists()


def test_the_key_lists_are_in_a_constant_number_of_queries(
    client, partner_user, django_assert_num_queries
):
    _manager_client(client, partner_user)
    partner_key(partner_user)
    client.get(reverse("partners:api-keys"))
    with django_assert_num_queries(5) as one:
        client.get(reverse("partners:api-keys"))
    partner_key(partner_user, name="Second")
    partner_key(partner_user, name="Third")
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(reverse("partners:api-keys")).text.count("eepa_") == 3
