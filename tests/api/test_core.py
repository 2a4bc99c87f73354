"""The API's common ground: the schema and its documentation, keys (hashed, audited when
refused), scopes, the per-key rate limit, and one error shape for every status."""

import hashlib
import json
import re
from datetime import timedelta

import pytest
from django.test import Client, RequestFactory
from django.utils import timezone

from portal.api.errors import field_errors, server_error
from portal.api.keys import parse_key
from portal.api.models import ApiKey
from portal.models import AuditEntry
from tests.api import api_client, partner_key

pytestmark = pytest.mark.django_db

PROBLEM_KEYS = {"type", "title", "status", "code", "detail", "instance"}


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert set(body) >= PROBLEM_KEYS, body
    assert body["status"] == status
    assert body["type"] == "about:blank"
    return body


def test_the_schema_is_openapi_3_with_the_key_as_bearer_token():
    response = Client().get("/api/v1/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["apiKey"]["scheme"] == "bearer"
    assert "/api/v1/key/" in schema["paths"]
    assert "Problem" in schema["components"]["schemas"]
    responses = schema["paths"]["/api/v1/key/"]["get"]["responses"]
    assert {"200", "401", "403", "429"} <= set(responses)


def test_the_documentation_is_served_from_the_portals_own_files_under_its_csp():
    response = Client().get("/api/v1/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html)
    assert sources and all(src.startswith("/static/") or src.startswith("/api/") for src in sources)
    assert "<script>" not in html.replace(" ", "")  # no inline script
    assert "cdn" not in html.lower()
    csp = response["Content-Security-Policy"]
    script_src = csp.split("script-src")[1].split(";")[0]
    assert "'self'" in script_src and "unsafe-inline" not in script_src
    script = Client().get(sources[-1])
    assert script.status_code == 200


def test_a_key_is_stored_as_the_sha256_of_its_secret(partner_user):
    key, text = partner_key(partner_user)
    prefix, secret = parse_key(text)
    assert key.prefix == prefix
    assert key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in json.dumps(list(ApiKey.objects.values()), default=str)
    assert len(secret) == 43  # 256 bits, URL-safe base64


def test_a_key_answers_what_it_is_and_notes_its_use(partner_user):
    key, text = partner_key(partner_user, ["reports:read"], name="Terminal monitor")
    response = api_client(text).get("/api/v1/key/", REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert json.loads(response.content)["scopes"] == ["reports:read"]
    assert json.loads(response.content)["name"] == "Terminal monitor"
    key.refresh_from_db()
    assert key.last_used_from == "10.1.2.3"
    assert timezone.now() - key.last_used_at < timedelta(minutes=1)


def test_no_key_is_a_401_problem_with_a_bearer_challenge():
    response = Client().get("/api/v1/key/")
    body = _problem(response, 401)
    assert body["code"] == "not_authenticated"
    assert response["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("case", ["unknown", "wrong secret", "revoked", "expired", "malformed"])
def test_an_unusable_key_is_refused_and_audited(case, partner_user):
    key, text = partner_key(partner_user)
    if case == "unknown":
        text = "eepa_000000000000_" + "a" * 43
    elif case == "wrong secret":
        text = text[:-3] + ("AAA" if not text.endswith("AAA") else "BBB")
    elif case == "revoked":
        ApiKey.objects.filter(pk=key.pk).update(revoked_at=timezone.now())
    elif case == "expired":
        ApiKey.objects.filter(pk=key.pk).update(expires_at=timezone.now())
    else:
        text = "not-a-key"
    response = api_client(text).get("/api/v1/key/", REMOTE_ADDR="10.9.9.9")
    assert _problem(response, 401)["code"] == "authentication_failed"
    entry = AuditEntry.objects.get(action="api.key.rejected")
    assert entry.note == case
    assert entry.client_address == "10.9.9.9"
    assert entry.object_id == ("" if case in ("unknown", "malformed") else str(key.pk))


def test_failed_keys_from_one_address_are_limited_and_no_longer_audited(settings):
    settings.API_AUTH_FAILURE_LIMIT = 2
    client = api_client("eepa_000000000000_" + "a" * 43)
    assert [client.get("/api/v1/key/").status_code for _ in range(3)] == [401, 401, 429]
    assert AuditEntry.objects.filter(action="api.key.rejected").count() == 2


def test_a_key_beyond_its_rate_gets_429_with_retry_after(settings, partner_user):
    settings.API_RATE_LIMIT = 3
    _key, text = partner_key(partner_user)
    client = api_client(text)
    assert [client.get("/api/v1/key/").status_code for _ in range(3)] == [200, 200, 200]
    response = client.get("/api/v1/key/")
    body = _problem(response, 429)
    assert body["code"] == "throttled"
    # Up to one slice (a tenth of the window) more than the window (portal.ratelimit).
    assert 1 <= int(response["Retry-After"]) <= 66


@pytest.fixture
def secretariat_user(secretariat):
    return secretariat


def test_an_unknown_address_under_the_api_is_a_404_problem():
    body = _problem(Client().get("/api/v1/no-such-thing/"), 404)
    assert body["code"] == "not_found"
    assert body["instance"] == "/api/v1/no-such-thing/"


def test_a_method_not_allowed_is_a_405_problem(partner_user):
    _key, text = partner_key(partner_user)
    response = api_client(text).delete("/api/v1/key/")
    assert _problem(response, 405)["code"] == "method_not_allowed"
    assert set(response["Allow"].split(", ")) == {"GET", "OPTIONS"}


def test_a_server_error_under_the_api_is_a_500_problem_that_tells_nothing():
    request = RequestFactory().get("/api/v1/key/")
    response = server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    body = json.loads(response.content)
    assert body["code"] == "server_error" and body["status"] == 500


def test_only_the_documentation_that_keeps_to_the_csp_is_served():
    # Redoc's page asks a font site and writes inline styles: not offered.
    assert Client().get("/api/v1/redoc/").status_code == 404


def test_pages_outside_the_api_keep_their_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_field_errors_are_flattened_with_dotted_paths():
    from rest_framework.exceptions import ErrorDetail

    detail = {
        "name": [ErrorDetail("This field is required.", code="required")],
        "items": [{}, {"container": [ErrorDetail("Bad check digit.", code="check_digit")]}],
        "non_field_errors": [ErrorDetail("Too many.", code="too_many")],
    }
    assert field_errors(detail) == [
        {"field": "name", "code": "required", "detail": "This field is required."},
        {"field": "items.1.container", "code": "check_digit", "detail": "Bad check digit."},
        {"field": "", "code": "too_many", "detail": "Too many."},
    ]


def test_errors_are_in_the_language_asked_for(compiled_catalogue):
    english = _problem(Client().get("/api/v1/key/", HTTP_ACCEPT_LANGUAGE="en"), 401)
    chinese = _problem(Client().get("/api/v1/key/", HTTP_ACCEPT_LANGUAGE="zh-Hant"), 401)
    assert english["title"] == "Not authenticated"
    assert chinese["title"] != english["title"]
    assert chinese["detail"] != english["detail"]
