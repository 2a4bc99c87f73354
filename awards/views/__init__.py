"""The awards app's pages, one module per area. Every page of a cycle starts from
`cycle_from_url`."""

from django.shortcuts import get_object_or_404

from awards import rules
from awards.models import Cycle
from awards.selectors.quorum import QuorumAlert, quorum_alert


def cycle_from_url(request, year, queryset=None) -> Cycle:
    """The cycle of the URL's year, as the user may see it (Cycle.objects.visible_to): 404 for
    a cycle the user may not see. `queryset` adds what the page needs (annotations, related
    rows)."""
    queryset = Cycle.objects.all() if queryset is None else queryset
    return get_object_or_404(queryset.visible_to(request.user), year=year)


def quorum_alert_for(user, cycle: Cycle) -> QuorumAlert | None:
    """The nominees that cannot reach the quorum, for those who can fix it (the secretariat):
    shown at the top of the cycle's pages."""
    return quorum_alert(cycle) if rules.may_assign_panel(user) else None
