import hashlib
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.storage import FileSystemStorage

from awards.models import Certificate, Cycle
from awards.services.certificates import (
    certificate_issue,
    certificate_reissue,
    certificate_revoke,
    certificates_issue_for_cycle,
)
from portal.models import AuditEntry
from tests.awards.factories import CycleFactory
from tests.awards.test_certificate_pdf import awarded_result

pytestmark = pytest.mark.django_db


def test_issuing_stores_the_pdf_with_its_sha256_and_a_serial(
    certificate_cycle, secretariat, settings
):
    certificate = certificate_issue(result=awarded_result(certificate_cycle), user=secretariat)
    assert certificate.serial == "EEPA-2024-0001"
    assert certificate.status == Certificate.Status.ISSUED
    assert certificate.issued_by == secretariat
    assert re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{28}", certificate.verification_code)  # 140 bits
    assert certificate.pdf.name == "certificates/2024/EEPA-2024-0001.pdf"
    stored = (settings.MEDIA_ROOT / certificate.pdf.name).read_bytes()
    assert stored.startswith(b"%PDF-")
    assert certificate.sha256 == hashlib.sha256(stored).hexdigest()
    entry = AuditEntry.objects.get(action="awards.certificate.issued")
    assert (entry.actor, entry.object_repr) == (secretariat, "EEPA-2024-0001")


def test_serials_follow_on_within_the_year_and_restart_with_another(secretariat):
    cycle_2023 = CycleFactory(year=2023, status=Cycle.Status.PUBLISHED)
    cycle_2024 = CycleFactory(year=2024, status=Cycle.Status.FINALISED)
    serials = [
        certificate_issue(result=awarded_result(cycle_2024), user=secretariat).serial,
        certificate_issue(result=awarded_result(cycle_2023), user=secretariat).serial,
        certificate_issue(result=awarded_result(cycle_2024), user=secretariat).serial,
    ]
    assert serials == ["EEPA-2024-0001", "EEPA-2023-0001", "EEPA-2024-0002"]


def test_issuing_twice_gives_the_one_certificate(certificate_cycle, secretariat):
    result = awarded_result(certificate_cycle)
    first = certificate_issue(result=result, user=secretariat)
    second = certificate_issue(result=result, user=secretariat)
    assert second.pk == first.pk
    assert Certificate.objects.filter(result=result).count() == 1
    assert AuditEntry.objects.filter(action="awards.certificate.issued").count() == 1


def test_a_retry_after_a_failed_write_issues_exactly_one_certificate(
    certificate_cycle, secretariat, monkeypatch, settings
):
    result = awarded_result(certificate_cycle)
    save = FileSystemStorage._save
    calls = []

    def save_failing_once(storage, name, content):
        calls.append(name)
        if len(calls) == 1:
            raise OSError("disk full")
        return save(storage, name, content)

    monkeypatch.setattr(FileSystemStorage, "_save", save_failing_once)
    with pytest.raises(OSError, match="disk full"):
        certificate_issue(result=result, user=secretariat)
    assert not Certificate.objects.exists()

    certificate = certificate_issue(result=result, user=secretariat)
    assert Certificate.objects.get(result=result) == certificate
    assert certificate.serial == "EEPA-2024-0001"
    files = sorted(p.name for p in (settings.MEDIA_ROOT / "certificates" / "2024").iterdir())
    assert files == ["EEPA-2024-0001.pdf"]


def test_a_failure_after_the_file_is_written_removes_it(
    certificate_cycle, secretariat, monkeypatch, settings
):
    result = awarded_result(certificate_cycle)

    def audit_failing(*args, **kwargs):
        raise RuntimeError("audit log unavailable")

    monkeypatch.setattr("awards.services.certificates.audit", audit_failing)
    with pytest.raises(RuntimeError):
        certificate_issue(result=result, user=secretariat)
    assert not Certificate.objects.exists()
    assert list((settings.MEDIA_ROOT / "certificates" / "2024").iterdir()) == []


def test_a_result_not_awarded_gets_no_certificate(certificate_cycle, secretariat):
    result = awarded_result(certificate_cycle)
    result.awarded = False
    result.save()
    with pytest.raises(ValidationError) as error:
        certificate_issue(result=result, user=secretariat)
    assert error.value.code == "not_awarded"
    assert not Certificate.objects.exists()


@pytest.mark.parametrize("status", [Cycle.Status.REVIEW, Cycle.Status.NOMINATIONS])
def test_a_cycle_not_finalised_gets_no_certificate(secretariat, status):
    result = awarded_result(CycleFactory(year=2024, status=status))
    with pytest.raises(ValidationError) as error:
        certificate_issue(result=result, user=secretariat)
    assert error.value.code == "cycle_not_finalised"
    with pytest.raises(ValidationError):
        certificates_issue_for_cycle(cycle=result.nomination.cycle, user=secretariat)
    assert not Certificate.objects.exists()


def test_only_the_secretariat_issues(certificate_cycle, officer):
    with pytest.raises(PermissionDenied):
        certificate_issue(result=awarded_result(certificate_cycle), user=officer)


def test_issuing_a_cycle_issues_every_missing_certificate_once(certificate_cycle, secretariat):
    results = [awarded_result(certificate_cycle) for _ in range(3)]
    not_awarded = awarded_result(certificate_cycle)
    not_awarded.awarded = False
    not_awarded.save()
    first = certificate_issue(result=results[1], user=secretariat)

    issued = certificates_issue_for_cycle(cycle=certificate_cycle, user=secretariat)

    assert sorted(c.result_id for c in issued) == [results[0].pk, results[2].pk]
    assert sorted(c.serial for c in issued) == ["EEPA-2024-0002", "EEPA-2024-0003"]
    assert all(c.pdf.read().startswith(b"%PDF-") for c in issued)
    assert first.serial == "EEPA-2024-0001"
    assert certificates_issue_for_cycle(cycle=certificate_cycle, user=secretariat) == []
    assert Certificate.objects.count() == 3


def test_reissue_revokes_the_old_serial_and_issues_a_new_one(certificate_cycle, secretariat):
    result = awarded_result(certificate_cycle, name_en="Harbour Melodie Limited")
    old = certificate_issue(result=result, user=secretariat)
    enterprise = result.nomination.enterprise
    enterprise.name_en = "Harbour Melody Limited"
    enterprise.save()

    new = certificate_reissue(certificate=old, user=secretariat, reason="  Name corrected ")

    old.refresh_from_db()
    assert (old.status, old.revoked_by, old.revocation_reason) == (
        Certificate.Status.REVOKED,
        secretariat,
        "Name corrected",
    )
    assert old.revoked_at is not None
    assert (new.serial, new.status, new.result) == (
        "EEPA-2024-0002",
        Certificate.Status.ISSUED,
        result,
    )
    assert new.verification_code != old.verification_code
    assert new.sha256 != old.sha256
    assert list(AuditEntry.objects.order_by("pk").values_list("action", "object_repr", "note")) == [
        ("awards.certificate.issued", "EEPA-2024-0001", ""),
        ("awards.certificate.revoked", "EEPA-2024-0001", "Name corrected"),
        ("awards.certificate.issued", "EEPA-2024-0002", ""),
        ("awards.certificate.reissued", "EEPA-2024-0002", "Name corrected"),
    ]


def test_revoking_needs_a_reason(certificate_cycle, secretariat):
    certificate = certificate_issue(result=awarded_result(certificate_cycle), user=secretariat)
    for reason in ["", "   "]:
        with pytest.raises(ValidationError):
            certificate_revoke(certificate=certificate, user=secretariat, reason=reason)
        with pytest.raises(ValidationError):
            certificate_reissue(certificate=certificate, user=secretariat, reason=reason)
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED
    assert Certificate.objects.count() == 1


def test_a_revoked_certificate_is_not_revoked_again(certificate_cycle, secretariat):
    certificate = certificate_issue(result=awarded_result(certificate_cycle), user=secretariat)
    revoked = certificate_revoke(certificate=certificate, user=secretariat, reason="Withdrawn")
    assert revoked.status == Certificate.Status.REVOKED
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, user=secretariat, reason="Again")
    with pytest.raises(ValidationError):
        certificate_reissue(certificate=certificate, user=secretariat, reason="Again")
    # Revoked without a reissue: issuing again gives the award a new serial.
    assert certificate_issue(result=certificate.result, user=secretariat).serial == (
        "EEPA-2024-0002"
    )


def test_only_the_secretariat_revokes(certificate_cycle, secretariat, officer):
    certificate = certificate_issue(result=awarded_result(certificate_cycle), user=secretariat)
    with pytest.raises(PermissionDenied):
        certificate_revoke(certificate=certificate, user=officer, reason="No")
    with pytest.raises(PermissionDenied):
        certificate_reissue(certificate=certificate, user=officer, reason="No")
