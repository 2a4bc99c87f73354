"""The demo app exists only where the demo is enabled (DEBUG or DEMO=true); seed_demo runs only
with DEBUG on and never changes the password of an account that exists."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from seeds.records import seed_users
from seeds.users import DEMO_PASSWORD

PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "a-production-like-secret-key-for-this-test-only-0123456789abcdef",
    "ALLOWED_HOSTS": "eepa.example.gov.hk",
    "PUBLIC_BASE_URL": "https://eepa.example.gov.hk",
    "DATABASE_URL": "sqlite:///:memory:",
}


def manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, **PRODUCTION_ENV, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize("command", ["seed_demo", "demo_logins"])
def test_a_production_install_has_no_demo_command(command):
    result = manage(command)
    assert result.returncode == 1
    assert f"Unknown command: '{command}'" in result.stderr


def test_demo_true_installs_the_demo_without_debug():
    result = manage(
        "shell",
        "-c",
        "from django.apps import apps; print(apps.is_installed('seeds'))",
        DEMO="true",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "True"


@pytest.mark.parametrize("command", ["seed_demo", "demo_logins"])
def test_the_demo_commands_refuse_to_run_where_the_demo_is_not_enabled(settings, command):
    settings.DEMO_ENABLED = False
    with pytest.raises(CommandError, match="only with DEBUG=true or DEMO=true"):
        call_command(command)


def test_seed_demo_refuses_to_run_with_debug_off_even_on_a_demo_server():
    result = manage("seed_demo", DEMO="true")
    assert result.returncode == 1
    assert "seed_demo runs only with DEBUG=true" in result.stderr


def test_seed_demo_refuses_to_run_where_debug_was_off(settings):
    settings.DEMO_SEEDING_ALLOWED = False
    with pytest.raises(CommandError, match="seed_demo runs only with DEBUG=true"):
        call_command("seed_demo")


@pytest.mark.django_db
def test_an_existing_account_named_like_a_demo_user_keeps_its_password():
    """Seeding creates the demo users that are missing, with the demo password; an account of
    the same name that exists already keeps the password it has."""
    admin = get_user_model().objects.create_user("admin", password="the-real-admins-secret-42")

    users, _changed = seed_users()

    admin.refresh_from_db()
    assert admin.check_password("the-real-admins-secret-42")
    assert not admin.check_password(DEMO_PASSWORD)
    assert users["officer"].check_password(DEMO_PASSWORD)
