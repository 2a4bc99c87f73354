"""The demo app exists only where the demo is enabled (DEBUG or DEMO=true)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

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
