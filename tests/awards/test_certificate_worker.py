"""A real Celery worker, in its own process, on Redis, generates a cycle's certificates from the
test database (committed data: the worker cannot see inside a test's transaction)."""

import hashlib
from pathlib import Path

import pytest

from awards.models import Certificate, CertificateJob, Cycle
from awards.services.certificates import certificate_run_start
from tests.awards.factories import CycleFactory
from tests.awards.test_certificate_pdf import awarded_result, pdf_text
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_real_worker_on_redis_generates_a_cycles_certificates(
    redis_worker, secretariat, settings
):
    process, log = redis_worker
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


def test_a_message_delivered_twice_makes_one_certificate_per_award(redis_worker, secretariat):
    process, log = redis_worker
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
    # The duplicates finish too (however busy the machine), having made nothing more.
    wait_for(lambda: log.read_text().count("succeeded") >= 3, process, log)

    assert Certificate.objects.count() == 2
    assert set(run.jobs.values_list("status", flat=True)) == {CertificateJob.Status.DONE}
