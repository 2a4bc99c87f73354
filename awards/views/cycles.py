"""Award cycles: the list, a cycle's page, its settings, and the steps of its status."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from awards.forms.cycles import AdvanceForm, CycleSettingsForm
from awards.models import Cycle, EventType, NominationResult
from awards.rules import (
    advance_refusal,
    cycle_actions,
    may_advance_cycle,
    may_edit_cycle,
    may_reopen_cycle,
)
from awards.services import cycles as services
from awards.views import cycle_from_url, quorum_alert_for
from portal.forms import ReasonForm
from portal.models import AuditEntry
from portal.roles import Role, role_required
from portal.rules import allowed, forbid_unless
from portal.shortcuts import refusal_reported

Status = Cycle.Status


@role_required(Role.SECRETARIAT, Role.PANEL)
def cycle_list(request):
    cycles = list(Cycle.objects.visible_to(request.user).with_nomination_count())
    return render(
        request,
        "awards/cycles/cycle_list.html",
        {"cycles": cycles, "latest": cycles[0] if cycles else None},
    )


@role_required(Role.SECRETARIAT, Role.PANEL)
def cycle_detail(request, year):
    cycle = cycle_from_url(
        request,
        year,
        Cycle.objects.with_nomination_count().select_related("finalised_by", "published_by"),
    )
    order = {code: position for position, code in enumerate(EventType.values)}
    rules = sorted(cycle.event_rules.all(), key=lambda rule: order[rule.event_type])
    criteria = list(cycle.criteria.all())
    statuses = list(Status)
    return render(
        request,
        "awards/cycles/cycle_detail.html",
        {
            "cycle": cycle,
            "rules": rules,
            "total_cap": sum(rule.cap for rule in rules),
            "criteria": criteria,
            "total_weight": sum(criterion.weight for criterion in criteria),
            "steps": [
                (status, statuses.index(status) - statuses.index(cycle.status))
                for status in statuses
            ],
            "actions": allowed(cycle_actions(request.user, cycle)),
            "next_status": Cycle.ADVANCES.get(cycle.status),
            "advance_refusal": advance_refusal(cycle),
            "scoring_locked": services.scoring_settings_locked(cycle),
            "quorum_alert": quorum_alert_for(request.user, cycle),
            "audit_entries": AuditEntry.objects.visible_to(request.user)
            .for_object(cycle)
            .select_related("actor")[:100],
        },
    )


@role_required(Role.SECRETARIAT)
def cycle_create(request):
    source = _copy_source(request)
    if source is not None:
        initial = services.cycle_next_year_settings(source)
    else:
        initial = {"year": Cycle.objects.next_year(), "rules": services.DEFAULT_RULES}
    form = CycleSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        copied_from = source.year if source else None
        try:
            cycle = services.cycle_create(
                user=request.user, copied_from=copied_from, **form.cleaned()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Cycle created as a draft."))
            return redirect(cycle)
    return render(request, "awards/cycles/cycle_form.html", {"form": form, "source": source})


def _copy_source(request) -> Cycle | None:
    """The cycle named by ?copy_from=YEAR, whose settings pre-fill the new cycle's form."""
    year = request.GET.get("copy_from", "")
    if not year.isdigit():
        return None
    return cycle_from_url(request, int(year))


@role_required(Role.SECRETARIAT)
def cycle_update(request, year):
    cycle = cycle_from_url(request, year)
    forbid_unless(may_edit_cycle(request.user, cycle))
    form = CycleSettingsForm(
        request.POST or None,
        instance=cycle,
        scoring_locked=services.scoring_settings_locked(cycle),
    )
    if request.method == "POST" and form.is_valid():
        try:
            cycle = services.cycle_update(cycle=cycle, user=request.user, **form.cleaned())
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Cycle settings saved."))
            return redirect(cycle)
    return render(request, "awards/cycles/cycle_form.html", {"form": form, "cycle": cycle})


@role_required(Role.SECRETARIAT)
def cycle_advance(request, year):
    """GET asks for confirmation; POST moves the cycle one step on."""
    cycle = cycle_from_url(request, year, Cycle.objects.with_nomination_count())
    forbid_unless(may_advance_cycle(request.user, cycle))
    form = AdvanceForm(request.POST or None, cycle=cycle)
    if form.is_valid():
        with refusal_reported(request) as outcome:
            cycle = services.cycle_advance(
                cycle=cycle, user=request.user, from_status=form.cleaned_data["from_status"]
            )
        if outcome.ok:
            messages.success(
                request,
                _("The cycle is now in the “%(status)s” stage.")
                % {"status": cycle.get_status_display()},
            )
        return redirect(cycle)
    return render(
        request,
        "awards/cycles/cycle_advance.html",
        {"cycle": cycle, "form": form, "next_status": Cycle.ADVANCES[cycle.status]},
    )


@role_required(Role.SECRETARIAT)
def cycle_reopen(request, year):
    """Back from finalised to review, with a written reason."""
    cycle = cycle_from_url(request, year)
    forbid_unless(may_reopen_cycle(request.user, cycle))
    form = ReasonForm(request.POST or None, submit_label="")
    if form.is_valid():
        with refusal_reported(request) as outcome:
            cycle = services.cycle_reopen(
                cycle=cycle, user=request.user, reason=form.cleaned_data["reason"]
            )
        if outcome.ok:
            messages.success(request, _("The cycle is back in panel review."))
        return redirect(cycle)
    return render(
        request,
        "awards/cycles/cycle_reopen.html",
        {
            "cycle": cycle,
            "form": form,
            "frozen_results": NominationResult.objects.filter(nomination__cycle=cycle).count(),
        },
    )
