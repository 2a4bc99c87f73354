from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from partners.filters import AWAITING_VERIFICATION, MY_OPEN_EVENTS
from portal.roles import Role, has_role

# Where each role starts; a user with several roles lands on the first that applies.
ROLE_HOMES = [
    (Role.SECRETARIAT, "partners:enterprise-list", ""),
    # The oldest submission waiting first.
    (Role.VERIFIER, "partners:event-list", f"?{AWAITING_VERIFICATION}"),
    # The officer's own drafts and returned events, the latest change first.
    (Role.OFFICER, "partners:event-list", f"?{MY_OPEN_EVENTS}"),
    (Role.PANEL, "awards:panel-home", ""),
    (Role.PARTNER, "partners:my-enterprise", ""),
]


@login_required
def home(request):
    for role, url_name, query in ROLE_HOMES:
        if has_role(request.user, role):
            return redirect(reverse(url_name) + query)
    return render(request, "portal/no_role.html", status=403)
