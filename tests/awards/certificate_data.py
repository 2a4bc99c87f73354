"""Certificates made directly in the database, with a small PDF, for the verification and
download tests (the rendering has tests of its own)."""

import hashlib
import secrets
from decimal import Decimal

from django.core.files.base import ContentFile

from awards.models import Certificate, NominationResult
from tests.awards.factories import NominationFactory

PDF = b"%PDF-1.4\n% EEPA test certificate\n%%EOF\n"


def awarded_result(cycle, enterprise, *, nominated_by, rank=1, streak=1) -> NominationResult:
    nomination = NominationFactory(cycle=cycle, enterprise=enterprise, nominated_by=nominated_by)
    return NominationResult.objects.create(
        nomination=nomination,
        rank=rank,
        verified_events=4,
        cooperation_score=Decimal("80.00"),
        panel_score=Decimal("70.00"),
        reviews=3,
        final_score=Decimal("76.00"),
        awarded=True,
        streak=streak,
    )


def certificate_of(result, *, serial, pdf=PDF, code=None, **fields) -> Certificate:
    """A certificate of `result` with `pdf` stored and its SHA-256; `fields` may revoke it."""
    enterprise = result.nomination.enterprise
    fields = {"name_en": enterprise.name_en, "name_zh": enterprise.name_zh, **fields}
    certificate = Certificate(
        result=result,
        serial=serial,
        verification_code=code or secrets.token_urlsafe(24),
        sha256=hashlib.sha256(pdf).hexdigest(),
        **fields,
    )
    certificate.pdf.save(f"{serial}.pdf", ContentFile(pdf), save=False)
    certificate.save()
    return certificate
