"""Ranking, what-if, reviewer normalisation, decisions, finalisation, publication, export."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from awards import rules
from awards.exports import ranking_export_rows, ranking_headers
from awards.forms.ranking import DecisionForm, WhatIfForm
from awards.models import Cycle, Nomination, NominationResult
from awards.normalisation import HARSH_LENIENT_THRESHOLD, normalise
from awards.selectors.ranking import (
    awarded_count,
    cycle_member_scores,
    live_ranking,
    ranking_of,
    ranking_order,
    ranking_rows,
    what_if,
)
from awards.services import decisions as services
from awards.views import cycle_from_url, quorum_alert_for
from portal.auth import recent_auth_required
from portal.confirm import ask_confirmation, is_confirmed, needs_confirmation
from portal.exports import FORMATS, export_table
from portal.roles import Role, role_required
from portal.shortcuts import (
    paginate,
    query_without_page,
    refusal_message,
    refusal_reported,
    send_download,
)

User = get_user_model()


def _decisions_url(cycle, nomination=None, request=None) -> str:
    """The decisions page; after a decision, its page and search as they were (posted back by
    the form: only these two values, so the address stays ours) and the row."""
    url = reverse("awards:decision-list", args=[cycle.year])
    if request is not None:
        kept = {key: request.POST[key] for key in ("page", "q") if request.POST.get(key)}
        if kept:
            url += f"?{urlencode(kept)}"
    return f"{url}#nomination-{nomination.pk}" if nomination else url


# Ranking


# Rows of a ranking or decisions page: a decision form per row costs; find the others by ?q=.
RANKING_PAGE = 25


def _ranking_page(request, cycle: Cycle, visible=None) -> dict:
    """A page of the ranking (its ranks those of the whole cycle), found by ?q= (a name or a
    BR number): what the ranking and decisions pages show."""
    search = request.GET.get("q", "").strip()
    page = paginate(request, ranking_order(cycle, visible, search), RANKING_PAGE)
    return {
        "page": page,
        "ranking": ranking_rows(cycle, page.object_list),
        "search": search,
        "query": query_without_page(request),
    }


@role_required(Role.SECRETARIAT, Role.PANEL)
def ranking_detail(request, year):
    cycle = cycle_from_url(request, year)
    visible = Nomination.objects.scores_visible_to(request.user)
    return render(
        request,
        "awards/ranking/ranking.html",
        {
            "cycle": cycle,
            **_ranking_page(request, cycle, visible),
            "what_if_form": None if cycle.is_frozen else WhatIfForm(cycle=cycle),
            "quorum_alert": quorum_alert_for(request.user, cycle),
        },
    )


@role_required(Role.SECRETARIAT)
def ranking_what_if(request, year):
    """The what-if panel: an htmx request gets the panel alone, a plain GET (no JavaScript)
    the page around it. Nothing is ever saved."""
    cycle = cycle_from_url(request, year)
    form = WhatIfForm(request.GET or None, cycle=cycle)
    rows = None
    if not cycle.is_frozen and form.is_valid():
        rows = what_if(cycle, **form.settings())
    template = "awards/ranking/_what_if.html" if request.htmx else "awards/ranking/what_if.html"
    return render(request, template, {"cycle": cycle, "form": form, "rows": rows})


@role_required(Role.SECRETARIAT)
def ranking_normalised(request, year):
    cycle = cycle_from_url(request, year)
    ranking = ranking_of(cycle)
    member_scores = cycle_member_scores(cycle)
    stats = normalise(member_scores)
    members = User.objects.in_bulk({member for member, _ in member_scores})
    reviewers = sorted(
        stats.reviewers.values(), key=lambda r: (r.offset or 0, members[r.member].username)
    )
    return render(
        request,
        "awards/ranking/normalised.html",
        {
            "cycle": cycle,
            "rows": [(row, stats.nominee_mean_z.get(row.nomination.pk)) for row in ranking.rows],
            "reviewers": [(members[r.member], r) for r in reviewers],
            "stats": stats,
            "threshold": HARSH_LENIENT_THRESHOLD,
        },
    )


@role_required(Role.SECRETARIAT)
def ranking_export(request, year):
    cycle = cycle_from_url(request, year)
    fmt = request.GET.get("format", "csv")
    if fmt not in FORMATS:
        fmt = "csv"
    content = export_table(ranking_headers(), ranking_export_rows(ranking_of(cycle)), fmt)
    return send_download(content, f"ranking-{cycle.year}.{fmt}")


# Decisions


# A refused decision's choice and rationale, kept in the session for the page the refusal
# redirects to (one at a time, read once): the secretariat corrects it instead of starting over.
DECISION_DRAFT = "awards.decision_draft"


def _keep_draft(request, nomination, form, refusal: str) -> None:
    request.session[DECISION_DRAFT] = {
        "pk": nomination.pk,
        "awarded": form.data.get(form.add_prefix("awarded"), ""),
        "rationale": form.data.get(form.add_prefix("rationale"), "")[:2000],
        "refusal": refusal,
    }


@role_required(Role.SECRETARIAT)
def decision_list(request, year):
    cycle = cycle_from_url(request, year)
    shown = _ranking_page(request, cycle)
    ranking = shown["ranking"]
    editable = cycle.status == Cycle.Status.REVIEW
    draft = request.session.pop(DECISION_DRAFT, None) or {}
    rows = [
        (
            row,
            DecisionForm.for_nomination(
                row.nomination,
                pending=row.pending,
                draft=draft if draft.get("pk") == row.nomination.pk else None,
            )
            if editable
            else None,
        )
        for row in ranking.rows
    ]
    return render(
        request,
        "awards/ranking/decisions.html",
        {
            "cycle": cycle,
            **shown,
            "ranked_rows": rows[: len(ranking.ranked)],
            "pending_rows": rows[len(ranking.ranked) :],
            "editable": editable,
            "awarded_count": awarded_count(cycle),
            "may_approve": rules.may_publish_cycle(request.user, cycle),
            "quorum_alert": quorum_alert_for(request.user, cycle),
        },
    )


@require_POST
@role_required(Role.SECRETARIAT)
def decision_update(request, year, pk):
    cycle = cycle_from_url(request, year)
    nomination = get_object_or_404(
        Nomination.objects.visible_to(request.user).select_related("enterprise", "cycle"),
        cycle=cycle,
        pk=pk,
    )
    form = DecisionForm.for_nomination(nomination, request.POST)
    if not form.is_valid():
        refusal = _("Choose awarded or not awarded for %(enterprise)s.") % {
            "enterprise": nomination.enterprise.name
        }
        messages.error(request, refusal)
        _keep_draft(request, nomination, form, refusal)
        return redirect(_decisions_url(cycle, nomination, request))
    try:
        services.nomination_decide(
            nomination=nomination,
            user=request.user,
            awarded=form.cleaned_data["awarded"],
            rationale=form.cleaned_data["rationale"],
        )
    except ValidationError as error:
        refusal = refusal_message(error)
        messages.error(request, refusal)
        _keep_draft(request, nomination, form, refusal)
    else:
        messages.success(
            request,
            _("Decision on %(enterprise)s saved.") % {"enterprise": nomination.enterprise.name},
        )
    return redirect(_decisions_url(cycle, nomination, request))


@require_POST
@role_required(Role.SECRETARIAT)
def decision_apply_suggestion(request, year):
    cycle = cycle_from_url(request, year)
    if needs_confirmation(request, rules.may_decide_awards(request.user, cycle)):
        changed, awarded = services.suggestion_changes(live_ranking(cycle))
        return ask_confirmation(
            request,
            title=_("Apply the suggestion to the %(year)s decisions?") % {"year": cycle.year},
            summary=ngettext(
                "Apply the suggestion: %(n)d decision will be set or changed.",
                "Apply the suggestion: %(n)d decisions will be set or changed.",
                changed,
            )
            % {"n": changed},
            details=[
                ngettext(
                    "%(n)d nominee will be awarded (the top of the ranking); every other "
                    "nominee will be not awarded.",
                    "%(n)d nominees will be awarded (the top of the ranking); every other "
                    "nominee will be not awarded.",
                    awarded,
                )
                % {"n": awarded},
                _("A changed decision loses its rationale (the audit trail keeps it)."),
            ],
            warning=_("The decisions it replaces are not kept: each would have to be made again."),
            button=_("Apply the suggestion"),
            cancel_url=_decisions_url(cycle),
        )
    with refusal_reported(request) as outcome:
        changed = services.decisions_apply_suggestion(cycle=cycle, user=request.user)
    if outcome.ok:
        messages.success(
            request,
            ngettext(
                "Suggestion applied: %(n)d decision changed.",
                "Suggestion applied: %(n)d decisions changed.",
                changed,
            )
            % {"n": changed},
        )
    return redirect(_decisions_url(cycle))


# Finalisation and publication


@role_required(Role.SECRETARIAT)
def cycle_finalise(request, year):
    """GET asks for confirmation and lists what stands in the way; POST finalises."""
    cycle = cycle_from_url(request, year)
    # A POST without confirmed=1 (not from this page's form) is answered with the page.
    if request.method == "POST" and is_confirmed(request):
        with refusal_reported(request) as outcome:
            services.cycle_finalise(cycle=cycle, user=request.user)
        if not outcome.ok:
            return redirect(_decisions_url(cycle))
        messages.success(request, _("The cycle is finalised: its results are frozen."))
        return redirect("awards:ranking-detail", cycle.year)
    ranking = live_ranking(cycle) if not cycle.is_frozen else None
    return render(
        request,
        "awards/ranking/finalise_confirm.html",
        {
            "cycle": cycle,
            "problems": services.finalisation_problems(cycle, ranking) if ranking else [],
            "ranking": ranking,
            "awarded": [row for row in ranking.rows if row.awarded] if ranking else [],
        },
    )


@role_required(Role.SECRETARIAT)
@recent_auth_required
def cycle_publish(request, year):
    """Four eyes: only a secretariat user other than the one who finalised may approve."""
    cycle = cycle_from_url(request, year)
    # A POST without confirmed=1 (not from this page's form) is answered with the page.
    if request.method == "POST" and is_confirmed(request):
        with refusal_reported(request) as outcome:
            services.cycle_publish(cycle=cycle, user=request.user)
        if not outcome.ok:
            return redirect(_decisions_url(cycle))
        messages.success(request, _("Publication approved: the cycle is published."))
        return redirect("awards:ranking-detail", cycle.year)
    approval = rules.may_publish_cycle(request.user, cycle)
    if not approval and not approval.not_now:
        raise PermissionDenied(approval.reason)  # four eyes: the one who finalised
    if not approval:
        messages.error(request, approval.reason)
        return redirect(_decisions_url(cycle))
    results = NominationResult.objects.filter(nomination__cycle=cycle)
    return render(
        request,
        "awards/ranking/publish_confirm.html",
        {
            "cycle": cycle,
            "awardees": results.filter(awarded=True).count(),
            "nominees": Nomination.objects.filter(cycle=cycle).active().count(),
        },
    )
