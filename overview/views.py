"""The pages that combine the cooperation record (partners) and the awards: each reads through
the apps' own selectors, scoped to the user."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from awards.models import Cycle
from awards.selectors.history import (
    cooperation_chart,
    cooperation_scores_by_cycle,
    enterprise_award_history,
)
from awards.selectors.standing import open_cycle_standing, published_history
from overview.dashboard import staff_dashboard
from partners import selectors as partner_home
from partners.models import CooperationEvent, EnforcementFlag, Enterprise, Membership
from partners.rules import may_see_the_whole_record
from portal.models import AuditEntry
from portal.roles import STAFF_ROLES, Role, has_role, role_required
from portal.shortcuts import paginate_capped

# Where each role starts; a user with several roles lands on the first that applies.
# Customs staff start on the dashboard, whose figures lead to the verifier's queue and the
# officer's drafts and returned events.
ROLE_HOMES = [
    (Role.SECRETARIAT, "dashboard"),
    (Role.VERIFIER, "dashboard"),
    (Role.OFFICER, "dashboard"),
    (Role.PANEL, "awards:panel-home"),
    (Role.PARTNER, "my-enterprise"),
]


@login_required
def home(request):
    for role, url_name in ROLE_HOMES:
        if has_role(request.user, role):
            return redirect(reverse(url_name))
    return render(request, "portal/no_role.html", status=403)


@role_required(*STAFF_ROLES)
def dashboard(request):
    """Customs staff's home: the figures of overview.dashboard, each linking to its list."""
    figures = staff_dashboard(request.user)
    return render(
        request,
        "overview/dashboard.html",
        {"dashboard": figures, "chart_data": figures.events.chart_data()},
    )


@login_required
def enterprise_detail(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    events = (
        CooperationEvent.objects.visible_to(request.user)
        .filter(enterprise=enterprise)
        .select_related("logged_by")
    )
    staff_view = may_see_the_whole_record(request.user)
    counts = partner_home.event_counts(request.user, enterprise)
    # Every cycle for all customs staff, like the award history beside it (and the dashboard's
    # top enterprises): the scores come from the verified record, which all staff see. Partners
    # never see their scores of open cycles.
    cooperation = (
        cooperation_scores_by_cycle(enterprise, Cycle.objects.prefetch_related("event_rules"))
        if staff_view
        else []
    )
    return render(
        request,
        "overview/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "counts": counts,
            "chart_data": counts.chart,
            "cooperation": cooperation,
            "cooperation_chart": cooperation_chart(cooperation),
            # Counted up to COUNT_CAP: the busiest enterprise has 17,000 events.
            "page": paginate_capped(request, events, 25),
            "staff_view": staff_view,
            "audit_entries": AuditEntry.objects.visible_to(request.user)
            .for_object(enterprise)
            .select_related("actor")[:100],
            # Customs staff only: partners never see concerns raised about them.
            "enforcement_flags": EnforcementFlag.objects.visible_to(request.user)
            .filter(enterprise=enterprise)
            .select_related("raised_by", "cleared_by"),
            "award_history": enterprise_award_history(enterprise) if staff_view else None,
        },
    )


@role_required(Role.PARTNER)
def my_enterprise(request):
    """A partner user's home: their own enterprise's profile, verified cooperation, award
    results and, while a cycle is open, its own score and standing band."""
    enterprise = (
        Enterprise.objects.visible_to(request.user)
        .filter(memberships__user=request.user)
        .annotate(
            # In the same query: whether the reader manages its colleagues (a link for them).
            viewer_is_manager=Exists(
                Membership.objects.filter(
                    enterprise=OuterRef("pk"), user=request.user, is_active=True, is_manager=True
                )
            )
        )
        .first()
    )
    if enterprise is None:
        raise PermissionDenied
    counts = partner_home.event_counts(request.user, enterprise)
    return render(
        request,
        "overview/partner_home/home.html",
        {
            "enterprise": enterprise,
            "page": paginate_capped(
                request, partner_home.partner_events(request.user, enterprise), 25
            ),
            "counts": counts,
            "chart_data": counts.chart,
            "standing": open_cycle_standing(enterprise),
            "history": published_history(enterprise, request.user),
        },
    )
