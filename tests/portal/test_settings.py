"""Settings come from the environment. Production settings are checked in a subprocess
with a clean environment, since the test run itself uses the development branch."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)
STRONG_SECRET_KEY = "kV3q9-Zs7xP2mT8wL4nR6yB1cF5hJ0gD_aE2uI9oK7sM3vX8zQ4pW6tY1rN5bH0j"
PRODUCTION = {
    "SECRET_KEY": STRONG_SECRET_KEY,
    "ALLOWED_HOSTS": "eepa.customs.example.org",
    "PUBLIC_BASE_URL": "https://eepa.customs.example.org",
    # A cache every worker shares and a mail server: check --deploy warns about the defaults.
    "CACHE_URL": "rediscache://127.0.0.1:6379/1",
    "EMAIL_URL": "smtp+tls://portal:secret@mail.customs.example.org:587",
}


def run(args, **variables):
    """Run a manage.py command (or `python -c` code) with only the given variables set."""
    env = {"PATH": os.environ["PATH"], **variables}
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )


def print_setting(expression, **variables):
    code = (
        "import django; django.setup(); from django.conf import settings; "
        f"print(repr({expression}))"
    )
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="portal.settings", **variables)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize("debug", [None, "false"], ids=["DEBUG-unset", "DEBUG-false"])
def test_production_settings_pass_the_deployment_checks(debug):
    variables = PRODUCTION if debug is None else {**PRODUCTION, "DEBUG": debug}
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **variables)
    assert (result.returncode, result.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    ), result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = run(["manage.py", "check", "--deploy"], ALLOWED_HOSTS="eepa.customs.example.org")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        "Set SECRET_KEY (or DEBUG=true for development)."
    )


@pytest.mark.parametrize("value", [None, "", "eepa.customs.example.org", "ftp://eepa.example"])
def test_production_refuses_to_start_without_a_public_address(value):
    variables = {k: v for k, v in PRODUCTION.items() if k != "PUBLIC_BASE_URL"}
    if value is not None:
        variables["PUBLIC_BASE_URL"] = value
    result = run(["manage.py", "check"], **variables)
    assert result.returncode == 1
    assert (
        "ImproperlyConfigured: Set PUBLIC_BASE_URL to the portal's public address"
        in (result.stderr.strip().splitlines()[-1])
    )


def test_the_public_address_loses_its_trailing_slash():
    url = print_setting(
        "settings.PUBLIC_BASE_URL", **{**PRODUCTION, "PUBLIC_BASE_URL": "https://eepa.example/"}
    )
    assert url == "'https://eepa.example'"


def test_certificate_batches_hold_at_least_one():
    result = run(["manage.py", "check"], **{**PRODUCTION, "CERTIFICATE_BATCH_SIZE": "0"})
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: CERTIFICATE_BATCH_SIZE must be 1 or more."
    )


def test_sqlite_transactions_take_the_write_lock_at_once():
    expression = "settings.DATABASES['default']['OPTIONS']"
    options = print_setting(expression, DEBUG="true", DATABASE_URL="sqlite:////tmp/x.sqlite3")
    assert options == "{'transaction_mode': 'IMMEDIATE', 'timeout': 20}"


def test_development_runs_without_a_secret_key():
    assert print_setting("settings.DEBUG", DEBUG="true") == "True"


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("DEBUG", "maybe", "'maybe' is neither true nor false"),
        ("SECURE_SSL_REDIRECT", "perhaps", "'perhaps' is neither true nor false"),
        (
            "DATABASE_URL",
            "not-a-url",
            "not a database URL such as postgres://user@host:5432/name",
        ),
        (
            "DATABASE_URL",
            "mongodb://127.0.0.1/eepa",
            "not a database URL such as postgres://user@host:5432/name",
        ),
        (
            "DATABASE_URL",
            "postgres://postgres@127.0.0.1:port/eepa",
            "Port could not be cast to integer value as 'port'",
        ),
        ("AXES_FAILURE_LIMIT", "abc", "invalid literal for int() with base 10: 'abc'"),
        ("AXES_COOLOFF_MINUTES", "1.5", "invalid literal for int() with base 10: '1.5'"),
        ("SECURE_HSTS_SECONDS", "a year", "invalid literal for int() with base 10: 'a year'"),
        ("EMAIL_URL", "post://office", "Invalid email schema post"),
    ],
)
def test_a_bad_value_names_its_variable(variable, value, reason):
    result = run(["manage.py", "check"], **{**PRODUCTION, variable: value})
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        f"Environment variable {variable} has an invalid value: {reason}"
    )


def test_tasks_run_eagerly_without_a_broker():
    expression = "(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)"
    assert print_setting(expression, **PRODUCTION) == "(True, '')"


def test_tasks_go_to_the_broker_when_one_is_configured():
    broker = "amqp://guest:guest@127.0.0.1:5672//"
    expression = "(settings.CELERY_TASK_ALWAYS_EAGER, settings.CELERY_BROKER_URL)"
    assert print_setting(expression, CELERY_BROKER_URL=broker, **PRODUCTION) == (
        f"(False, '{broker}')"
    )


def test_the_celery_app_reads_the_django_settings():
    code = "from portal.celery import app; print(app.conf.task_always_eager)"
    result = run(["-c", code], DJANGO_SETTINGS_MODULE="portal.settings", **PRODUCTION)
    assert (result.returncode, result.stdout.strip()) == (0, "True"), result.stderr


def _directives(policy: str) -> dict[str, list[str]]:
    pairs = (part.strip().split() for part in policy.split(";") if part.strip())
    return {name: sources for name, *sources in pairs}


@pytest.mark.parametrize("url_name", ["login", "partners:event-create"])
def test_responses_carry_a_content_security_policy_without_inline_script(client, officer, url_name):
    client.force_login(officer)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    directives = _directives(response["Content-Security-Policy"])
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    # What the policy forbids the page must not need: every script is a file.
    assert re.findall(r"<script\b(?![^>]*\bsrc=)[^>]*>", response.text) == []


INLINE_SCRIPT = re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)


def test_templates_contain_no_inline_script():
    templates = sorted((BASE_DIR / "templates").rglob("*.html"))
    assert templates, "no templates found"
    offenders = [
        f"{path.relative_to(BASE_DIR)}: {match.group(0)}"
        for path in templates
        for pattern in (INLINE_SCRIPT, EVENT_HANDLER, JAVASCRIPT_URL)
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.parametrize(
    ("debug", "expected"), [(None, "'required'"), ("true", "'optional'")], ids=["prod", "dev"]
)
def test_the_second_factor_is_required_by_default_in_production_optional_in_development(
    debug, expected
):
    variables = PRODUCTION if debug is None else {"DEBUG": debug}
    assert print_setting("settings.STAFF_2FA", **variables) == expected


def test_the_session_cookie_lasts_as_long_as_the_longest_session():
    assert print_setting("settings.SESSION_COOKIE_AGE", **PRODUCTION) == "43200"
    variables = {**PRODUCTION, "SESSION_MAX_AGE_HOURS": "8"}
    assert print_setting("settings.SESSION_COOKIE_AGE", **variables) == "28800"


@pytest.mark.parametrize(
    ("variable", "value", "message"),
    [
        ("STAFF_2FA", "maybe", "STAFF_2FA must be required, optional or off; got 'maybe'."),
        ("SESSION_IDLE_TIMEOUT", "0", "SESSION_IDLE_TIMEOUT must be 1 or more."),
        ("PARTNER_SESSION_IDLE_TIMEOUT", "-5", "PARTNER_SESSION_IDLE_TIMEOUT must be 1 or more."),
        ("SESSION_MAX_AGE_HOURS", "0", "SESSION_MAX_AGE_HOURS must be 1 or more."),
    ],
)
def test_the_second_factor_and_session_settings_refuse_bad_values(variable, value, message):
    result = run(["manage.py", "check"], **{**PRODUCTION, variable: value})
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert last == f"django.core.exceptions.ImproperlyConfigured: {message}"


def test_the_deployment_checks_warn_when_nobody_is_asked_for_a_second_factor():
    result = run(["manage.py", "check", "--deploy"], **PRODUCTION, STAFF_2FA="off")
    assert result.returncode == 0, result.stderr
    assert "?: (portal.W004) STAFF_2FA is off" in result.stderr + result.stdout
