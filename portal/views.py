from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import check_for_language
from django.views import i18n

from partners.filters import AWAITING_VERIFICATION, MY_OPEN_EVENTS
from portal.notifications.services import preference_language_set
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


def set_language(request):
    """Django's language switch, which also keeps the choice as the signed-in user's language
    for the emails they are sent."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and check_for_language(language):
        preference_language_set(user=request.user, language=language)
    return response
