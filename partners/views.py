from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from partners import services
from partners.evidence import checked_file_response
from partners.exports import event_export_rows, export_headers, import_template_rows
from partners.filters import (
    MY_EVENTS,
    MY_IMPORTED_EVENTS,
    MY_OPEN_EVENTS,
    EnterpriseFilter,
    EventFilter,
)
from partners.forms import (
    EnforcementFlagForm,
    EnterpriseForm,
    EventForm,
    EventImportForm,
    ReasonForm,
)
from partners.imports import IMPORT_COLUMNS, ImportRejected, events_import
from partners.models import CooperationEvent, EnforcementFlag, Enterprise, EvidenceFile
from portal.exports import CONTENT_TYPES, FORMATS, render_table
from portal.models import AuditEntry
from portal.roles import STAFF_ROLES, Role, role_required

PAGE_SIZE = 50


def _page(request, queryset, size=PAGE_SIZE):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _query_without_page(request) -> str:
    """The current filters, for pagination and export links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _filtered(filterset):
    """The filtered rows, or none at all when a filter could not be applied: a list that
    silently ignored a bad filter would look like an answer to the question asked."""
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def _download(content: bytes, fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


# Enterprises


@role_required(*STAFF_ROLES)
def enterprise_list(request):
    enterprises = Enterprise.objects.visible_to(request.user)
    filterset = EnterpriseFilter(request.GET, queryset=enterprises)
    return render(
        request,
        "partners/enterprise_list.html",
        {
            "filter": filterset,
            "page": _page(request, _filtered(filterset)),
            "query": _query_without_page(request),
        },
    )


@role_required(Role.SECRETARIAT)
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None)
    if form.is_valid():
        enterprise = services.enterprise_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("Enterprise added."))
        return redirect(enterprise)
    return render(request, "partners/enterprise_form.html", {"form": form})


@role_required(Role.SECRETARIAT)
def enterprise_update(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    if form.is_valid():
        services.enterprise_update(enterprise=enterprise, user=request.user, **form.cleaned_data)
        messages.success(request, _("Enterprise updated."))
        return redirect(enterprise)
    return render(
        request, "partners/enterprise_form.html", {"form": form, "enterprise": enterprise}
    )


# Enforcement concerns


@role_required(*STAFF_ROLES)
def enforcement_flag_create(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    form = EnforcementFlagForm(request.POST or None)
    if form.is_valid():
        services.enforcement_flag_raise(
            enterprise=enterprise, user=request.user, **form.cleaned_data
        )
        messages.success(request, _("Enforcement concern raised."))
        return redirect(f"{enterprise.get_absolute_url()}#concerns-heading")
    return render(
        request, "partners/enforcement_flag_form.html", {"form": form, "enterprise": enterprise}
    )


@role_required(Role.SECRETARIAT)
def enforcement_flag_clear(request, pk):
    flag = get_object_or_404(
        EnforcementFlag.objects.visible_to(request.user).select_related("enterprise", "raised_by"),
        pk=pk,
    )
    back = f"{flag.enterprise.get_absolute_url()}#concerns-heading"
    if not flag.is_active:
        messages.error(request, _("This concern was already cleared."))
        return redirect(back)
    form = ReasonForm(request.POST or None, submit_label=_("Clear the concern"))
    if form.is_valid():
        try:
            services.enforcement_flag_clear(
                flag=flag, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Enforcement concern cleared."))
        return redirect(back)
    return render(
        request,
        "partners/enforcement_flag_form.html",
        {"form": form, "enterprise": flag.enterprise, "flag": flag},
    )


# Cooperation events


def _filtered_events(request):
    events = CooperationEvent.objects.visible_to(request.user).select_related(
        "enterprise", "logged_by"
    )
    return EventFilter(request.GET, queryset=events, request=request)


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


@role_required(*STAFF_ROLES)
def event_list(request):
    filterset = _filtered_events(request)
    return render(
        request,
        "partners/event_list.html",
        {
            "filter": filterset,
            "heading": _event_list_heading(filterset),
            "page": _page(request, _filtered(filterset)),
            "query": _query_without_page(request),
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
    rows = event_export_rows(filterset.qs)
    return _download(render_table(export_headers(), rows, fmt), fmt, "cooperation-events")


@role_required(*STAFF_ROLES)
def event_detail(request, pk):
    event = get_object_or_404(
        CooperationEvent.objects.visible_to(request.user).select_related(
            "enterprise", "logged_by", "verified_by"
        ),
        pk=pk,
    )
    return render(
        request,
        "partners/event_detail.html",
        {
            "event": event,
            "actions": event.actions_for(request.user),
            "evidence_files": EvidenceFile.objects.visible_to(request.user).filter(event=event),
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
        event = services.event_create(
            user=request.user, evidence=form.cleaned_data["evidence"], **form.content()
        )
        messages.success(request, _("Draft saved. Submit it when it is ready for verification."))
        return redirect(event)
    return render(request, "partners/event_form.html", {"form": form})


@role_required(Role.OFFICER)
def event_update(request, pk):
    event = get_object_or_404(CooperationEvent.objects.visible_to(request.user), pk=pk)
    if "edit" not in event.actions_for(request.user):
        raise PermissionDenied
    form = EventForm(
        request.POST or None,
        request.FILES or None,
        instance=event,
        enterprises=Enterprise.objects.visible_to(request.user),
    )
    if form.is_valid():
        try:
            services.event_update(
                event=event,
                user=request.user,
                evidence=form.cleaned_data["evidence"],
                **form.content(),
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
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
    try:
        service(event=event, user=request.user, **kwargs)
    except ValidationError as exc:
        # Typically someone else acted on the event a moment earlier.
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, success_message)
    return redirect(event)


@require_POST
@role_required(Role.OFFICER)
def event_submit(request, pk):
    return _transition(request, pk, services.event_submit, _("Submitted for verification."))


@require_POST
@role_required(Role.VERIFIER)
def event_verify(request, pk):
    return _transition(request, pk, services.event_verify, _("Event verified."))


@require_POST
@role_required(Role.VERIFIER)
def event_return(request, pk):
    return _transition(
        request, pk, services.event_return, _("Returned to the officer."), needs_reason=True
    )


@require_POST
@role_required(Role.OFFICER, Role.SECRETARIAT)
def event_withdraw(request, pk):
    return _transition(
        request, pk, services.event_withdraw, _("Event withdrawn."), needs_reason=True
    )


@role_required(*STAFF_ROLES)
def evidence_download(request, pk):
    evidence = get_object_or_404(EvidenceFile.objects.visible_to(request.user), pk=pk)
    return checked_file_response(evidence)


# Bulk import


@role_required(Role.OFFICER)
def event_import(request):
    form = EventImportForm(request.POST or None, request.FILES or None)
    problems = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = events_import(data=upload.read(), file_name=upload.name, user=request.user)
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
    return _download(content, fmt, "cooperation-events-template")
