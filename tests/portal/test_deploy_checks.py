"""The portal's own deployment checks (portal/checks.py), the proxy headers it believes, and
the Permissions-Policy header."""

import pytest
from django.test import RequestFactory

from portal import checks
from portal.middleware import PERMISSIONS_POLICY
from tests.portal.test_settings import PRODUCTION, print_setting, run

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
DUMMY = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
REDIS = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/1",
    }
}


def ids(messages):
    return [message.id for message in messages]


# The per-process cache


@pytest.mark.parametrize("caches", [LOCMEM, DUMMY], ids=["locmem", "dummy"])
def test_a_per_process_cache_without_debug_is_reported(settings, caches):
    settings.DEBUG, settings.CACHES = False, caches
    assert ids(checks.check_shared_cache()) == ["portal.W001"]


def test_a_shared_cache_is_not_reported(settings):
    settings.DEBUG, settings.CACHES = False, REDIS
    assert checks.check_shared_cache() == []


def test_a_per_process_cache_is_fine_in_development(settings):
    settings.DEBUG, settings.CACHES = True, LOCMEM
    assert checks.check_shared_cache() == []


# The public address


def test_a_public_address_over_plain_http_is_reported(settings):
    settings.PUBLIC_BASE_URL = "http://eepa.customs.example.org"
    assert ids(checks.check_public_address_is_https()) == ["portal.W002"]


def test_an_https_public_address_is_not_reported(settings):
    settings.PUBLIC_BASE_URL = "https://eepa.customs.example.org"
    assert checks.check_public_address_is_https() == []


# Email


@pytest.mark.parametrize("kind", ["console", "locmem", "filebased", "dummy"])
def test_email_that_reaches_nobody_is_reported(settings, kind):
    settings.EMAIL_BACKEND = f"django.core.mail.backends.{kind}.EmailBackend"
    assert ids(checks.check_email_is_delivered()) == ["portal.W003"]


def test_smtp_email_is_not_reported(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    assert checks.check_email_is_delivered() == []


# The second factor


def test_the_second_factor_switched_off_is_reported(settings):
    settings.STAFF_2FA = "off"
    assert ids(checks.check_second_factor_is_on()) == ["portal.W004"]


@pytest.mark.parametrize("value", ["required", "optional"])
def test_the_second_factor_asked_for_is_not_reported(settings, value):
    settings.STAFF_2FA = value
    assert checks.check_second_factor_is_on() == []


def test_check_deploy_reports_the_defaults_a_server_must_not_keep():
    """A production environment that leaves the cache, the mail and the address at
    development values: check --deploy names each of them (and fails at WARNING level)."""
    variables = {
        **{k: v for k, v in PRODUCTION.items() if k not in ("CACHE_URL", "EMAIL_URL")},
        "PUBLIC_BASE_URL": "http://eepa.customs.example.org",
    }
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **variables)
    assert result.returncode == 1
    reported = result.stderr + result.stdout
    for check_id in ("portal.W001", "portal.W002", "portal.W003"):
        assert check_id in reported


# Proxy headers


def test_x_forwarded_proto_is_ignored_without_a_trusted_proxy():
    assert print_setting("getattr(settings, 'SECURE_PROXY_SSL_HEADER', None)", **PRODUCTION) == (
        "None"
    )


def test_x_forwarded_proto_is_read_behind_a_trusted_proxy():
    value = print_setting("settings.SECURE_PROXY_SSL_HEADER", TRUSTED_PROXY_COUNT="1", **PRODUCTION)
    assert value == "('HTTP_X_FORWARDED_PROTO', 'https')"


def test_a_negative_proxy_count_is_refused():
    result = run(["manage.py", "check"], TRUSTED_PROXY_COUNT="-1", **PRODUCTION)
    assert result.returncode == 1
    assert "TRUSTED_PROXY_COUNT must be 0 or more." in result.stderr


def test_a_client_cannot_claim_https_when_no_proxy_is_trusted(settings):
    settings.SECURE_PROXY_SSL_HEADER = None
    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert request.is_secure() is False


def test_https_said_by_a_trusted_proxy_is_believed(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    request = RequestFactory().get("/", HTTP_X_FORWARDED_PROTO="https")
    assert request.is_secure() is True


def test_over_plain_http_a_forged_proto_header_still_gets_the_https_redirect():
    """Without a trusted proxy, production redirects a request to HTTPS even when the client
    says it came over HTTPS."""
    code = (
        "import django; django.setup(); from django.test import Client; "
        "r = Client().get('/', HTTP_HOST='eepa.customs.example.org', "
        "HTTP_X_FORWARDED_PROTO='https'); print(r.status_code, r['Location'])"
    )
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="portal.settings", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["301", "https://eepa.customs.example.org/"]


# Permissions-Policy


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/no-such-page/"])
def test_every_response_refuses_the_browser_features_the_portal_never_uses(client, path):
    response = client.get(path)
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert f"{feature}=()" in PERMISSIONS_POLICY.split(", ")
