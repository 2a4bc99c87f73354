"""Certificates: issue (idempotent, one per award), issue a whole cycle, revoke, reissue, and
generation runs worked off by Celery tasks (awards/tasks.py)."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import notifications, rules, webhooks
from awards.models import Certificate, CertificateJob, CertificateRun, Cycle, NominationResult
from awards.pdf import render_certificates
from awards.verification_codes import new_code
from portal.audit import audit
from portal.rules import require

Status = Certificate.Status
SERIAL_PREFIX = "EEPA"


def _lock_cycle(cycle_id: int) -> Cycle:
    """Lock the cycle: serials are allocated per year, one cycle per year, under this lock."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle_id)
    if not cycle.is_frozen:
        raise ValidationError(
            _("Certificates are issued once the cycle is finalised; %(cycle)s is %(status)s.")
            % {"cycle": cycle, "status": cycle.get_status_display().lower()},
            code="cycle_not_finalised",
        )
    return cycle


def _next_serial_number(cycle: Cycle) -> int:
    last = (
        Certificate.objects.filter(serial__startswith=f"{SERIAL_PREFIX}-{cycle.year}-")
        .order_by("-serial")
        .values_list("serial", flat=True)
        .first()
    )
    return int(last.rsplit("-", 1)[1]) + 1 if last else 1


def _issued(result_ids) -> dict[int, Certificate]:
    return {
        c.result_id: c
        for c in Certificate.objects.filter(result_id__in=result_ids, status=Status.ISSUED)
    }


def _pending(result_ids) -> dict[int, Certificate]:
    return {
        c.result_id: c
        for c in Certificate.objects.filter(
            result_id__in=result_ids, status=Status.PENDING
        ).select_related("result__nomination__cycle", "result__nomination__enterprise")
    }


def _reserve(cycle: Cycle, results: list[NominationResult], user) -> list[Certificate]:
    """Pending certificates for `results` (awards with no current certificate): serial numbers,
    verification codes and the names to print. The caller holds the cycle's lock, under which
    serials are allocated."""
    number = _next_serial_number(cycle)
    certificates = []
    for offset, result in enumerate(results):
        enterprise = result.nomination.enterprise
        certificate = Certificate(
            result=result,
            serial=f"{SERIAL_PREFIX}-{cycle.year}-{number + offset:04d}",
            verification_code=new_code(),
            name_en=enterprise.name_en,
            name_zh=enterprise.name_zh,
            status=Status.PENDING,
            issued_by=user,
        )
        certificate.save()
        certificates.append(certificate)
    return certificates


def _complete(cycle: Cycle, certificates: list[Certificate], pdfs: list[bytes], user):
    """Store the rendered files of pending certificates and issue them, in the caller's
    transaction; those issued meanwhile by another worker are left alone. The files written
    are removed again if anything fails, so that a retry starts clean."""
    pending = set(
        Certificate.objects.select_for_update()
        .filter(pk__in=[c.pk for c in certificates], status=Status.PENDING)
        .values_list("pk", flat=True)
    )
    issued, written = [], []
    try:
        for certificate, pdf in zip(certificates, pdfs, strict=True):
            if certificate.pk not in pending:
                continue
            certificate.sha256 = hashlib.sha256(pdf).hexdigest()
            certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(pdf), save=False)
            written.append(certificate.pdf.name)
            certificate.status, certificate.issued_at = Status.ISSUED, timezone.now()
            certificate.save(update_fields=["pdf", "sha256", "status", "issued_at"])
            audit(
                user,
                "awards.certificate.issued",
                certificate,
                {"serial": ["", certificate.serial]},
            )
            issued.append(certificate)
    except BaseException:
        for name in written:
            certificates[0].pdf.storage.delete(name)
        raise
    notifications.certificates_issued(cycle=cycle, certificates=issued)
    webhooks.certificates_issued(cycle=cycle, certificates=issued)
    return issued


def _issue(cycle: Cycle, results: list[NominationResult], user) -> list[Certificate]:
    """Reserve, render and issue the certificates of `results` (awards with no issued
    certificate) in one go, under the cycle's lock: one certificate, a reissue, a whole cycle.
    A certificate left pending by a failed generation is issued under its reserved serial."""
    pending = _pending([r.pk for r in results])
    reserved = _reserve(cycle, [r for r in results if r.pk not in pending], user)
    certificates = [*pending.values(), *reserved]
    if not certificates:
        return []
    return _complete(cycle, certificates, render_certificates(certificates), user)


def _issuable(result: NominationResult) -> None:
    if not result.awarded:
        raise ValidationError(
            _("%(enterprise)s was not awarded: there is no certificate to issue.")
            % {"enterprise": result.nomination.enterprise.name},
            code="not_awarded",
        )


def certificate_issue(*, result: NominationResult, user=None) -> Certificate:
    """The issued certificate of an award, issuing it if there is none yet (safe to call twice,
    or again after a failure). `user` is None when a task issues it."""
    require(rules.may_issue_certificates(user))
    try:
        with transaction.atomic():
            result = NominationResult.objects.select_related(
                "nomination__cycle", "nomination__enterprise"
            ).get(pk=result.pk)
            _lock_cycle(result.nomination.cycle_id)
            existing = _issued([result.pk]).get(result.pk)
            if existing:
                return existing
            _issuable(result)
            return _issue(result.nomination.cycle, [result], user)[0]
    except IntegrityError:
        # The database's one-issued-per-award constraint: someone else issued it meanwhile.
        existing = _issued([result.pk]).get(result.pk)
        if existing is None:
            raise
        return existing


def _awards(cycle: Cycle):
    return (
        NominationResult.objects.filter(nomination__cycle=cycle, awarded=True)
        .select_related("nomination__cycle", "nomination__enterprise")
        .order_by("rank", "nomination__enterprise__name_en")
    )


def awards_without_certificate(cycle: Cycle):
    """The cycle's awards never certified, including those whose certificate is still pending
    (a generation that failed half-way). An award whose certificate was revoked is not one of
    them: revoking is final, and a new certificate comes only from a reissue."""
    return _awards(cycle).exclude(certificates__status__in=[Status.ISSUED, Status.REVOKED])


@transaction.atomic
def certificates_issue_for_cycle(*, cycle: Cycle, user=None) -> list[Certificate]:
    """Issue every missing certificate of the cycle's awardees, rendered as one batch.
    Returns the certificates issued now (none if all were issued already)."""
    require(rules.may_issue_certificates(user))
    cycle = _lock_cycle(cycle.pk)
    return _issue(cycle, list(awards_without_certificate(cycle)), user)


# Generation runs: "Generate certificates" makes a run with a job per award still without a
# certificate; Celery tasks work the jobs off in batches (one document per batch shares the
# font work). Every step is idempotent: a job already done, or an award already certified by
# anyone, is skipped, so a retried or doubled task never makes a second certificate.

JobStatus = CertificateJob.Status


def _queue_jobs(job_ids: list[int]) -> None:
    from awards.tasks import issue_certificate_batch

    size = settings.CERTIFICATE_BATCH_SIZE
    batches = [job_ids[i : i + size] for i in range(0, len(job_ids), size)]

    def send():
        for batch in batches:
            issue_certificate_batch.delay(batch)

    # After the commit: a worker must find the jobs the message names.
    transaction.on_commit(send)


@transaction.atomic
def certificate_run_start(*, cycle: Cycle, user) -> CertificateRun | None:
    """Queue the certificates of every award of the cycle that has none. Returns the run, the
    run already under way if there is one (a double click starts nothing more), or None when
    every award has its certificate."""
    require(rules.may_issue_certificates(user))
    cycle = _lock_cycle(cycle.pk)
    active = (
        CertificateRun.objects.filter(cycle=cycle, jobs__status=JobStatus.QUEUED).distinct().first()
    )
    if active:
        if active.is_stalled():
            queued = list(active.jobs.filter(status=JobStatus.QUEUED).values_list("pk", flat=True))
            CertificateJob.objects.filter(pk__in=queued).update(updated_at=timezone.now())
            _queue_jobs(queued)
        return active
    missing = list(awards_without_certificate(cycle).values_list("pk", flat=True))
    if not missing:
        return None
    run = CertificateRun.objects.create(cycle=cycle, started_by=user)
    jobs = CertificateJob.objects.bulk_create(
        CertificateJob(run=run, result_id=result_id) for result_id in missing
    )
    audit(user, "awards.certificate.generation_started", cycle, note=str(len(jobs)))
    _queue_jobs([job.pk for job in jobs])
    return run


def certificate_jobs_work(job_ids: list[int]) -> int:
    """Issue the certificates of the jobs still queued, as one document; returns how many jobs
    this call finished. Called by the Celery task, again on a retry.

    Three steps, so that workers render in parallel: serials are reserved under the cycle's
    lock (pending certificates), the document is rendered with no lock held, and the files are
    stored under the certificates' own row locks. A step that fails leaves pending
    certificates, which the next attempt renders again under the same serials."""
    with transaction.atomic():
        jobs = list(
            CertificateJob.objects.filter(pk__in=job_ids, status=JobStatus.QUEUED)
            .select_related("run__started_by")
            .order_by("pk")
        )
        if not jobs:
            return 0
        run = jobs[0].run
        user = run.started_by
        require(rules.may_issue_certificates(user))
        cycle = _lock_cycle(run.cycle_id)
        result_ids = [j.result_id for j in jobs]
        awards = awards_without_certificate(cycle).filter(pk__in=result_ids)
        pending = _pending(result_ids)
        _reserve(cycle, [r for r in awards if r.pk not in pending], user)

    certificates = list(_pending(result_ids).values())
    pdfs = render_certificates(certificates)

    with transaction.atomic():
        _complete(cycle, certificates, pdfs, user)
        # Locked: a redelivered message working the same jobs waits here, then finds them done.
        jobs = list(
            CertificateJob.objects.select_for_update()
            .filter(pk__in=[j.pk for j in jobs], status=JobStatus.QUEUED)
            .order_by("pk")
        )
        issued = _issued([j.result_id for j in jobs])
        now = timezone.now()
        for job in jobs:
            job.certificate = issued.get(job.result_id)
            if job.certificate:
                job.status, job.error = JobStatus.DONE, ""
            else:  # revoked meanwhile (revoking is final), or no longer an award
                job.status = JobStatus.FAILED
                job.error = _("This award's certificate was revoked meanwhile; reissue it instead.")
            job.updated_at = now
        CertificateJob.objects.bulk_update(jobs, ["status", "error", "certificate", "updated_at"])
        return len(jobs)


def certificate_jobs_fail(job_ids: list[int], error: BaseException) -> None:
    """Give up on the jobs still queued, keeping the error for the progress page."""
    message = str(error) or error.__class__.__name__
    if isinstance(error, ValidationError):
        message = " ".join(error.messages)
    CertificateJob.objects.filter(pk__in=job_ids, status=JobStatus.QUEUED).update(
        status=JobStatus.FAILED, error=message[:2000], updated_at=timezone.now()
    )


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Give the reason for revoking the certificate."), code="reason")
    return reason


def _revoke(certificate: Certificate, user, reason: str) -> Certificate:
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    if certificate.status != Status.ISSUED:
        raise ValidationError(
            _("Certificate %(serial)s is already revoked.") % {"serial": certificate.serial},
            code="revoked",
        )
    certificate.status, certificate.revoked_at = Status.REVOKED, timezone.now()
    certificate.revoked_by, certificate.revocation_reason = user, reason
    certificate.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
    audit(
        user,
        "awards.certificate.revoked",
        certificate,
        {"status": [Status.ISSUED, Status.REVOKED]},
        note=reason,
    )
    return certificate


@transaction.atomic
def certificate_revoke(*, certificate: Certificate, user, reason: str) -> Certificate:
    require(rules.may_issue_certificates(user))
    return _revoke(certificate, user, _reason(reason))


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, user, reason: str) -> Certificate:
    """Revoke the certificate and issue the award a new one under a new serial, with the
    enterprise's names as they are now (a corrected name is the usual reason)."""
    require(rules.may_issue_certificates(user))
    reason = _reason(reason)
    result = NominationResult.objects.select_related(
        "nomination__cycle", "nomination__enterprise"
    ).get(pk=certificate.result_id)
    cycle = _lock_cycle(result.nomination.cycle_id)
    old = _revoke(certificate, user, reason)
    new = _issue(cycle, [result], user)[0]
    audit(
        user,
        "awards.certificate.reissued",
        new,
        {"serial": [old.serial, new.serial]},
        note=reason,
    )
    return new
