"""Certificates: the public verification pages (no login, rate-limited per client) and the
partners' downloads of their own certificates."""

import re
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render

from awards.forms.certificates import VerifyForm
from awards.models import Certificate
from partners.models import Enterprise
from portal.ratelimit import rate_limit
from portal.roles import Role, role_required

# What secrets.token_urlsafe() makes; anything else is looked up nowhere.
VERIFICATION_CODE = re.compile(r"[A-Za-z0-9_-]{16,64}")


def _private(view):
    """The verification code in the address is a secret: keep these pages out of search
    engines, caches and other sites' Referer headers."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper


def _certificate_with_code(code: str) -> Certificate | None:
    if not VERIFICATION_CODE.fullmatch(code):
        return None
    return (
        Certificate.objects.select_related(
            "result__nomination__cycle", "result__nomination__enterprise"
        )
        .filter(verification_code=code)
        .first()
    )


def _public_facts(certificate: Certificate) -> dict:
    """Everything the verification page shows, and nothing more: never the reason for a
    revocation, who issued or revoked it, or any identifier of the enterprise."""
    nomination = certificate.result.nomination
    return {
        "revoked": certificate.status == Certificate.Status.REVOKED,
        "revoked_at": certificate.revoked_at,
        "name_en": nomination.enterprise.name_en,
        "name_zh": nomination.enterprise.name_zh,
        "title_en": nomination.cycle.title_en,
        "title_zh": nomination.cycle.title_zh,
        "year": nomination.cycle.year,
        "serial": certificate.serial,
        "sha256": certificate.sha256,
    }


def _not_found(request):
    """One answer for an unknown code, a malformed one, and a serial that does not go with
    its code."""
    return render(request, "awards/certificates/verify.html", {"certificate": None}, status=404)


@_private
@rate_limit("certificate-verify", setting="VERIFY_RATE_LIMIT")
def certificate_verify(request, code):
    certificate = _certificate_with_code(code)
    if certificate is None:
        return _not_found(request)
    return render(
        request, "awards/certificates/verify.html", {"certificate": _public_facts(certificate)}
    )


@_private
@rate_limit("certificate-verify", setting="VERIFY_RATE_LIMIT")
def certificate_verify_form(request):
    """A typed serial and code lead to the certificate's page only if they belong together,
    so that a serial alone (printed, guessable) tells nothing."""
    form = VerifyForm(request.POST or None)
    if form.is_valid():
        certificate = _certificate_with_code(form.cleaned_data["code"])
        if certificate is None or certificate.serial != form.cleaned_data["serial"]:
            return _not_found(request)
        return redirect("certificate-verify", code=certificate.verification_code)
    return render(request, "awards/certificates/verify_form.html", {"form": form})


@role_required(Role.SECRETARIAT, Role.PARTNER)
def certificate_download(request, pk):
    certificate = get_object_or_404(
        Certificate.objects.visible_to(request.user).exclude(pdf=""), pk=pk
    )
    return FileResponse(
        certificate.pdf.open("rb"),
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )


@role_required(Role.PARTNER)
def my_certificates(request):
    """A partner user's certificates: their enterprise's issued ones, in published cycles."""
    enterprise = (
        Enterprise.objects.visible_to(request.user).filter(memberships__user=request.user).first()
    )
    if enterprise is None:
        raise PermissionDenied
    certificates = (
        Certificate.objects.visible_to(request.user)
        .exclude(pdf="")
        .select_related("result__nomination__cycle")
        .order_by("-result__nomination__cycle__year", "serial")
    )
    return render(
        request,
        "awards/certificates/my_certificates.html",
        {"enterprise": enterprise, "certificates": certificates},
    )
