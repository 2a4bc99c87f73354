"""Certificates: issue (idempotent, one per award), issue a whole cycle, revoke, reissue."""

import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.models import Certificate, Cycle, NominationResult
from awards.pdf import render_certificates
from portal.audit import audit
from portal.roles import Role, has_role

Status = Certificate.Status
SERIAL_PREFIX = "EEPA"


def _require_secretariat(user) -> None:
    if user is not None and not has_role(user, Role.SECRETARIAT):
        raise PermissionDenied(_("Only the secretariat issues and revokes certificates."))


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


def _issue(cycle: Cycle, results: list[NominationResult], user) -> list[Certificate]:
    """Create, render and store the certificates of `results` (awarded, none issued yet), under
    the cycle's lock. The files written are removed again if anything fails, so that a retry
    starts clean."""
    number = _next_serial_number(cycle)
    certificates = []
    for offset, result in enumerate(results):
        certificate = Certificate(
            result=result,
            serial=f"{SERIAL_PREFIX}-{cycle.year}-{number + offset:04d}",
            verification_code=secrets.token_urlsafe(24),
            issued_by=user,
        )
        certificate.save()
        certificates.append(certificate)
    written = []
    try:
        for certificate, pdf in zip(certificates, render_certificates(certificates), strict=True):
            certificate.sha256 = hashlib.sha256(pdf).hexdigest()
            certificate.pdf.save(f"{certificate.serial}.pdf", ContentFile(pdf), save=False)
            written.append(certificate.pdf.name)
            certificate.save(update_fields=["pdf", "sha256"])
            audit(
                user,
                "awards.certificate.issued",
                certificate,
                {"serial": ["", certificate.serial]},
            )
    except BaseException:
        for name in written:
            certificates[0].pdf.storage.delete(name)
        raise
    return certificates


def _issuable(result: NominationResult) -> None:
    if not result.awarded:
        raise ValidationError(
            _("%(enterprise)s was not awarded: there is no certificate to issue.")
            % {"enterprise": result.nomination.enterprise.name_en},
            code="not_awarded",
        )


def certificate_issue(*, result: NominationResult, user=None) -> Certificate:
    """The issued certificate of an award, issuing it if there is none yet (safe to call twice,
    or again after a failure). `user` is None when a task issues it."""
    _require_secretariat(user)
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


@transaction.atomic
def certificates_issue_for_cycle(*, cycle: Cycle, user=None) -> list[Certificate]:
    """Issue every missing certificate of the cycle's awardees, rendered as one batch.
    Returns the certificates issued now (none if all were issued already)."""
    _require_secretariat(user)
    cycle = _lock_cycle(cycle.pk)
    results = list(
        NominationResult.objects.filter(nomination__cycle=cycle, awarded=True)
        .select_related("nomination__cycle", "nomination__enterprise")
        .order_by("rank", "nomination__enterprise__name_en")
    )
    issued = _issued([r.pk for r in results])
    missing = [r for r in results if r.pk not in issued]
    return _issue(cycle, missing, user) if missing else []


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
    _require_secretariat(user)
    return _revoke(certificate, user, _reason(reason))


@transaction.atomic
def certificate_reissue(*, certificate: Certificate, user, reason: str) -> Certificate:
    """Revoke the certificate and issue the award a new one under a new serial, with the
    enterprise's names as they are now (a corrected name is the usual reason)."""
    _require_secretariat(user)
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
