from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import check_for_language
from django.views import i18n

from portal.dashboard import staff_dashboard
from portal.notifications.services import preference_language_set
from portal.roles import STAFF_ROLES, Role, has_role, role_required

# Where each role starts; a user with several roles lands on the first that applies.
# Customs staff start on the dashboard, whose figures lead to the verifier's queue and the
# officer's drafts and returned events.
ROLE_HOMES = [
    (Role.SECRETARIAT, "dashboard", ""),
    (Role.VERIFIER, "dashboard", ""),
    (Role.OFFICER, "dashboard", ""),
    (Role.PANEL, "awards:panel-home", ""),
    (Role.PARTNER, "partners:my-enterprise", ""),
]


@login_required
def home(request):
    for role, url_name, query in ROLE_HOMES:
        if has_role(request.user, role):
            return redirect(reverse(url_name) + query)
    return render(request, "portal/no_role.html", status=403)


@role_required(*STAFF_ROLES)
def dashboard(request):
    """Customs staff's home: the figures of portal.dashboard, each linking to its list."""
    figures = staff_dashboard(request.user)
    return render(
        request,
        "portal/dashboard.html",
        {"dashboard": figures, "chart_data": figures.events.chart_data()},
    )


def set_language(request):
    """Django's language switch, which also keeps the choice as the signed-in user's language
    for the emails they are sent."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and check_for_language(language):
        preference_language_set(user=request.user, language=language)
    return response
