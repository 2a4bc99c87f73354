"""Generating a cycle's certificates through Celery tasks (eager here: no broker in the tests;
tests/awards/test_certificate_worker.py runs a real worker on Redis): runs and jobs, batches,
idempotence, retries with backoff, failures reported per award."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage
from django.utils import timezone, translation

from awards.models import Certificate, CertificateJob, CertificateRun, Cycle
from awards.services.certificates import (
    certificate_issue,
    certificate_revoke,
    certificate_run_start,
)
from awards.tasks import issue_certificate_batch, retry_delay
from portal.models import AuditEntry, UserPreference
from tests.awards.test_certificate_pdf import awarded_result

pytestmark = pytest.mark.django_db

Status = CertificateJob.Status


@pytest.fixture
def awards(certificate_cycle):
    return [awarded_result(certificate_cycle, name_en=f"Awardee {n} Limited") for n in range(5)]


def start(cycle, user, django_capture_on_commit_callbacks):
    """Start a run and let the tasks it queues after the commit run (eagerly)."""
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = certificate_run_start(cycle=cycle, user=user)
    return run, callbacks


@pytest.fixture
def storage_failing(monkeypatch):
    """Make writing a certificate's file fail `times` times, then work again."""
    save = FileSystemStorage._save

    def fail(times):
        failures = []

        def save_or_fail(storage, name, content):
            if len(failures) < times:
                failures.append(name)
                raise OSError("disk full")
            return save(storage, name, content)

        monkeypatch.setattr(FileSystemStorage, "_save", save_or_fail)
        return failures

    return fail


def test_a_run_issues_every_missing_certificate_in_batches(
    certificate_cycle, awards, secretariat, settings, django_capture_on_commit_callbacks
):
    settings.CERTIFICATE_BATCH_SIZE = 2
    run, callbacks = start(certificate_cycle, secretariat, django_capture_on_commit_callbacks)
    assert len(callbacks) == 1  # the tasks are queued once the jobs are committed
    assert run.progress() == {"total": 5, "done": 5, "failed": 0, "queued": 0}
    certificates = Certificate.objects.filter(result__nomination__cycle=certificate_cycle)
    assert certificates.count() == 5
    assert {c.issued_by for c in certificates} == {secretariat}
    assert sorted(c.serial for c in certificates) == [f"EEPA-2024-000{n}" for n in range(1, 6)]
    assert all(job.certificate for job in run.jobs.all())
    entry = AuditEntry.objects.get(action="awards.certificate.generation_started")
    assert (entry.actor, entry.note) == (secretariat, "5")


def test_tasks_are_queued_only_after_the_commit(certificate_cycle, awards, secretariat):
    # Inside the test's transaction nothing is committed, so nothing may run yet.
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    assert run.progress()["queued"] == 5
    assert not Certificate.objects.exists()


def test_a_second_start_starts_nothing_more(
    certificate_cycle, awards, secretariat, django_capture_on_commit_callbacks
):
    # Not run yet: under way.
    first = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    assert certificate_run_start(cycle=certificate_cycle, user=secretariat) == first
    assert CertificateRun.objects.count() == 1
    assert CertificateJob.objects.count() == 5


def test_once_all_are_issued_there_is_nothing_to_start(
    certificate_cycle, awards, secretariat, django_capture_on_commit_callbacks
):
    start(certificate_cycle, secretariat, django_capture_on_commit_callbacks)
    run, _ = start(certificate_cycle, secretariat, django_capture_on_commit_callbacks)
    assert run is None
    assert Certificate.objects.count() == 5


def test_a_run_covers_only_the_awards_without_a_certificate(
    certificate_cycle, awards, secretariat, django_capture_on_commit_callbacks
):
    certificate_issue(result=awards[0], user=secretariat)
    run, _ = start(certificate_cycle, secretariat, django_capture_on_commit_callbacks)
    assert run.progress()["total"] == 4
    assert Certificate.objects.count() == 5


def test_a_task_run_twice_makes_one_certificate_per_award(
    certificate_cycle, awards, secretariat, django_capture_on_commit_callbacks
):
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    job_ids = list(run.jobs.values_list("pk", flat=True))
    issue_certificate_batch.apply(args=[job_ids])
    issue_certificate_batch.apply(args=[job_ids])  # a redelivered message, a double click
    assert Certificate.objects.count() == 5
    assert AuditEntry.objects.filter(action="awards.certificate.issued").count() == 5


def test_an_award_certified_meanwhile_is_not_certified_twice(
    certificate_cycle, awards, secretariat
):
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    issued = certificate_issue(result=awards[2], user=secretariat)
    issue_certificate_batch.apply(args=[list(run.jobs.values_list("pk", flat=True))])
    assert Certificate.objects.count() == 5
    assert run.jobs.get(result=awards[2]).certificate == issued


def test_a_failed_attempt_is_retried_and_yields_one_certificate_each(
    certificate_cycle, awards, secretariat, storage_failing
):
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    failures = storage_failing(2)  # the first two attempts fail, the third works
    issue_certificate_batch.apply(args=[list(run.jobs.values_list("pk", flat=True))])
    assert len(failures) == 2
    assert run.progress() == {"total": 5, "done": 5, "failed": 0, "queued": 0}
    assert Certificate.objects.count() == 5
    # A failed attempt left no certificate, no file and no serial behind.
    assert sorted(Certificate.objects.values_list("serial", flat=True)) == [
        f"EEPA-2024-000{n}" for n in range(1, 6)
    ]


def test_after_the_last_retry_the_failure_is_kept_per_award(
    certificate_cycle,
    awards,
    secretariat,
    storage_failing,
    settings,
    caplog,
    django_capture_on_commit_callbacks,
    django_user_model,
):
    from portal.roles import Role
    from tests.factories import UserFactory

    secretariat2 = UserFactory(username="secretariat2", roles=[Role.SECRETARIAT])
    # The batch fails every time: it is split, each award is retried on its own, and each
    # failure is kept with its award.
    settings.CERTIFICATE_BATCH_SIZE = 10
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    bad = run.jobs.get(result=awards[3])
    storage_failing(100)  # every attempt fails...
    job_ids = list(run.jobs.values_list("pk", flat=True))
    issue_certificate_batch.apply(args=[job_ids])
    assert run.progress() == {"total": 5, "done": 0, "failed": 5, "queued": 0}
    assert set(run.jobs.values_list("error", flat=True)) == {"disk full"}
    # Four attempts for the batch, then four for each award alone.
    assert caplog.text.count("failed, retrying") == 3 + 5 * 3
    # Nothing issued: the serials stay reserved, invisible, for the next attempt.
    assert set(Certificate.objects.values_list("status", flat=True)) == {"pending"}
    assert not any(Certificate.objects.values_list("pdf", flat=True))

    # ...and once the disk is freed, "Try the failed ones again" (a new run, by whoever
    # presses it) issues them all.
    storage_failing(0)
    with django_capture_on_commit_callbacks(execute=True):
        again = certificate_run_start(cycle=certificate_cycle, user=secretariat2)
    assert again != run
    assert again.progress() == {"total": 5, "done": 5, "failed": 0, "queued": 0}
    certificates = Certificate.objects.all()
    assert sorted(c.serial for c in certificates) == [f"EEPA-2024-000{n}" for n in range(1, 6)]
    assert {c.status for c in certificates} == {"issued"}
    bad.refresh_from_db()
    assert bad.status == Status.FAILED  # the first run's record stays as it was


def test_one_bad_award_does_not_sink_its_batch(certificate_cycle, secretariat, monkeypatch):
    from awards import pdf

    good = [awarded_result(certificate_cycle, name_en=f"Good {n} Limited") for n in range(3)]
    bad = awarded_result(certificate_cycle, name_en="Bad Limited")
    render = pdf.render_certificates

    def render_refusing_bad(certificates):
        if any(c.result_id == bad.pk for c in certificates):
            raise ValueError("1 certificates laid out on 2 pages")
        return render(certificates)

    monkeypatch.setattr("awards.services.certificates.render_certificates", render_refusing_bad)
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    issue_certificate_batch.apply(args=[list(run.jobs.values_list("pk", flat=True))])
    assert run.progress() == {"total": 4, "done": 3, "failed": 1, "queued": 0}
    failed = run.jobs.get(status=Status.FAILED)
    assert failed.result == bad
    assert "laid out on 2 pages" in failed.error
    assert {c.result for c in Certificate.objects.filter(status="issued")} == set(good)
    assert Certificate.objects.get(result=bad).status == "pending"


def test_a_reopened_cycle_fails_the_jobs_without_retrying(certificate_cycle, awards, secretariat):
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    Cycle.objects.filter(pk=certificate_cycle.pk).update(status=Cycle.Status.REVIEW)
    issue_certificate_batch.apply(args=[[run.jobs.first().pk]])
    job = run.jobs.first()
    assert job.status == Status.FAILED
    assert "once the cycle is finalised" in job.error
    assert not Certificate.objects.exists()


def test_a_failure_is_kept_in_the_language_of_whoever_started_the_run(
    certificate_cycle, awards, secretariat, compiled_catalogue
):
    UserPreference.objects.create(user=secretariat, language="zh-hant")
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    Cycle.objects.filter(pk=certificate_cycle.pk).update(status=Cycle.Status.REVIEW)
    issue_certificate_batch.apply(args=[[run.jobs.first().pk]])
    certificate_cycle.refresh_from_db()
    with translation.override("zh-hant"):
        expected = translation.gettext(
            "Certificates are issued once the cycle is finalised; %(cycle)s is %(status)s."
        ) % {"cycle": certificate_cycle, "status": certificate_cycle.get_status_display().lower()}
    assert run.jobs.first().error == expected
    assert expected.startswith("證書")


def test_only_the_secretariat_starts_a_run(certificate_cycle, awards, officer, panel_member):
    for user in (officer, panel_member):
        with pytest.raises(PermissionDenied):
            certificate_run_start(cycle=certificate_cycle, user=user)
    assert not CertificateRun.objects.exists()


def test_no_run_before_the_cycle_is_finalised(awards, secretariat):
    cycle = awards[0].nomination.cycle
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.REVIEW)
    cycle.refresh_from_db()
    with pytest.raises(ValidationError, match="once the cycle is finalised"):
        certificate_run_start(cycle=cycle, user=secretariat)


def test_the_retry_delay_grows_and_stays_bounded():
    delays = [max(retry_delay(n) for _ in range(50)) for n in range(8)]
    assert all(0 <= d <= 60 for d in delays)
    assert delays[0] <= 2 < delays[3]


def test_the_task_is_acknowledged_late_and_retried_with_backoff():
    assert issue_certificate_batch.acks_late is True
    assert issue_certificate_batch.reject_on_worker_lost is True
    assert issue_certificate_batch.max_retries == 3


def test_a_revoked_award_is_not_generated_again(
    certificate_cycle, awards, secretariat, django_capture_on_commit_callbacks
):
    certificate = certificate_issue(result=awards[0], user=secretariat)
    certificate_revoke(certificate=certificate, user=secretariat, reason="Awarded in error.")
    run, _ = start(certificate_cycle, secretariat, django_capture_on_commit_callbacks)
    assert run.progress()["total"] == 4
    assert not Certificate.objects.filter(result=awards[0], status="issued").exists()


def test_a_job_whose_award_was_revoked_meanwhile_fails_with_the_reason(
    certificate_cycle, awards, secretariat
):
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    certificate = certificate_issue(result=awards[1], user=secretariat)
    certificate_revoke(certificate=certificate, user=secretariat, reason="Awarded in error.")
    issue_certificate_batch.apply(args=[list(run.jobs.values_list("pk", flat=True))])
    failed = run.jobs.get(status=Status.FAILED)
    assert failed.result == awards[1]
    assert "revoked meanwhile" in failed.error
    assert Certificate.objects.filter(status="issued").count() == 4


def test_a_stalled_run_is_queued_again_once(
    certificate_cycle, awards, secretariat, django_capture_on_commit_callbacks
):
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)  # its messages were lost
    assert not run.is_stalled()
    CertificateJob.objects.update(updated_at=timezone.now() - CertificateRun.STALLED_AFTER)
    assert run.is_stalled()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        assert certificate_run_start(cycle=certificate_cycle, user=secretariat) == run
    assert len(callbacks) == 1
    assert run.progress()["done"] == 5
    # A run under way and not stalled is left alone.
    with django_capture_on_commit_callbacks() as callbacks:
        certificate_run_start(cycle=certificate_cycle, user=secretariat)
    assert callbacks == []


@pytest.fixture
def pending_certificate(certificate_cycle, awards, secretariat, storage_failing):
    """A certificate left pending: its serial reserved, its file never written."""
    run = certificate_run_start(cycle=certificate_cycle, user=secretariat)
    storage_failing(100)
    job = run.jobs.get(result=awards[0])
    issue_certificate_batch.apply(args=[[job.pk]])
    storage_failing(0)
    return Certificate.objects.get(result=awards[0])


def test_a_pending_certificate_is_invisible_outside(pending_certificate, client, secretariat):
    from django.urls import reverse

    assert pending_certificate.status == "pending"
    verify = reverse("certificate-verify", args=[pending_certificate.verification_code])
    assert client.get(verify).status_code == 404
    client.force_login(secretariat)
    download = reverse("awards:certificate-download", args=[pending_certificate.pk])
    assert client.get(download).status_code == 404
    page = client.get(reverse("awards:certificate-list", args=[2024]))
    assert pending_certificate.serial not in page.text


def test_issuing_later_keeps_the_reserved_serial(pending_certificate, awards, secretariat):
    certificate = certificate_issue(result=awards[0], user=secretariat)
    assert certificate.pk == pending_certificate.pk
    assert (certificate.serial, certificate.status) == ("EEPA-2024-0001", "issued")
    assert certificate.pdf and certificate.sha256


def test_reopening_drops_the_reserved_serials(pending_certificate, certificate_cycle, secretariat):
    from awards.services.cycles import cycle_reopen

    cycle_reopen(cycle=certificate_cycle, user=secretariat, reason="A verified event was wrong.")
    assert not Certificate.objects.exists()
