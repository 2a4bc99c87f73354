"""Award cycles: the list, a cycle's page, its settings, and the steps of its status."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.forms.cycles import AdvanceForm, CycleSettingsForm
from awards.models import Cycle, EventType, NominationResult
from awards.services import cycles as services
from portal.forms import ReasonForm
from portal.models import AuditEntry
from portal.roles import Role, has_role, role_required

Status = Cycle.Status


def cycle_actions(cycle: Cycle, user) -> set[str]:
    """What `user` may do to the cycle from its page: edit, advance, reopen; and the next
    steps on the decisions pages: finalise, publish (which check the rest themselves)."""
    if not has_role(user, Role.SECRETARIAT):
        return set()
    actions = set()
    if not cycle.is_frozen:
        actions.add("edit")
    if cycle.status in services.ADVANCES:
        actions.add("advance")
    if cycle.status == Status.REVIEW:
        actions.add("finalise")
    if cycle.status == Status.FINALISED:
        actions.update({"reopen", "publish"})
    return actions


def _cycle(request, year: int, queryset=None) -> Cycle:
    queryset = Cycle.objects.visible_to(request.user) if queryset is None else queryset
    return get_object_or_404(queryset, year=year)


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
    cycle = _cycle(
        request,
        year,
        Cycle.objects.visible_to(request.user)
        .with_nomination_count()
        .select_related("finalised_by", "published_by"),
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
            "actions": cycle_actions(cycle, request.user),
            "next_status": services.ADVANCES.get(cycle.status),
            "advance_refusal": services.advance_refusal(cycle),
            "scoring_locked": services.scoring_settings_locked(cycle),
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
        latest = Cycle.objects.aggregate(year=Max("year"))["year"]
        initial = {
            "year": latest + 1 if latest else timezone.localdate().year,
            "rules": services.DEFAULT_RULES,
        }
    form = CycleSettingsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        note = _("Settings copied from %(year)s.") % {"year": source.year} if source else ""
        try:
            cycle = services.cycle_create(user=request.user, note=note, **form.cleaned())
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
    return _cycle(request, int(year))


@role_required(Role.SECRETARIAT)
def cycle_update(request, year):
    cycle = _cycle(request, year)
    if "edit" not in cycle_actions(cycle, request.user):
        raise PermissionDenied(
            _("A %(status)s cycle can no longer be edited.")
            % {"status": cycle.get_status_display().lower()}
        )
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
    cycle = _cycle(request, year, Cycle.objects.visible_to(request.user).with_nomination_count())
    if "advance" not in cycle_actions(cycle, request.user):
        raise PermissionDenied(services.advance_refusal(cycle))
    form = AdvanceForm(request.POST or None, cycle=cycle)
    if form.is_valid():
        try:
            cycle = services.cycle_advance(
                cycle=cycle, user=request.user, from_status=form.cleaned_data["from_status"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("The cycle is now in the “%(status)s” stage.")
                % {"status": cycle.get_status_display()},
            )
        return redirect(cycle)
    return render(
        request,
        "awards/cycles/cycle_advance.html",
        {"cycle": cycle, "form": form, "next_status": services.ADVANCES[cycle.status]},
    )


@role_required(Role.SECRETARIAT)
def cycle_reopen(request, year):
    """Back from finalised to review, with a written reason."""
    cycle = _cycle(request, year)
    if "reopen" not in cycle_actions(cycle, request.user):
        raise PermissionDenied(_("Only a finalised cycle can be reopened."))
    form = ReasonForm(request.POST or None, submit_label="")
    if form.is_valid():
        try:
            cycle = services.cycle_reopen(
                cycle=cycle, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
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
