"""The ceremony list: running order, representatives and the run sheet (issue 4, item 5).

The secretariat's alone, like the decisions it follows from: no other role reads it (the panel
and partners get 403, as on the decisions page). The moves are small POST forms, so the page
works without JavaScript."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from awards import rules
from awards.forms.ceremony import CeremonyDateForm, CeremonyEntryForm
from awards.run_sheet import EXPORT_CONTENT_TYPES, EXPORT_FORMATS, ceremony_export, export_filename
from awards.services import ceremony as services
from awards.views import cycle_from_url
from portal.confirm import ask_confirmation, needs_confirmation
from portal.models import AuditEntry
from portal.roles import Role, role_required
from portal.shortcuts import refusal_reported, send_download


def _list_url(cycle, entry=None) -> str:
    url = reverse("awards:ceremony-list", args=[cycle.year])
    return f"{url}#entry-{entry.result_id}" if entry else url


def _entry(cycle, pk):
    entry = services.ceremony_entry(cycle, pk)
    if entry is None:
        raise Http404
    return entry


@role_required(Role.SECRETARIAT)
def ceremony_list(request, year):
    cycle = cycle_from_url(request, year)
    entries = services.ceremony_entries(cycle)
    return render(
        request,
        "awards/ceremony/list.html",
        {
            "cycle": cycle,
            "entries": entries,
            "unsaved": sum(1 for entry in entries if entry.pk is None),
            "export_formats": EXPORT_FORMATS,
            "date_form": CeremonyDateForm(initial={"ceremony_date": cycle.ceremony_date}),
        },
    )


@require_POST
@role_required(Role.SECRETARIAT)
def ceremony_move(request, year, pk):
    cycle = cycle_from_url(request, year)
    entry = _entry(cycle, pk)
    name = entry.result.nomination.enterprise.name
    with refusal_reported(request) as outcome:
        entry = services.ceremony_entry_move(
            result=entry.result, user=request.user, direction=request.POST.get("direction", "")
        )
    if outcome.ok:
        messages.success(
            request,
            _("%(enterprise)s is now number %(position)d.")
            % {"enterprise": name, "position": entry.position},
        )
    return redirect(_list_url(cycle, entry))


@require_POST
@role_required(Role.SECRETARIAT)
def ceremony_reset(request, year):
    cycle = cycle_from_url(request, year)
    if cycle.is_frozen and needs_confirmation(request, rules.may_arrange_ceremony(request.user)):
        moves = services.ceremony_reset_moves(cycle)
        return ask_confirmation(
            request,
            title=_("Put the %(year)s ceremony list back in the default order?")
            % {"year": cycle.year},
            summary=ngettext(
                "Put the ceremony list back in the default order: %(n)d awardee will change place.",
                "Put the ceremony list back in the default order: %(n)d awardees will change "
                "place.",
                moves,
            )
            % {"n": moves},
            warning=_("The order set by hand is not kept: it would have to be made again."),
            button=_("Reset the order"),
            cancel_url=_list_url(cycle),
        )
    with refusal_reported(request) as outcome:
        moved = services.ceremony_list_reset(cycle=cycle, user=request.user)
    if outcome.ok:
        messages.success(
            request,
            ngettext(
                "The list is back in the default order: %(n)d awardee changed place.",
                "The list is back in the default order: %(n)d awardees changed place.",
                moved,
            )
            % {"n": moved},
        )
    return redirect(_list_url(cycle))


@role_required(Role.SECRETARIAT)
def ceremony_entry_update(request, year, pk):
    cycle = cycle_from_url(request, year)
    entry = _entry(cycle, pk)
    form = CeremonyEntryForm(request.POST or None, instance=entry)
    if request.method == "POST" and form.is_valid():
        try:
            services.ceremony_entry_update(
                result=entry.result, user=request.user, **form.cleaned_data
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("The details of %(enterprise)s are saved.")
                % {"enterprise": entry.result.nomination.enterprise.name},
            )
            return redirect(_list_url(cycle, entry))
    return render(
        request,
        "awards/ceremony/entry_form.html",
        {
            "cycle": cycle,
            "entry": entry,
            "enterprise": entry.result.nomination.enterprise,
            "form": form,
            "audit_entries": (
                AuditEntry.objects.visible_to(request.user)
                .for_object(entry)
                .select_related("actor")[:100]
                if entry.pk
                else []
            ),
        },
    )


@role_required(Role.SECRETARIAT)
def ceremony_download(request, year):
    """The run sheet (format=pdf) or the list as a table (csv, the default, or xlsx)."""
    cycle = cycle_from_url(request, year)
    if not cycle.is_frozen:
        raise Http404
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        fmt = "csv"
    return send_download(
        ceremony_export(cycle, fmt), export_filename(cycle, fmt), EXPORT_CONTENT_TYPES[fmt]
    )


@require_POST
@role_required(Role.SECRETARIAT)
def ceremony_date(request, year):
    cycle = cycle_from_url(request, year)
    form = CeremonyDateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the date of the ceremony as a date, e.g. 2024-10-24."))
        return redirect(_list_url(cycle))
    try:
        services.ceremony_date_set(
            cycle=cycle, user=request.user, ceremony_date=form.cleaned_data["ceremony_date"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The date of the ceremony is saved."))
    return redirect(_list_url(cycle))
