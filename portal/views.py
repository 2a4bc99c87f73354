from django.conf import settings
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import check_for_language
from django.views import i18n

from portal.audit_labels import AuthEvent
from portal.filters import SecurityLogFilter
from portal.http import client_ip, no_referrer
from portal.login_audit import audit_auth
from portal.models import AuditEntry
from portal.notifications.services import preference_language_set
from portal.password_reset import HOUR, password_reset_request
from portal.ratelimit import rate_limit_hit
from portal.roles import Role, role_required
from portal.shortcuts import filtered_rows, paginate, query_without_page


def set_language(request):
    """Django's language switch, which also keeps the choice as the signed-in user's language
    for the emails they are sent."""
    response = i18n.set_language(request)
    language = request.POST.get("language", "")
    if request.method == "POST" and request.user.is_authenticated and check_for_language(language):
        preference_language_set(user=request.user, language=language)
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    def form_valid(self, form):
        response = super().form_valid(form)
        audit_auth(self.request, AuthEvent.PASSWORD_CHANGED, user=form.user)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an email address; the same answer whether an account has it or not
    (portal/password_reset.py). At most PASSWORD_RESET_RATE_LIMIT requests an hour from one
    client address; beyond, the 429 page."""

    def post(self, request, *args, **kwargs):
        retry_after = rate_limit_hit(
            scope="password-reset",
            client=client_ip(request),
            limit=settings.PASSWORD_RESET_RATE_LIMIT,
            window=HOUR,
        )
        if retry_after is not None:
            response = render(request, "429.html", status=429)
            response["Retry-After"] = str(retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        password_reset_request(request=self.request, email=form.cleaned_data["email"])
        return redirect(self.get_success_url())


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's: the link's token is checked, kept in the session, and the browser redirected
    at once to an address without it (…/set-password/), so the token is in no later request's
    address; the response to the link's own address sends no Referer on. Not the form's page:
    under no-referrer a browser posts a form with `Origin: null`, which the CSRF check refuses."""

    def dispatch(self, *args, **kwargs):
        if kwargs.get("token") == self.reset_url_token:
            return super().dispatch(*args, **kwargs)
        return no_referrer(super().dispatch)(*args, **kwargs)

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_auth(self.request, AuthEvent.RESET_COMPLETED, user=form.user)
        return response


@role_required(Role.SECRETARIAT)
def security_log(request):
    """Logins, failures, lock-outs, logouts, password changes and resets, and second-factor
    events: every audit entry whose code starts with AUTH_PREFIX, newest first."""
    filterset = SecurityLogFilter(
        request.GET, queryset=AuditEntry.objects.visible_to(request.user).security_log()
    )
    return render(
        request,
        "portal/security_log.html",
        {
            "filter": filterset,
            "page": paginate(request, filtered_rows(filterset)),
            "query": query_without_page(request),
        },
    )
