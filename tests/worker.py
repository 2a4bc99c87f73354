"""A real Celery worker in its own process, on Redis, for the tests that need one: it shares
the test database (committed data only: use django_db(transaction=True)) and media folder, and
listens on a queue of the test's own, so that concurrent test runs never take each other's
tasks."""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from portal.celery import app

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
TIMEOUT = 120  # seconds; it takes a few, most of them the worker starting


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def redis_worker(settings):
    """A worker on a queue of this test's own, sharing the test database and media folder;
    this process sends to it through the same broker."""
    queue = f"eepa-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CERTIFICATE_BATCH_SIZE": str(settings.CERTIFICATE_BATCH_SIZE),
        # Webhooks to a receiver on 127.0.0.1 (tests/webhook_receiver.py) when the test allows.
        "WEBHOOK_ALLOW_LOOPBACK": str(settings.WEBHOOK_ALLOW_LOOPBACK).lower(),
    }
    log = Path(settings.MEDIA_ROOT).parent / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--queues", queue,
         "--hostname", f"{queue}@%h",  # its own node name too: two xdist workers, two of these
         "--concurrency", "2", "--loglevel", "info", "--without-gossip", "--without-mingle"],
        cwd=settings.BASE_DIR, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    saved = {
        key: app.conf[key] for key in ("broker_url", "task_always_eager", "task_default_queue")
    }
    app.conf.update(broker_url=BROKER_URL, task_always_eager=False, task_default_queue=queue)
    _forget_routes()
    try:
        yield process, log
    finally:
        app.conf.update(saved)
        _forget_routes()
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _forget_routes():
    """Celery caches its broker connections, queues and router the first time they are used
    (other tests may have used them, towards the default broker): drop them, as Celery does
    itself after a fork, so that the broker and queue configured above are used."""
    for name in ("queues", "default_queue", "router"):
        app.amqp.__dict__.pop(name, None)
    app._pool = None
    app.amqp._producer_pool = None


def wait_for(condition, process, log):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        if condition():
            return
        assert process.poll() is None, f"the worker exited:\n{log.read_text()}"
        time.sleep(0.25)
    pytest.fail(f"not done within {TIMEOUT} s; worker log:\n{log.read_text()}")
