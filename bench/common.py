"""What every part of the benchmark shares: where PostgreSQL is, and how a child process runs
(production settings: DEBUG off, so that no query log grows and templates are cached)."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "var" / "bench"
SERVER_URL = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")


def database_url(name: str) -> str:
    return f"{SERVER_URL.rstrip('/')}/{name}"


def child_env(database: str, **extra: str) -> dict:
    """The environment of a child process working on `database`: production settings."""
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-0123456789-0123456789-0123456789",
        "ALLOWED_HOSTS": "testserver",
        "PUBLIC_BASE_URL": "https://eepa.bench.example",
        "SECURE_SSL_REDIRECT": "false",
        # Staff sign in with a second factor once the portal has it; the test client's
        # force_login has none to give. Harmless while the setting does not exist.
        "STAFF_2FA": "off",
        "DATABASE_URL": database_url(database),
        # Collected by `python -m bench` (collectstatic), as a deployment does: in production
        # the templates' {% static %} reads the manifest of the collected files.
        "STATIC_ROOT": str(RESULTS / "static"),
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        **extra,
    }


def run_child(args: list, database: str, **extra: str) -> None:
    """Run `args` (after the Python interpreter) in ROOT as a child process on `database`;
    its output goes to ours, a failure stops the benchmark."""
    result = subprocess.run(
        [sys.executable, *map(str, args)], cwd=ROOT, env=child_env(database, **extra)
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed (exit {result.returncode})")


def psql(sql: str, database: str = "postgres") -> str:
    """Run `sql` with psql on `database`; its output, unaligned, without headers."""
    result = subprocess.run(
        ["psql", "-X", "-q", "-tA", "-v", "ON_ERROR_STOP=1", database_url(database), "-c", sql],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"psql failed: {sql}\n{result.stderr}")
    return result.stdout.strip()


def server_reachable() -> str | None:
    """None when the PostgreSQL server answers; else why not."""
    try:
        result = subprocess.run(
            ["psql", "-X", "-tA", database_url("postgres"), "-c", "SELECT 1"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error)
    return None if result.returncode == 0 else result.stderr.strip()
