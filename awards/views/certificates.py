"""Certificates: the Secretariat's page of a cycle's certificates (generation through Celery
with live progress, ZIP of them all, revocation and reissue), the public verification pages
(no login, rate-limited per client) and the partners' downloads of their own certificates."""

import tempfile
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from awards import rules
from awards.exports import write_certificates_zip
from awards.forms.certificates import CertificateReasonForm, VerifyForm
from awards.models import Certificate, CertificateJob, CertificateRun, NominationResult
from awards.pdf import printed_date
from awards.services import certificates as services
from awards.verification_codes import readings
from awards.views import cycle_from_url
from partners.models import Enterprise
from portal.auth import recent_auth_required
from portal.confirm import ask_confirmation, needs_confirmation
from portal.ratelimit import rate_limit
from portal.roles import Role, role_required
from portal.shortcuts import send_download


def _private(view):
    """The verification code in the address is a secret: keep these pages out of search
    engines, caches and other sites' Referer headers. `same-origin`, not `no-referrer`: under
    no-referrer a browser posts the page's forms (the serial and code, the language switch)
    with `Origin: null`, which the CSRF check refuses; same-origin sends the address only to
    this site, which has it already."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
        return response

    return wrapper


def _certificate_with_code(typed: str) -> Certificate | None:
    """The certificate whose code `typed` is, as printed or typed from paper
    (awards/verification_codes.py): exact values looked up in the code's unique index."""
    codes = readings(typed)
    if not codes:
        return None
    return (
        Certificate.objects.select_related(
            "result__nomination__cycle", "result__nomination__enterprise"
        )
        .filter(verification_code__in=codes)
        .exclude(status=Certificate.Status.PENDING)
        .first()
    )


def _public_facts(certificate: Certificate) -> dict:
    """Everything the verification page shows, and nothing more: never the reason for a
    revocation, who issued or revoked it, or any identifier of the enterprise."""
    nomination = certificate.result.nomination
    return {
        "revoked": certificate.status == Certificate.Status.REVOKED,
        "revoked_at": certificate.revoked_at,
        "name_en": certificate.name_en,
        "name_zh": certificate.name_zh,
        "title_en": nomination.cycle.title_en,
        "title_zh": nomination.cycle.title_zh,
        "year": nomination.cycle.year,
        "serial": certificate.serial,
        "code": certificate.printed_code,
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
    return send_download(certificate.pdf.open("rb"), f"{certificate.serial}.pdf")


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


# The Secretariat's certificates page of a cycle


def _run_context(run: CertificateRun | None) -> dict:
    if run is None:
        return {"run": None}
    progress = run.progress()
    stalled = progress["queued"] > 0 and run.is_stalled()
    failures = (
        run.jobs.filter(status=CertificateJob.Status.FAILED)
        .select_related("result__nomination__enterprise")
        .order_by("result__nomination__enterprise__name_en")
        if progress["failed"]
        else []
    )
    return {"run": run, "progress": progress, "failures": failures, "stalled": stalled}


@role_required(Role.SECRETARIAT)
def certificate_list(request, year):
    cycle = cycle_from_url(request, year)
    awards = (
        NominationResult.objects.filter(nomination__cycle=cycle, awarded=True)
        .select_related("nomination__enterprise")
        .prefetch_related(
            Prefetch("certificates", queryset=Certificate.objects.order_by("-issued_at", "-pk"))
        )
        .order_by("rank", "nomination__enterprise__name_en")
    )
    rows = [
        {
            "result": result,
            "issued": next(
                (c for c in result.certificates.all() if c.status == Certificate.Status.ISSUED),
                None,
            ),
            "revoked": [
                c for c in result.certificates.all() if c.status == Certificate.Status.REVOKED
            ],
        }
        for result in awards
    ]
    return render(
        request,
        "awards/certificates/certificate_list.html",
        {
            "cycle": cycle,
            "rows": rows,
            # Never certified: an award whose certificate was revoked is reissued, not generated.
            "missing": sum(1 for row in rows if row["issued"] is None and not row["revoked"]),
            "issued": sum(1 for row in rows if row["issued"] is not None),
            "certificate_date": printed_date(cycle.certificate_date),
            **_run_context(cycle.certificate_runs.select_related("started_by").first()),
        },
    )


@require_POST
@role_required(Role.SECRETARIAT)
def certificate_generate(request, year):
    cycle = cycle_from_url(request, year)
    try:
        run = services.certificate_run_start(cycle=cycle, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        # A started run says nothing here: its panel on the page tells how far it is, where a
        # message written now would still say "being generated" once the run is over (without
        # a broker it is over before the page loads).
        if run is None:
            messages.info(request, _("Every award of this cycle has its certificate."))
    return redirect("awards:certificate-list", year=cycle.year)


@role_required(Role.SECRETARIAT)
def certificate_run(request, year, pk):
    """The progress panel, polled by htmx until the run is over; then the whole page reloads
    once, to show the new serials."""
    cycle = cycle_from_url(request, year)
    run = get_object_or_404(cycle.certificate_runs.select_related("started_by"), pk=pk)
    if not request.htmx:
        return redirect("awards:certificate-list", year=cycle.year)
    context = {"cycle": cycle, **_run_context(run)}
    response = render(request, "awards/certificates/_run_progress.html", context)
    if context["progress"]["queued"] == 0 and request.GET.get("polling"):
        response["HX-Refresh"] = "true"
    return response


@role_required(Role.SECRETARIAT)
def certificate_zip(request, year):
    """Every issued certificate of the cycle in one ZIP, with a SHA256SUMS file to check them.
    Built in a temporary file: a thousand certificates would not fit in memory comfortably."""
    cycle = cycle_from_url(request, year)
    certificates = list(
        Certificate.objects.visible_to(request.user)
        .filter(result__nomination__cycle=cycle, status=Certificate.Status.ISSUED)
        .exclude(pdf="")
        .select_related("result__nomination__enterprise")
    )
    if not certificates:
        messages.error(request, _("No certificate of this cycle has been issued yet."))
        return redirect("awards:certificate-list", year=cycle.year)
    # The response closes the file once it is sent.
    archive = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    write_certificates_zip(certificates, archive)
    archive.seek(0)
    return send_download(archive, f"EEPA-{cycle.year}-certificates.zip")


def _certificate_action(request, pk, *, service, template, done_message, confirmation):
    certificate = get_object_or_404(
        Certificate.objects.visible_to(request.user).select_related(
            "result__nomination__cycle", "result__nomination__enterprise"
        ),
        pk=pk,
    )
    cycle = certificate.result.nomination.cycle
    form = CertificateReasonForm(request.POST or None)
    if certificate.status == Certificate.Status.REVOKED:
        messages.error(request, _("This certificate is revoked already."))
        return redirect("awards:certificate-list", year=cycle.year)
    if form.is_valid():
        if needs_confirmation(request, rules.may_issue_certificates(request.user)):
            enterprise = certificate.result.nomination.enterprise
            title, summary, button = confirmation
            names = {"serial": certificate.serial, "enterprise": enterprise.name}
            return ask_confirmation(
                request,
                title=title % names,
                summary=summary % names,
                details=[_("Reason: %(reason)s") % {"reason": form.cleaned_data["reason"]}],
                button=button,
                cancel_url=reverse("awards:certificate-list", args=[cycle.year]),
            )
        try:
            result = service(
                certificate=certificate, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done_message % {"old": certificate.serial, "new": result})
            return redirect("awards:certificate-list", year=cycle.year)
    return render(request, template, {"certificate": certificate, "cycle": cycle, "form": form})


@role_required(Role.SECRETARIAT)
@recent_auth_required
def certificate_revoke(request, pk):
    return _certificate_action(
        request,
        pk,
        service=services.certificate_revoke,
        template="awards/certificates/revoke.html",
        done_message=_("Certificate %(old)s is revoked; its verification page now says so."),
        confirmation=(
            _("Revoke certificate %(serial)s?"),
            _(
                "Revoke certificate %(serial)s of %(enterprise)s: its verification page will "
                "say it was revoked, and no certificate replaces it."
            ),
            _("Revoke the certificate"),
        ),
    )


@role_required(Role.SECRETARIAT)
def certificate_reissue(request, pk):
    return _certificate_action(
        request,
        pk,
        service=services.certificate_reissue,
        template="awards/certificates/reissue.html",
        done_message=_("Certificate %(old)s is revoked and %(new)s issued in its place."),
        confirmation=(
            _("Reissue certificate %(serial)s?"),
            _(
                "Reissue certificate %(serial)s of %(enterprise)s: it will be revoked and a "
                "new certificate, with a new serial number, issued in its place."
            ),
            _("Revoke and reissue"),
        ),
    )
