from django.contrib import messages
from django.db.models import Count, Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from awards import rules
from awards.forms.nominations import (
    BulkConfirmForm,
    BulkNominationForm,
    NominateForm,
    NominationSearchForm,
    WithdrawNominationForm,
)
from awards.models import Cycle, Nomination, Review
from awards.selectors.dossier import nomination_dossier
from awards.selectors.eligibility import (
    eligibility_of,
    ineligible,
    with_verified_events_in_window,
)
from awards.services import nominations as services
from awards.views import cycle_from_url
from partners.filters import EnterpriseFilter
from partners.models import Enterprise
from portal.confirm import ask_confirmation, needs_confirmation
from portal.models import AuditEntry
from portal.roles import Role, role_required
from portal.shortcuts import paginate, query_without_page, refusal_reported


def _list_url(cycle: Cycle) -> str:
    return reverse("awards:nomination-list", args=[cycle.year])


def _registry_rows(user, cycle: Cycle, filters: dict):
    """The registry's enterprises the filters keep, by name, with their verified events in
    the window (from the kept tallies)."""
    enterprises = Enterprise.objects.visible_to(user)
    if filters.get("q"):
        enterprises = EnterpriseFilter.matching(enterprises, filters["q"])
    if filters.get("sector"):
        enterprises = enterprises.filter(sector=filters["sector"])
    in_cycle = Nomination.objects.filter(cycle=cycle, enterprise=OuterRef("pk"))
    if filters.get("status") == "none":
        enterprises = enterprises.filter(~Exists(in_cycle))
    elif filters.get("status"):
        enterprises = enterprises.filter(Exists(in_cycle.filter(status=filters["status"])))
    return with_verified_events_in_window(enterprises, cycle).order_by("name_en", "pk")


@role_required(Role.SECRETARIAT)
def nomination_list(request, year):
    """The registry's enterprises, 50 a page, searched by name or BR number and filtered by
    nomination and sector, each with its eligibility, its verified events in the window and
    its nomination in this cycle (nominated from its row). A fixed number of queries."""
    cycle = cycle_from_url(request, year)
    form = NominationSearchForm(request.GET)
    filters = form.cleaned_data if form.is_valid() else {}
    page = paginate(request, _registry_rows(request.user, cycle, filters))
    enterprises = list(page)
    eligibility = eligibility_of(cycle, enterprises)
    nominations = {}
    for nomination in Nomination.objects.visible_to(request.user).filter(
        cycle=cycle, enterprise__in=[enterprise.pk for enterprise in enterprises]
    ):
        nomination.cycle = cycle  # for its address, without a query per row
        nominations[nomination.enterprise_id] = nomination
    counts = (
        Nomination.objects.visible_to(request.user)
        .filter(cycle=cycle, status=Nomination.Status.ACTIVE)
        .aggregate(
            nominated=Count("pk"), ineligible=Count("pk", filter=ineligible(cycle, "enterprise__"))
        )
    )
    return render(
        request,
        "awards/nominations/list.html",
        {
            "cycle": cycle,
            "form": form,
            "page": page,
            "query": query_without_page(request),
            "filtered": any(filters.values()),
            "rows": [
                (enterprise, eligibility[enterprise.pk], nominations.get(enterprise.pk))
                for enterprise in enterprises
            ],
            "nominated": counts["nominated"],
            "ineligible_nominated": counts["ineligible"],
            "bulk_form": BulkNominationForm(),
        },
    )


@require_POST
@role_required(Role.SECRETARIAT)
def nomination_create(request, year):
    cycle = cycle_from_url(request, year)
    form = NominateForm(request.POST, enterprises=Enterprise.objects.visible_to(request.user))
    if not form.is_valid():
        messages.error(request, _("Choose an enterprise to nominate."))
        return redirect(_list_url(cycle))
    enterprise = form.cleaned_data["enterprise"]
    with refusal_reported(request) as outcome:
        services.nomination_create(cycle=cycle, enterprise=enterprise, user=request.user)
    if outcome.ok:
        messages.success(request, _("%(enterprise)s nominated.") % {"enterprise": enterprise.name})
    return redirect(_list_url(cycle))


@role_required(Role.SECRETARIAT)
def nomination_bulk(request, year):
    """GET ?min_events=N shows who would be nominated; the confirmation posts the number shown."""
    cycle = cycle_from_url(request, year)
    if request.method == "POST":
        confirm = BulkConfirmForm(request.POST)
        if not confirm.is_valid():
            messages.error(request, _("Check the list again before confirming."))
            return redirect(reverse("awards:nomination-bulk", args=[cycle.year]))
        with refusal_reported(request) as outcome:
            created = services.nominations_bulk_create(
                cycle=cycle,
                min_events=confirm.cleaned_data["min_events"],
                expected=confirm.cleaned_data["expected"],
                user=request.user,
            )
        if not outcome.ok:
            query = f"?min_events={confirm.cleaned_data['min_events']}"
            return redirect(reverse("awards:nomination-bulk", args=[cycle.year]) + query)
        messages.success(
            request,
            ngettext("%(n)d enterprise nominated.", "%(n)d enterprises nominated.", len(created))
            % {"n": len(created)},
        )
        return redirect(_list_url(cycle))

    form = BulkNominationForm(request.GET or None)
    candidates = confirm = None
    if form.is_valid():
        min_events = form.cleaned_data["min_events"]
        candidates = services.bulk_candidates(cycle, min_events)
        confirm = BulkConfirmForm(initial={"min_events": min_events, "expected": len(candidates)})
    return render(
        request,
        "awards/nominations/bulk.html",
        {"cycle": cycle, "form": form, "candidates": candidates, "confirm": confirm},
    )


def _nomination(request, year, pk) -> Nomination:
    return get_object_or_404(
        Nomination.objects.visible_to(request.user)
        .filter(cycle__year=year)
        .select_related("cycle", "enterprise", "nominated_by", "result")
        .prefetch_related("cycle__event_rules", "cycle__criteria"),
        pk=pk,
    )


@role_required(Role.SECRETARIAT)
def dossier(request, year, pk):
    nomination = _nomination(request, year, pk)
    return render(
        request,
        "awards/nominations/dossier.html",
        {
            "nomination": nomination,
            "cycle": nomination.cycle,
            "dossier": nomination_dossier(nomination, show_restricted=True),
            "withdraw_form": WithdrawNominationForm(),
            "audit_entries": AuditEntry.objects.visible_to(request.user)
            .for_object(nomination)
            .select_related("actor"),
        },
    )


@require_POST
@role_required(Role.SECRETARIAT)
def nomination_withdraw(request, year, pk):
    nomination = _nomination(request, year, pk)
    form = WithdrawNominationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a reason."))
        return redirect(nomination)
    if nomination.status != Nomination.Status.WITHDRAWN and needs_confirmation(
        request, rules.may_nominate(request.user)
    ):
        reviews = nomination.assignments.filter(review__status=Review.Status.SUBMITTED).count()
        return ask_confirmation(
            request,
            title=_("Withdraw the nomination of %(enterprise)s?")
            % {"enterprise": nomination.enterprise.name},
            summary=_(
                "Withdraw the nomination of %(enterprise)s from the %(year)s cycle: it leaves "
                "the ranking and cannot be awarded."
            )
            % {"enterprise": nomination.enterprise.name, "year": nomination.cycle.year},
            details=[
                ngettext(
                    "%(n)d submitted review of it will no longer count.",
                    "%(n)d submitted reviews of it will no longer count.",
                    reviews,
                )
                % {"n": reviews},
                _("Reason: %(reason)s") % {"reason": form.cleaned_data["reason"]},
            ],
            warning=_("A withdrawn nomination cannot be brought back in this cycle."),
            button=_("Withdraw the nomination"),
            cancel_url=nomination.get_absolute_url(),
        )
    with refusal_reported(request) as outcome:
        services.nomination_withdraw(
            nomination=nomination, user=request.user, reason=form.cleaned_data["reason"]
        )
    if outcome.ok:
        messages.success(request, _("Nomination withdrawn."))
    return redirect(nomination)
