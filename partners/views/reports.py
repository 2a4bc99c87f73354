"""Reports from partners: the partner's side (send, follow) and the officers' triage."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from partners.forms.reports import ReportCloseForm, ReportForm, ReportNoteForm, ReportQueueFilter
from partners.models import Enterprise, PartnerReport, ReportAttachment, ReportNote
from partners.services import reports
from portal.models import AuditEntry
from portal.roles import STAFF_ROLES, Role, has_role, role_required
from portal.shortcuts import paginate, query_without_page, send_download

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
            report = reports.report_submit(
                user=request.user,
                category=data["category"],
                description=data["description"],
                shipment_references=data["shipment_references"],
                attachments=data["attachments"],
            )
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
    officer = has_role(request.user, Role.OFFICER)
    return render(
        request,
        "partners/reports/detail.html",
        {
            "report": report,
            "attachments": ReportAttachment.objects.visible_to(request.user).filter(report=report),
            "notes": ReportNote.objects.visible_to(request.user)
            .filter(report=report)
            .select_related("author"),
            "may_act": officer,
            "note_form": ReportNoteForm(),
            "close_form": ReportCloseForm(),
            "audit_entries": AuditEntry.objects.visible_to(request.user)
            .for_object(report)
            .select_related("actor"),
        },
    )


def _act(request, pk, act, success_message):
    report = get_object_or_404(PartnerReport.objects.visible_to(request.user), pk=pk)
    try:
        result = act(report)
    except ValidationError as exc:
        # Typically another officer acted on the report a moment earlier.
        messages.error(request, " ".join(exc.messages))
        return redirect(report)
    messages.success(request, success_message)
    return result or redirect(report)


@require_POST
@role_required(Role.OFFICER)
def report_review(request, pk):
    def act(report):
        reports.report_review(report=report, user=request.user)

    return _act(request, pk, act, _("The report is under review."))


@require_POST
@role_required(Role.OFFICER)
def report_note(request, pk):
    form = ReportNoteForm(request.POST)

    def act(report):
        if not form.is_valid():
            raise ValidationError(_("Write the note."))
        reports.report_note_add(report=report, user=request.user, text=form.cleaned_data["text"])

    return _act(request, pk, act, _("Internal note added."))


@require_POST
@role_required(Role.OFFICER)
def report_close(request, pk):
    form = ReportCloseForm(request.POST)

    def act(report):
        if not form.is_valid():
            raise ValidationError(_("Say why the report is closed."))
        reports.report_close(report=report, user=request.user, note=form.cleaned_data["note"])

    return _act(request, pk, act, _("Report closed."))


@require_POST
@role_required(Role.OFFICER)
def report_convert(request, pk):
    def act(report):
        event = reports.report_convert(report=report, user=request.user)
        return redirect("partners:event-update", event.pk)

    return _act(
        request,
        pk,
        act,
        _("Draft cooperation event created from the report. Complete it, then submit it."),
    )


@role_required(*STAFF_ROLES, Role.PARTNER)
def report_attachment(request, pk):
    """Customs staff download any report's files; a partner its own enterprise's."""
    attachment = get_object_or_404(ReportAttachment.objects.visible_to(request.user), pk=pk)
    return send_download(
        attachment.file.open("rb"), attachment.original_name, attachment.content_type
    )
