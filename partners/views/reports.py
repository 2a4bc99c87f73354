"""Reports from partners: the partner's side (send, follow) and the officers' triage."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from partners import rules
from partners.forms.reports import ReportCloseForm, ReportForm, ReportNoteForm, ReportQueueFilter
from partners.models import (
    Enterprise,
    ManifestMatch,
    PartnerReport,
    ReportAttachment,
    ReportNote,
)
from partners.services import reports
from portal.confirm import ask_confirmation, needs_confirmation
from portal.models import AuditEntry
from portal.roles import STAFF_ROLES, Role, role_required
from portal.shortcuts import paginate, query_without_page, refusal_reported, send_download
from portal.submissions import ALREADY_SENT, AlreadySubmitted, submitted_once

# The partner's side


def _own_enterprise(request) -> Enterprise:
    """The partner user's enterprise; 403 for anyone without an active membership (the
    superuser holds the partner role but belongs to no enterprise)."""
    enterprise = Enterprise.objects.filter(
        memberships__user=request.user, memberships__is_active=True
    ).first()
    if enterprise is None:
        raise PermissionDenied
    return enterprise


def _own_reports(request):
    enterprise = _own_enterprise(request)
    return enterprise, PartnerReport.objects.visible_to(request.user).filter(enterprise=enterprise)


@role_required(Role.PARTNER)
def my_report_list(request):
    enterprise, own = _own_reports(request)
    return render(
        request,
        "partners/reports/partner_list.html",
        {"enterprise": enterprise, "page": paginate(request, own.order_by("-created_at", "-pk"))},
    )


@role_required(Role.PARTNER)
def my_report_detail(request, pk):
    _enterprise, own = _own_reports(request)
    report = get_object_or_404(own, pk=pk)
    return render(
        request,
        "partners/reports/partner_detail.html",
        {"report": report, "attachments": report.attachments.all()},
    )


@role_required(Role.PARTNER)
def report_submit(request):
    enterprise = _own_enterprise(request)
    form = ReportForm(request.POST or None, request.FILES or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with submitted_once(form, user=request.user) as submission:
                report = submission.record(
                    reports.report_submit(
                        user=request.user,
                        category=data["category"],
                        description=data["description"],
                        shipment_references=data["shipment_references"],
                        attachments=data["attachments"],
                    )
                )
        except AlreadySubmitted as sent:
            messages.info(request, ALREADY_SENT)
            first = sent.created
            return redirect(first.get_partner_url() if first else "partners:my-reports")
        except reports.RateLimited as limited:
            minutes = max(round(limited.retry_after / 60), 1)
            form.add_error(
                None,
                ngettext(
                    "Your enterprise has sent the most reports allowed within an hour. "
                    "You can send this one in about %(minutes)d minute.",
                    "Your enterprise has sent the most reports allowed within an hour. "
                    "You can send this one in about %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            response = render(
                request,
                "partners/reports/submit.html",
                {"form": form, "enterprise": enterprise},
                status=429,
            )
            response["Retry-After"] = str(limited.retry_after)
            return response
        messages.success(
            request,
            _("Report received. Its acknowledgement number is %(number)s.")
            % {"number": report.acknowledgement_number},
        )
        return redirect(report.get_partner_url())
    return render(request, "partners/reports/submit.html", {"form": form, "enterprise": enterprise})


# The officers' side


@role_required(*STAFF_ROLES)
def report_queue(request):
    filters = ReportQueueFilter(request.GET)
    queue = filters.apply(
        PartnerReport.objects.visible_to(request.user).select_related("enterprise").triage_order()
    )
    return render(
        request,
        "partners/reports/queue.html",
        {
            "filters": filters,
            "page": paginate(request, queue),
            "query": query_without_page(request),
        },
    )


@role_required(*STAFF_ROLES)
def report_detail(request, pk):
    report = get_object_or_404(
        PartnerReport.objects.visible_to(request.user).select_related(
            "enterprise", "submitted_by", "handled_by", "event"
        ),
        pk=pk,
    )
    may_triage = rules.may_triage_reports(request.user, report)
    return render(
        request,
        "partners/reports/detail.html",
        {
            "report": report,
            "attachments": ReportAttachment.objects.visible_to(request.user).filter(report=report),
            "notes": ReportNote.objects.visible_to(request.user)
            .filter(report=report)
            .select_related("author"),
            "may_act": may_triage,
            "matches": ManifestMatch.objects.visible_to(request.user)
            .filter(report=report)
            .select_related("line__manifest"),
            "note_form": ReportNoteForm(),
            "close_form": ReportCloseForm(),
            "audit_entries": AuditEntry.objects.visible_to(request.user)
            .for_object(report)
            .select_related("actor"),
        },
    )


def _report(request, pk) -> PartnerReport:
    return get_object_or_404(PartnerReport.objects.visible_to(request.user), pk=pk)


# The officers' actions: each refused, with the reason, when another officer acted on the
# report a moment earlier.


@require_POST
@role_required(Role.OFFICER)
def report_review(request, pk):
    report = _report(request, pk)
    with refusal_reported(request) as outcome:
        reports.report_review(report=report, user=request.user)
    if outcome.ok:
        messages.success(request, _("The report is under review."))
    return redirect(report)


@require_POST
@role_required(Role.OFFICER)
def report_note(request, pk):
    report = _report(request, pk)
    form = ReportNoteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the note."))
        return redirect(report)
    with refusal_reported(request) as outcome:
        reports.report_note_add(report=report, user=request.user, text=form.cleaned_data["text"])
    if outcome.ok:
        messages.success(request, _("Internal note added."))
    return redirect(report)


@require_POST
@role_required(Role.OFFICER)
def report_close(request, pk):
    report = _report(request, pk)
    form = ReportCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the report is closed."))
        return redirect(report)
    if needs_confirmation(request, rules.may_triage_reports(request.user, report)):
        number = report.acknowledgement_number
        return ask_confirmation(
            request,
            title=_("Close report %(number)s?") % {"number": number},
            summary=_(
                "Close report %(number)s without a cooperation event: %(enterprise)s will see "
                "it closed."
            )
            % {"number": number, "enterprise": report.enterprise.name},
            details=[_("Internal note: %(note)s") % {"note": form.cleaned_data["note"]}],
            warning=_("A closed report is final: it cannot be reopened or acted on."),
            button=_("Close the report"),
            cancel_url=report.get_absolute_url(),
        )
    with refusal_reported(request) as outcome:
        reports.report_close(report=report, user=request.user, note=form.cleaned_data["note"])
    if outcome.ok:
        messages.success(request, _("Report closed."))
    return redirect(report)


@require_POST
@role_required(Role.OFFICER)
def report_convert(request, pk):
    report = _report(request, pk)
    if needs_confirmation(request, rules.may_triage_reports(request.user, report)):
        number = report.acknowledgement_number
        return ask_confirmation(
            request,
            title=_("Turn report %(number)s into a cooperation event?") % {"number": number},
            summary=_(
                "Turn report %(number)s into a draft cooperation event of %(enterprise)s: the "
                "report will be marked acted on."
            )
            % {"number": number, "enterprise": report.enterprise.name},
            warning=_("A report acted on is final: it cannot be closed or converted again."),
            button=_("Turn into a cooperation event"),
            cancel_url=report.get_absolute_url(),
        )
    with refusal_reported(request) as outcome:
        event = reports.report_convert(report=report, user=request.user)
    if not outcome.ok:
        return redirect(report)
    messages.success(
        request,
        _("Draft cooperation event created from the report. Complete it, then submit it."),
    )
    return redirect("partners:event-update", event.pk)


@role_required(*STAFF_ROLES, Role.PARTNER)
def report_attachment(request, pk):
    """Customs staff download any report's files; a partner its own enterprise's."""
    attachment = get_object_or_404(ReportAttachment.objects.visible_to(request.user), pk=pk)
    return send_download(
        attachment.file.open("rb"), attachment.download_name, attachment.content_type
    )
