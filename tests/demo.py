"""The seeded demo, for the modules that test it (`seeded`, a module fixture).

`seed_demo` takes many seconds, so it runs once per test run and each module gets a fresh copy
of its result. On PostgreSQL the demo is seeded into a database of its own, made from the empty
test database when the session starts, and each module runs on a copy of it (`CREATE DATABASE
... TEMPLATE`, well under a second), dropped when the module is done. Under xdist the first
worker that needs the demo seeds it and says so in a file beside the workers' temporary
folders; the others, one at a time (a lock), copy its database rather than seed their own (or
seed their own if that worker is done and has dropped it). On another database (the SQLite
smoke run) each module seeds its own, as it did before.

Either way a module sees what it saw when it seeded the demo itself: the database as
`seed_demo` leaves it inside a transaction that is never committed (the commit's callbacks,
emails and queued certificate batches, never run), the certificates' files in a MEDIA_ROOT of
the module's own, the project's real password hasher (a faster preferred hasher would make
check_password rewrite the demo users' hashes: tests/conftest.py leaves these modules'
hasher and MEDIA_ROOT alone). Each test runs in a savepoint of the module's transaction,
which is rolled back when the module is done.
"""

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from io import StringIO
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings


@dataclass(frozen=True)
class SeededDemo:
    database: str  # the seeded database, the template of each module's copy
    media: str  # the folder of the certificates' files
    output: str  # what seed_demo printed


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _demo_database_name() -> str:
    return f"{connection.settings_dict['NAME']}_demo"


def _create_database(name: str, *, template: str) -> None:
    quote = connection.ops.quote_name
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(name)}")
        cursor.execute(f"CREATE DATABASE {quote(name)} TEMPLATE {quote(template)}")


def _drop_database(name: str) -> None:
    with connection._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


def _database_exists(name: str) -> bool:
    with connection._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None


@contextmanager
def _locked(path: Path):
    """The block runs in one process at a time among those that lock `path`."""
    with path.open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        yield


@contextmanager
def _connected_to(name: str):
    """The default connection on another database of the server, for the block. The content
    types are cached by id, and the ids differ (transactional tests flush the test database,
    which makes them anew): the cache is emptied on the way in and out."""
    test_database = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    ContentType.objects.clear_cache()
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = test_database
        ContentType.objects.clear_cache()


def _seed() -> str:
    out = StringIO()
    with transaction.atomic():
        call_command("seed_demo", stdout=out)
        # As in the transaction each module used to seed in, rolled back at its end: the
        # commit's callbacks (notification emails, certificate batches) never run.
        transaction.get_connection().run_on_commit.clear()
    return out.getvalue()


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """pytest-django's test database; on PostgreSQL, when demo tests are collected, a copy of
    it made now, while it is empty and nobody else is connected to it, to seed the demo into
    later (`demo_template`)."""
    if not _on_postgresql() or not any(
        "demo_template" in getattr(item, "fixturenames", ()) for item in request.session.items
    ):
        yield
        return
    name = _demo_database_name()
    with django_db_blocker.unblock():
        connection.close()
        _create_database(name, template=connection.settings_dict["NAME"])
    yield
    with django_db_blocker.unblock():
        _drop_database(name)


@pytest.fixture(scope="session")
def demo_template(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once for the run, in this process's own database; None but on
    PostgreSQL."""
    if not _on_postgresql():
        yield None
        return
    # The run's temporary folder, the parent of the xdist workers' own.
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    published, own = shared / "seeded-demo.json", _demo_database_name()
    media = str(tmp_path_factory.mktemp("seeded-demo-media"))
    with django_db_blocker.unblock(), _locked(shared / "seeded-demo.lock"):
        seeded = SeededDemo(**json.loads(published.read_text())) if published.exists() else None
        if seeded is not None and _database_exists(seeded.database):
            _create_database(own, template=seeded.database)
            shutil.copytree(seeded.media, media, dirs_exist_ok=True)
            demo = SeededDemo(database=own, media=media, output=seeded.output)
        else:
            with _connected_to(own), override_settings(MEDIA_ROOT=media):
                demo = SeededDemo(database=own, media=media, output=_seed())
            published.write_text(json.dumps(asdict(demo)))
    yield demo
    # This process drops its database when its session ends (django_db_setup): from then on
    # another one seeds anew.
    with _locked(shared / "seeded-demo.lock"):
        if published.exists() and json.loads(published.read_text())["database"] == own:
            published.unlink()


@pytest.fixture(scope="module")
def seeded(demo_template, django_db_blocker, tmp_path_factory):
    """The seeded demo for this module's tests (see this file's docstring); its value is what
    seed_demo printed."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock():
        if demo_template is None:
            with override_settings(MEDIA_ROOT=media), transaction.atomic():
                yield _seed()
                transaction.set_rollback(True)
            return
        shutil.copytree(demo_template.media, media, dirs_exist_ok=True)
        copy = f"{demo_template.database}_copy"
        _create_database(copy, template=demo_template.database)
        try:
            with (
                _connected_to(copy),
                override_settings(MEDIA_ROOT=media),
                transaction.atomic(),
            ):
                yield demo_template.output
                transaction.set_rollback(True)
        finally:
            _drop_database(copy)
