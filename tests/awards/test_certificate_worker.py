"""A real Celery worker, in its own process, on Redis, generates a cycle's certificates from the
test database (committed data: the worker cannot see inside a test's transaction)."""

import hashlib
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

from awards.models import Certificate, CertificateJob, Cycle
from awards.services.certificates import certificate_run_start
from portal.celery import app
from tests.awards.factories import CycleFactory
from tests.awards.test_certificate_pdf import awarded_result, pdf_text

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
TIMEOUT = 120  # seconds; it takes a few, most of them the worker starting

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return f"postgres://{db['USER']}{password}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def worker(settings):
    """A worker on a queue of this test's own, sharing the test database and media folder;
    this process sends to it through the same broker."""
    queue = f"eepa-test-{uuid.uuid4().hex[:12]}"
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CERTIFICATE_BATCH_SIZE": str(settings.CERTIFICATE_BATCH_SIZE),
    }
    log = Path(settings.MEDIA_ROOT).parent / "worker.log"
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "portal", "worker", "--queues", queue,
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


def test_a_real_worker_on_redis_generates_a_cycles_certificates(worker, secretariat, settings):
    process, log = worker
    settings.CERTIFICATE_BATCH_SIZE = 2
    cycle = CycleFactory(year=2024, status=Cycle.Status.FINALISED)
    results = [
        awarded_result(cycle, name_en=f"Worker Test {n} Terminals", name_zh=f"測試{n}碼頭")
        for n in range(5)
    ]

    run = certificate_run_start(cycle=cycle, user=secretariat)  # commits, then queues 3 tasks
    wait_for(lambda: run.progress()["queued"] == 0, process, log)

    assert run.progress() == {"total": 5, "done": 5, "failed": 0, "queued": 0}, log.read_text()
    certificates = Certificate.objects.filter(result__in=results).select_related(
        "result__nomination__enterprise"
    )
    assert sorted(c.serial for c in certificates) == [f"EEPA-2024-000{n}" for n in range(1, 6)]
    for certificate in certificates:
        stored = (Path(settings.MEDIA_ROOT) / certificate.pdf.name).read_bytes()
        assert certificate.sha256 == hashlib.sha256(stored).hexdigest()
        text = pdf_text(stored)
        enterprise = certificate.result.nomination.enterprise
        assert enterprise.name_en in text and certificate.serial in text
    assert "issue_certificate_batch" in log.read_text()


def test_a_message_delivered_twice_makes_one_certificate_per_award(worker, secretariat):
    process, log = worker
    from awards.tasks import issue_certificate_batch

    cycle = CycleFactory(year=2024, status=Cycle.Status.FINALISED)
    awarded_result(cycle)
    awarded_result(cycle)
    run = certificate_run_start(cycle=cycle, user=secretariat)
    job_ids = list(run.jobs.values_list("pk", flat=True))
    # The run queued its batch; the same batch arrives twice more, as after a redelivery.
    issue_certificate_batch.delay(job_ids)
    issue_certificate_batch.delay(job_ids)
    wait_for(lambda: run.progress()["queued"] == 0, process, log)
    time.sleep(2)  # let the duplicates finish too

    assert Certificate.objects.count() == 2
    assert set(run.jobs.values_list("status", flat=True)) == {CertificateJob.Status.DONE}
    assert log.read_text().count("succeeded") >= 3
