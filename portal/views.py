from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from portal.roles import Role, has_role

# Where each role starts; a user with several roles lands on the first that applies.
ROLE_HOMES = [
    (Role.SECRETARIAT, "partners:enterprise-list", ""),
    (Role.VERIFIER, "partners:event-list", "?status=submitted"),
    (Role.OFFICER, "partners:event-list", "?mine=on"),
    (Role.PANEL, "awards:panel-home", ""),
    (Role.PARTNER, "partners:my-enterprise", ""),
]


@login_required
def home(request):
    for role, url_name, query in ROLE_HOMES:
        if has_role(request.user, role):
            return redirect(reverse(url_name) + query)
    return render(request, "portal/no_role.html", status=403)
