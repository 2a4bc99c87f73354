from django.shortcuts import render

from portal.roles import Role, role_required


@role_required(Role.PANEL)
def panel_home(request):
    """The panel's start page; assigned nominees appear here once award cycles exist (#3)."""
    return render(request, "awards/panel_home.html")
