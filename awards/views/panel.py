"""Panel review: the member's nominees, declarations and reviews; the secretariat's assignment,
progress and export."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from awards import rules
from awards.forms.panel import AlternateForm, AssignmentForm, DeclarationForm, ReviewForm
from awards.models import Assignment, Cycle, PanelAlternate, Review
from awards.selectors.dossier import nomination_dossier
from awards.selectors.panel_home import panel_home as panel_home_cycles
from awards.selectors.progress import (
    DISAGREEMENT_RANGE,
    DISAGREEMENT_SD,
    cycle_progress,
    review_export_columns,
    review_export_rows,
    rounded_member_score,
)
from awards.selectors.scores import kept_scores
from awards.services import panel as services
from awards.views import cycle_from_url, quorum_alert_for
from portal.auth import person_name
from portal.confirm import ask_confirmation, needs_confirmation
from portal.exports import export_table
from portal.roles import Role, role_required
from portal.shortcuts import query_without_page, refusal_reported, send_download

Declaration = Assignment.Declaration

# The panel member's pages


@role_required(Role.PANEL)
def panel_home(request):
    """The member's cycles (declaration, review, deadline, what is left to do) and, once a
    cycle is finalised, how the panel scored each criterion; one cycle's nominees at a time
    (?cycle=year, the latest by default), 25 a page (NOMINEES_PAGE), searched by name (?q=)
    and by state (?state=)."""
    try:
        year = int(request.GET.get("cycle", ""))
    except ValueError:
        year = None
    search = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    cycles = panel_home_cycles(
        request.user,
        year=year,
        search=search,
        state=state,
        page_number=request.GET.get("page"),
    )
    return render(
        request,
        "awards/panel/home.html",
        {
            "cycles": cycles,
            "charts": any(c.distributions for c in cycles),
            "search": search,
            "state": state if state in Assignment.State.values else "",
            "states": Assignment.State.choices,
            "query": query_without_page(request),
        },
    )


def _own_assignment(request, year: int, pk: int) -> Assignment:
    """The member's own assignment on nomination `pk` of cycle `year`; anyone else's is 404."""
    return get_object_or_404(
        Assignment.objects.visible_to(request.user)
        .filter(member=request.user)
        .select_related("nomination__cycle", "nomination__enterprise")
        .prefetch_related("nomination__cycle__criteria", "nomination__cycle__event_rules"),
        nomination__cycle__year=year,
        nomination_id=pk,
    )


def _own_review(assignment: Assignment) -> Review | None:
    return Review.objects.filter(assignment=assignment).prefetch_related("scores").first()


def _nominee_page(request, assignment, declaration_form=None, review_form=None):
    """The member's page of one nominee. Before a declaration: only the declaration form.
    Recused: only their declaration. Otherwise the dossier, their review, and, once theirs is
    submitted, the other members' scores."""
    nomination, cycle = assignment.nomination, assignment.nomination.cycle
    context = {"assignment": assignment, "nomination": nomination, "cycle": cycle}
    if assignment.declaration != Declaration.CONFLICT:
        context["declaration_form"] = declaration_form or DeclarationForm(assignment=assignment)
    if assignment.may_see_dossier:
        criteria = list(cycle.criteria.all())
        review = _own_review(assignment)
        own_submitted = review is not None and review.status == Review.Status.SUBMITTED
        # Other members' reviews: visible_to shows them only once the member's own review is
        # submitted (and never to a recused member); a recused member's review is not shown.
        others = (
            Review.objects.visible_to(request.user)
            .counted()
            .filter(assignment__nomination=nomination)
            .exclude(assignment__member=request.user)
            .prefetch_related("scores")
            .order_by("submitted_at", "pk")
        )
        [scored] = kept_scores(cycle, [nomination.pk])
        if rules.may_review(request.user, assignment, review):
            review_form = review_form or ReviewForm(
                initial=ReviewForm.initial_from(review), criteria=criteria
            )
        else:
            review_form = None
        context.update(
            criteria=criteria,
            review=review,
            own_scores=_scores_by_criterion(review, criteria),
            review_form=review_form,
            others=[_scores_by_criterion(other, criteria) for other in others]
            if own_submitted
            else [],
            own_submitted=own_submitted,
            scored=scored,
            dossier=nomination_dossier(nomination, show_restricted=True),
            scoring_closed=cycle.scoring_closed(),
        )
    return render(request, "awards/panel/nominee.html", context)


def _scores_by_criterion(review, criteria) -> dict | None:
    if review is None:
        return None
    scores = {score.criterion_id: score.score for score in review.scores.all()}
    return {
        "review": review,
        "scores": [scores.get(criterion.pk) for criterion in criteria],
        "rows": [(criterion, scores.get(criterion.pk)) for criterion in criteria],
        "member_score": rounded_member_score(
            scores, {criterion.pk: criterion.weight for criterion in criteria}
        ),
    }


@role_required(Role.PANEL)
def panel_nominee(request, year, pk):
    return _nominee_page(request, _own_assignment(request, year, pk))


@require_POST
@role_required(Role.PANEL)
def panel_declare(request, year, pk):
    assignment = _own_assignment(request, year, pk)
    form = DeclarationForm(request.POST, assignment=assignment)
    if not form.is_valid():
        return _nominee_page(request, assignment, declaration_form=form)
    conflict = form.cleaned_data["declaration"] == Declaration.CONFLICT
    if (
        conflict
        and assignment.declaration != Declaration.CONFLICT
        and needs_confirmation(request, rules.may_act_on_assignment(request.user, assignment))
    ):
        return _confirm_conflict(request, assignment, form.cleaned_data["reason"])
    with refusal_reported(request) as outcome:
        services.assignment_declare(
            assignment=assignment,
            user=request.user,
            declaration=form.cleaned_data["declaration"],
            reason=form.cleaned_data["reason"],
        )
    if outcome.ok:
        if form.cleaned_data["declaration"] == Declaration.CONFLICT:
            messages.success(request, _("Conflict declared: you are recused from this nominee."))
        else:
            messages.success(request, _("No conflict declared: the dossier is open to you."))
    return redirect("awards:panel-nominee", year, pk)


@require_POST
@role_required(Role.PANEL)
def panel_review(request, year, pk):
    assignment = _own_assignment(request, year, pk)
    criteria = list(assignment.nomination.cycle.criteria.all())
    form = ReviewForm(request.POST, criteria=criteria)
    if not form.is_valid():
        return _nominee_page(request, assignment, review_form=form)
    submit = form.submitting()
    if submit and needs_confirmation(
        request, rules.may_review(request.user, assignment, _own_review(assignment))
    ):
        return _confirm_review(request, assignment, criteria, form)
    with refusal_reported(request) as outcome:
        services.review_save(
            assignment=assignment,
            user=request.user,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            submit=submit,
        )
    if outcome.ok:
        messages.success(request, _("Review submitted.") if submit else _("Draft saved."))
    return redirect("awards:panel-nominee", year, pk)


def _confirm_conflict(request, assignment, reason):
    nomination = assignment.nomination
    name = nomination.enterprise.name
    details = [
        _("You will no longer see its dossier or the other members' scores, nor score it."),
        _("Your statement: %(reason)s") % {"reason": reason.strip()},
    ]
    if Review.objects.filter(assignment=assignment).exists():
        details.insert(1, _("Your review of it will no longer count."))
    return ask_confirmation(
        request,
        title=_("Declare a conflict of interest with %(name)s?") % {"name": name},
        summary=_(
            "Declare a conflict of interest with %(name)s: you will be recused from this nominee."
        )
        % {"name": name},
        details=details,
        warning=_("A declared conflict cannot be withdrawn."),
        button=_("Declare the conflict"),
        cancel_url=reverse("awards:panel-nominee", args=[nomination.cycle.year, nomination.pk]),
    )


def _confirm_review(request, assignment, criteria, form):
    nomination = assignment.nomination
    scores = form.scores()
    member_score = rounded_member_score(
        scores, {criterion.pk: criterion.weight for criterion in criteria}
    )
    chinese = (get_language() or "").startswith("zh")
    return ask_confirmation(
        request,
        title=_("Submit your review of %(name)s?") % {"name": nomination.enterprise.name},
        summary=_(
            "Submit your review of %(name)s: your member score %(score)s (0–100) will count "
            "in the panel score."
        )
        % {"name": nomination.enterprise.name, "score": member_score},
        details=[
            _("%(criterion)s: %(score)s / 10")
            % {
                "criterion": criterion.name_zh if chinese else criterion.name_en,
                "score": scores[criterion.pk],
            }
            for criterion in criteria
        ],
        warning=_("A submitted review is final: it cannot be changed afterwards."),
        button=_("Submit the review"),
        cancel_url=reverse("awards:panel-nominee", args=[nomination.cycle.year, nomination.pk]),
    )


# The secretariat's pages


def _progress_page(request, cycle, form=None, alternate_form=None):
    progress = cycle_progress(cycle)
    if form is None:
        members = len(progress.members) or services.panel_members().count()
        share = -(-len(progress.nominees) * cycle.quorum // members) if members else None
        form = AssignmentForm(initial={"max_load": share})
    assignable = cycle.status in (Cycle.Status.NOMINATIONS, Cycle.Status.REVIEW)
    alert = quorum_alert_for(request.user, cycle)
    out_of_reach = {s.nomination.pk for s in alert.nominees} if alert else set()
    alternates = list(
        PanelAlternate.objects.filter(cycle=cycle).select_related("member").order_by("member_id")
    )
    if alternate_form is None and assignable:
        alternate_form = AlternateForm(cycle=cycle, taken=[a.member_id for a in alternates])
    return render(
        request,
        "awards/panel/progress.html",
        {
            "cycle": cycle,
            "progress": progress,
            "form": form,
            "assignable": assignable,
            "quorum_alert": alert,
            "out_of_reach": out_of_reach,
            "alternates": alternates,
            "alternate_form": alternate_form,
            "disagreement_range": DISAGREEMENT_RANGE,
            "disagreement_sd": DISAGREEMENT_SD,
        },
    )


@role_required(Role.SECRETARIAT)
def panel_progress(request, year):
    return _progress_page(
        request,
        cycle_from_url(request, year, Cycle.objects.prefetch_related("criteria", "event_rules")),
    )


@require_POST
@role_required(Role.SECRETARIAT)
def panel_assign(request, year):
    cycle = cycle_from_url(request, year, Cycle.objects.prefetch_related("criteria", "event_rules"))
    form = AssignmentForm(request.POST)
    if not form.is_valid():
        return _progress_page(request, cycle, form)
    try:
        outcome = services.assignments_create(
            cycle=cycle,
            user=request.user,
            mode=form.cleaned_data["mode"],
            max_load=form.cleaned_data["max_load"],
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return _progress_page(request, cycle, form)
    messages.success(
        request,
        ngettext(
            "%(count)s assignment added.", "%(count)s assignments added.", len(outcome.created)
        )
        % {"count": len(outcome.created)},
    )
    if outcome.below_quorum:
        messages.warning(
            request,
            _("Even with every panel member, these nominees stay below the quorum: %(names)s.")
            % {"names": ", ".join(n.enterprise.name for n in outcome.below_quorum)},
        )
    return redirect("awards:panel-progress", year)


@require_POST
@role_required(Role.SECRETARIAT)
def panel_alternate_add(request, year):
    cycle = cycle_from_url(request, year, Cycle.objects.prefetch_related("criteria", "event_rules"))
    taken = PanelAlternate.objects.filter(cycle=cycle).values_list("member_id", flat=True)
    form = AlternateForm(request.POST, cycle=cycle, taken=list(taken))
    if not form.is_valid():
        return _progress_page(request, cycle, alternate_form=form)
    member = form.cleaned_data["member"]
    with refusal_reported(request) as outcome:
        services.panel_alternate_add(cycle=cycle, member=member, user=request.user)
    if outcome.ok:
        messages.success(
            request,
            _("%(name)s is an alternate of the %(year)s panel.")
            % {"name": person_name(member), "year": cycle.year},
        )
    return redirect(reverse("awards:panel-progress", args=[cycle.year]) + "#alternates")


@require_POST
@role_required(Role.SECRETARIAT)
def panel_alternate_remove(request, year, pk):
    cycle = cycle_from_url(request, year)
    alternate = get_object_or_404(
        PanelAlternate.objects.select_related("member"), cycle=cycle, member_id=pk
    )
    with refusal_reported(request) as outcome:
        services.panel_alternate_remove(cycle=cycle, member=alternate.member, user=request.user)
    if outcome.ok:
        messages.success(
            request,
            _("%(name)s is no longer an alternate of the %(year)s panel.")
            % {"name": person_name(alternate.member), "year": cycle.year},
        )
    return redirect(reverse("awards:panel-progress", args=[cycle.year]) + "#alternates")


@role_required(Role.SECRETARIAT)
def panel_reviews_export(request, year):
    cycle = cycle_from_url(request, year, Cycle.objects.prefetch_related("criteria", "event_rules"))
    content = export_table(review_export_columns(cycle), review_export_rows(cycle), "xlsx")
    return send_download(content, f"panel-reviews-{cycle.year}.xlsx")
