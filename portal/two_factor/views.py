"""The login's second step, enrolment, recovery codes, the user's own page, re-authentication,
and the secretariat's reset of a lost factor."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import sessions
from portal.auth import person_name, recent_auth_required
from portal.roles import Role, role_required
from portal.rules import forbid_unless, may_manage_second_factors, may_reset_second_factor
from portal.shortcuts import paginate, query_without_page
from portal.two_factor import policy, services
from portal.two_factor.forms import (
    EnrolForm,
    ReauthenticateForm,
    SecondFactorForm,
    UserSearchForm,
)
from portal.two_factor.login import begin_login, complete_login, pending_user

CODES = "_recovery_codes"  # shown once, then gone from the session


def _ended_message(ended) -> str:
    """Why the last session ended, for the login page (portal.sessions)."""
    reason = ended.get("reason") if isinstance(ended, dict) else ended
    if reason == sessions.IDLE:
        return _(
            "You were logged out after %(minutes)s minutes without activity. Please log in again."
        ) % {"minutes": ended.get("minutes", settings.SESSION_IDLE_TIMEOUT)}
    if reason == sessions.EXPIRED:
        return _(
            "You were logged out: a session lasts %(hours)s hours at most. Please log in again."
        ) % {"hours": settings.SESSION_MAX_AGE_HOURS}
    if reason == sessions.SECOND_FACTOR:
        return _("Your session ended: please log in again with your second factor.")
    if reason == sessions.PENDING_EXPIRED:
        return _("The login took too long. Please enter your password again.")
    return ""


class LoginView(auth_views.LoginView):
    """Django's, followed by the second step where STAFF_2FA asks one."""

    def form_valid(self, form):
        return begin_login(self.request, form.get_user(), self.get_success_url())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ended_message"] = _ended_message(self.request.session.pop(sessions.ENDED, None))
        return context


def _back_to_login(request):
    """No password given (or given too long ago) in this browser: the login starts again."""
    return redirect("login")


@never_cache
def login_second_factor(request):
    user = pending_user(request)
    if user is None:
        return _back_to_login(request)
    form = SecondFactorForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        accepted = form.accepted
        next_url = complete_login(request, user, accepted.device)
        if accepted.was_recovery_code:
            messages.warning(request, _recovery_codes_left_message(accepted.recovery_codes_left))
        return redirect(next_url)
    return render(
        request, "registration/second_factor.html", {"form": form, "person": person_name(user)}
    )


def _recovery_codes_left_message(left: int) -> str:
    return ngettext(
        "You used a recovery code: %(count)s is left. Make new ones on your security page.",
        "You used a recovery code: %(count)s are left. Make new ones on your security page.",
        left,
    ) % {"count": left}


@never_cache
def two_factor_enrol(request):
    """At the login (a pending login) or from the user's security page."""
    at_login = not request.user.is_authenticated
    user = pending_user(request) if at_login else request.user
    if user is None:
        return _back_to_login(request)
    if policy.has_second_factor(user):
        return redirect("login-second-factor" if at_login else "two-factor")
    device = services.totp_device_pending(user)
    form = EnrolForm(request.POST or None, user=user, device=device)
    if request.method == "POST" and form.is_valid():
        device.refresh_from_db()
        if at_login:
            next_url = complete_login(request, user, device)
        else:
            otp_login(request, device)
            next_url = reverse("two-factor")
        request.session[CODES] = {"codes": form.recovery_codes, "next": next_url}
        return redirect("two-factor-recovery-codes")
    return render(
        request,
        "registration/two_factor_enrol.html",
        {
            "form": form,
            "at_login": at_login,
            "required": policy.mode() == "required" and policy.is_required_for(user),
            "qr_code": services.qr_data_uri(device),
            "manual_key": services.manual_key(device),
            "account": user.get_username(),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


@never_cache
@login_required
def recovery_codes(request):
    shown = request.session.pop(CODES, None)
    if not shown:
        messages.info(request, _("Recovery codes are shown only once. You can make new ones."))
        return redirect("two-factor")
    return render(
        request,
        "registration/recovery_codes.html",
        {"codes": shown["codes"], "next": shown["next"]},
    )


@login_required
def two_factor_home(request):
    user = request.user
    app = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return render(
        request,
        "registration/two_factor.html",
        {
            "mode": policy.mode(),
            "app": app,
            "required": policy.is_required_for(user),
            "codes_left": services.recovery_codes_left(user) if app else 0,
            "may_manage": may_manage_second_factors(user),
        },
    )


@require_POST
@login_required
@recent_auth_required
def recovery_codes_renew(request):
    if not policy.has_second_factor(request.user):
        return redirect("two-factor")
    codes = services.recovery_codes_renew(user=request.user)
    request.session[CODES] = {"codes": codes, "next": reverse("two-factor")}
    return redirect("two-factor-recovery-codes")


@never_cache
@login_required
def reauthenticate(request):
    next_url = request.POST.get("next") or request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    ask_code = policy.mode() != "off" and policy.has_second_factor(request.user)
    form = ReauthenticateForm(request.POST or None, request=request, ask_code=ask_code)
    if request.method == "POST" and form.is_valid():
        sessions.mark_recent_auth(request)
        return redirect(next_url)
    return render(
        request,
        "registration/reauthenticate.html",
        {"form": form, "next": next_url, "minutes": settings.RECENT_AUTH_MINUTES},
    )


# The secretariat's and administrators' pages

User = get_user_model()


@role_required(Role.SECRETARIAT)
def second_factor_users(request):
    search = UserSearchForm(request.GET or None)
    users = User.objects.filter(is_active=True).annotate(enrolled=policy.enrolled())
    if search.is_valid() and (words := search.cleaned_data["q"].strip()):
        users = users.filter(
            Q(username__icontains=words)
            | Q(first_name__icontains=words)
            | Q(last_name__icontains=words)
            | Q(email__icontains=words)
        )
    page = paginate(request, users.order_by("username"))
    for person in page:
        person.may_reset = person.enrolled and may_reset_second_factor(request.user, person)
    return render(
        request,
        "registration/second_factor_users.html",
        {"search": search, "page": page, "query": query_without_page(request)},
    )


@role_required(Role.SECRETARIAT)
@recent_auth_required
def second_factor_reset(request, pk):
    target = get_object_or_404(User.objects.annotate(enrolled=policy.enrolled()), pk=pk)
    forbid_unless(may_reset_second_factor(request.user, target))
    if request.method == "POST":
        services.second_factor_reset(user=target, actor=request.user)
        messages.success(
            request,
            _(
                "The second factor of %(name)s is removed: they set up their app again at their "
                "next login."
            )
            % {"name": person_name(target)},
        )
        return redirect("second-factor-users")
    return render(request, "registration/second_factor_reset.html", {"target": target})
