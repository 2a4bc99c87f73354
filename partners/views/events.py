from django.contrib import messages
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from partners import rules
from partners.exports import event_export_rows, export_headers, import_template_rows
from partners.filters import (
    AWAITING_VERIFICATION,
    MY_EVENTS,
    MY_IMPORTED_EVENTS,
    MY_OPEN_EVENTS,
    EventFilter,
)
from partners.forms.events import IMPORT_MAX_MB, EventForm, EventImportForm, VerifyForm
from partners.models import CooperationEvent, Enterprise, EvidenceFile
from partners.previews import evidence_preview as evidence_preview_png
from partners.previews import with_preview_states
from partners.selectors import next_to_verify, verification_queue
from partners.services import events as services
from partners.services.imports import IMPORT_COLUMNS, ImportRejected, events_import
from portal.auth import person_name
from portal.confirm import ask_confirmation, needs_confirmation
from portal.exports import FORMATS, export_table, render_table
from portal.forms import ReasonForm
from portal.middleware import request_body_limit
from portal.models import AuditEntry
from portal.previews import placeholder_png
from portal.roles import STAFF_ROLES, Role, role_required
from portal.rules import allowed, forbid_unless
from portal.shortcuts import (
    DOWNLOAD_CSP,
    filtered_rows,
    paginate_capped,
    query_without_page,
    refusal_reported,
    send_download,
)
from portal.submissions import ALREADY_SENT, AlreadySubmitted, submitted_once


def _filtered_events(request, data=None):
    events = CooperationEvent.objects.visible_to(request.user).select_related(
        "enterprise", "logged_by"
    )
    return EventFilter(request.GET if data is None else data, queryset=events, request=request)


def _search_keys(request, filterset):
    """How a page of a search reads its keys (EventFilter.search_keys): from the list with
    every filter but the search, or None to read them from the list itself."""
    search = filterset.form.cleaned_data.get("q") if filterset.is_valid() else ""
    if not search:
        return None
    unsearched = request.GET.copy()
    unsearched.pop("q")
    others = _filtered_events(request, unsearched)
    if not others.is_valid() or not filterset.searches_by_union():
        return None
    return lambda count: filterset.search_keys(others.qs, search, count)


def _event_list_heading(filterset) -> str:
    """The page heading names the queue the filters make up."""
    filters = filterset.form.cleaned_data if filterset.is_valid() else {}
    if filters.get("status") == CooperationEvent.Status.SUBMITTED:
        return _("Awaiting verification")
    if filters.get("mine") and filters.get("needs_action"):
        return _("My drafts and returned events")
    if filters.get("mine"):
        return _("Events I logged")
    return _("Cooperation events")


# A search matching more events than this asks for more words rather than more pages.
SEARCH_COUNT_CAP = 1_000


def _count_cap(filterset) -> int | None:
    searching = filterset.is_valid() and filterset.form.cleaned_data.get("q")
    return SEARCH_COUNT_CAP if searching else None


@role_required(*STAFF_ROLES)
def event_list(request):
    filterset = _filtered_events(request)
    return render(
        request,
        "partners/event_list.html",
        {
            "filter": filterset,
            "heading": _event_list_heading(filterset),
            # Counted up to COUNT_CAP: a million events cost what ten thousand do; a search,
            # whose matches are read from the table, up to SEARCH_COUNT_CAP.
            "page": paginate_capped(
                request,
                filtered_rows(filterset),
                cap=_count_cap(filterset),
                keys=_search_keys(request, filterset),
            ),
            "query": query_without_page(request),
            "my_open_events": MY_OPEN_EVENTS,
            "my_events": MY_EVENTS,
        },
    )


@role_required(*STAFF_ROLES)
def event_export(request):
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    filterset = _filtered_events(request)
    if not filterset.is_valid():
        # Never fall back to exporting everything when a filter could not be applied.
        return HttpResponseBadRequest(_("The filters are not valid; fix them on the list page."))
    # Streamed: CSV as the rows are read from the database, XLSX from a temporary file.
    content = export_table(export_headers(), event_export_rows(filterset.qs), fmt)
    return send_download(content, f"cooperation-events.{fmt}")


@role_required(*STAFF_ROLES)
def event_detail(request, pk):
    event = get_object_or_404(
        CooperationEvent.objects.visible_to(request.user).select_related(
            "enterprise", "logged_by", "verified_by"
        ),
        pk=pk,
    )
    verdicts = rules.event_actions(request.user, event)
    return render(
        request,
        "partners/event_detail.html",
        {
            "event": event,
            "actions": allowed(verdicts),
            # Why a button is not there, where it would be (the verifier who logged the event).
            "refusals": rules.event_refusals(request.user, event, verdicts),
            "evidence_files": with_preview_states(
                EvidenceFile.objects.visible_to(request.user).filter(event=event)
            ),
            "audit_entries": AuditEntry.objects.visible_to(request.user)
            .for_object(event)
            .select_related("actor"),
            "return_form": ReasonForm(submit_label=_("Return to officer")),
            "withdraw_form": ReasonForm(submit_label=_("Withdraw event")),
        },
    )


@role_required(Role.OFFICER)
def event_create(request):
    enterprises = Enterprise.objects.visible_to(request.user)
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        enterprises=enterprises,
        initial={"enterprise": request.GET.get("enterprise")},
    )
    if form.is_valid():
        try:
            with submitted_once(form, user=request.user) as submission:
                event = submission.record(
                    services.event_create(
                        user=request.user, evidence=form.cleaned_data["evidence"], **form.content()
                    )
                )
        except AlreadySubmitted as sent:
            messages.info(request, ALREADY_SENT)
            return redirect(sent.created or "partners:event-list")
        messages.success(request, _("Draft saved. Submit it when it is ready for verification."))
        return redirect(event)
    return render(request, "partners/event_form.html", {"form": form})


@role_required(Role.OFFICER)
def event_update(request, pk):
    event = get_object_or_404(CooperationEvent.objects.visible_to(request.user), pk=pk)
    forbid_unless(rules.may_edit_event(request.user, event))
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        instance=event,
        enterprises=Enterprise.objects.visible_to(request.user),
    )
    if form.is_valid():
        with refusal_reported(request) as outcome:
            services.event_update(
                event=event,
                user=request.user,
                evidence=form.cleaned_data["evidence"],
                **form.content(),
            )
        if outcome.ok:
            messages.success(request, _("Event saved."))
        return redirect(event)
    return render(request, "partners/event_form.html", {"form": form, "event": event})


def _transition(request, pk, service, success_message, needs_reason=False):
    event = get_object_or_404(CooperationEvent.objects.visible_to(request.user), pk=pk)
    kwargs = {}
    if needs_reason:
        form = ReasonForm(request.POST, submit_label="")
        if not form.is_valid():
            messages.error(request, _("Give a reason."))
            return redirect(event)
        kwargs["reason"] = form.cleaned_data["reason"]
    # Refused typically because someone else acted on the event a moment earlier.
    with refusal_reported(request) as outcome:
        service(event=event, user=request.user, **kwargs)
    if outcome.ok:
        messages.success(request, success_message)
    return redirect(event)


@require_POST
@role_required(Role.OFFICER)
def event_submit(request, pk):
    return _transition(request, pk, services.event_submit, _("Submitted for verification."))


@role_required(Role.VERIFIER)
def event_verify(request, pk):
    """The second step of a verification: GET says what verifying will do and asks for an
    optional comment; POST verifies, then shows the event, or with "then=next" the next event
    of the verifier's queue."""
    event = get_object_or_404(
        CooperationEvent.objects.visible_to(request.user).select_related("enterprise", "logged_by"),
        pk=pk,
    )
    verdict = rules.may_verify_event(request.user, event)
    if not verdict and verdict.not_now:
        # Someone acted on it first: the event's page shows what became of it.
        messages.error(request, verdict.reason)
        return redirect(event)
    forbid_unless(verdict)
    # A POST without a comment is a verification too (not `request.POST or None`).
    data = request.POST if request.method == "POST" else None
    form = VerifyForm(data, officer_name=person_name(event.logged_by))
    if request.method == "POST" and form.is_valid():
        with refusal_reported(request) as outcome:
            services.event_verify(
                event=event, user=request.user, comment=form.cleaned_data["comment"]
            )
        if not outcome.ok:
            return redirect(event)
        if request.POST.get("then") != "next":
            messages.success(request, _("Event verified."))
            return redirect(event)
        following = next_to_verify(request.user, event)
        if following is None:
            messages.success(request, _("Event verified. Nothing else awaits your verification."))
            return redirect(f"{reverse('partners:event-list')}?{AWAITING_VERIFICATION}")
        messages.success(request, _("Event verified. This is the next in your queue."))
        return redirect(following)
    return render(
        request,
        "partners/event_verify.html",
        {
            "event": event,
            "form": form,
            "evidence_files": with_preview_states(
                EvidenceFile.objects.visible_to(request.user).filter(event=event)
            ),
            "waiting": verification_queue(request.user).exclude(pk=event.pk).count(),
        },
    )


@require_POST
@role_required(Role.VERIFIER)
def event_return(request, pk):
    return _transition(
        request, pk, services.event_return, _("Returned to the officer."), needs_reason=True
    )


@require_POST
@role_required(Role.OFFICER, Role.SECRETARIAT)
def event_withdraw(request, pk):
    event = get_object_or_404(
        CooperationEvent.objects.visible_to(request.user).select_related("enterprise"), pk=pk
    )
    form = ReasonForm(request.POST, submit_label="")
    if form.is_valid() and needs_confirmation(
        request, rules.may_withdraw_event(request.user, event)
    ):
        verified = event.status == CooperationEvent.Status.VERIFIED
        return ask_confirmation(
            request,
            title=_("Withdraw the event “%(title)s”?") % {"title": event.title},
            summary=(
                _(
                    "Withdraw the verified event “%(title)s” of %(enterprise)s: it will no "
                    "longer count towards the enterprise's cooperation score."
                )
                if verified
                else _(
                    "Withdraw the event “%(title)s” of %(enterprise)s: it will not be verified "
                    "and will never count."
                )
            )
            % {"title": event.title, "enterprise": event.enterprise.name},
            details=[_("Reason: %(reason)s") % {"reason": form.cleaned_data["reason"]}],
            warning=_(
                "A withdrawn event cannot be brought back; it would have to be logged again."
            ),
            button=_("Withdraw the event"),
            cancel_url=event.get_absolute_url(),
        )
    return _transition(
        request, pk, services.event_withdraw, _("Event withdrawn."), needs_reason=True
    )


@role_required(*STAFF_ROLES)
def evidence_download(request, pk):
    evidence = get_object_or_404(EvidenceFile.objects.visible_to(request.user), pk=pk)
    return send_download(evidence.file.open("rb"), evidence.download_name, evidence.content_type)


@role_required(*STAFF_ROLES)
def evidence_preview(request, pk):
    """The evidence's preview as a fresh PNG (partners.previews), shown inline; the placeholder
    for a file without one. Never the uploaded bytes: those only as a download."""
    evidence = get_object_or_404(EvidenceFile.objects.visible_to(request.user), pk=pk)
    png = evidence_preview_png(evidence)
    response = HttpResponse(png or placeholder_png(), content_type="image/png")
    response["Content-Disposition"] = content_disposition_header(
        False, f"evidence-{evidence.pk}-preview.png"
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    # The file never changes: the browser may keep its preview, for this user only.
    response["Cache-Control"] = "private, max-age=86400"
    return response


# Bulk import


@request_body_limit(IMPORT_MAX_MB * 1024 * 1024 + 1024 * 1024)  # the file and the form
@role_required(Role.OFFICER)
def event_import(request):
    form = EventImportForm(request.POST or None, request.FILES or None)
    problems = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            # The upload itself, read row by row (on disk when larger than a few megabytes).
            result = events_import(data=upload, file_name=upload.name, user=request.user)
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(
                request,
                ngettext(
                    "%(n)d event imported and submitted for verification.",
                    "%(n)d events imported and submitted for verification.",
                    result.created,
                )
                % {"n": result.created},
            )
            return redirect(f"{reverse('partners:event-list')}?{MY_IMPORTED_EVENTS}")
    return render(
        request,
        "partners/event_import.html",
        {"form": form, "problems": problems, "columns": IMPORT_COLUMNS},
    )


@role_required(Role.OFFICER)
def import_template(request, fmt):
    content = render_table(IMPORT_COLUMNS, import_template_rows(), fmt)
    return send_download(content, f"cooperation-events-template.{fmt}")
