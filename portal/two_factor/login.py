"""The login's steps. The password (Django's LoginView) leads either straight in, or to a
pending login kept in the anonymous session, which the second step (a code, or the enrolment
of an app) completes. Nobody is logged in, and no page opens, before the last step."""

import time

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.shortcuts import redirect

from portal import sessions
from portal.two_factor import policy

PENDING = "_pending_login"


def begin_login(request, user, next_url: str):
    """After the password was checked (`user` from authenticate()): in, or on to the second
    step."""
    step = policy.login_step(user)
    if step is None:
        auth_login(request, user)
        return redirect(next_url)
    request.session[PENDING] = {
        "user": user.pk,
        "backend": user.backend,
        "next": next_url,
        "at": time.time(),
    }
    return redirect("login-second-factor" if step == policy.VERIFY else "two-factor-enrol")


def pending_user(request):
    """The user whose password was given in this browser within PENDING_LOGIN_MINUTES."""
    pending = request.session.get(PENDING)
    if not pending:
        return None
    if time.time() - pending["at"] > settings.PENDING_LOGIN_MINUTES * 60:
        del request.session[PENDING]
        request.session[sessions.ENDED] = sessions.PENDING_EXPIRED  # the login page says why
        return None
    return get_user_model().objects.filter(pk=pending["user"], is_active=True).first()


def complete_login(request, user, device) -> str:
    """Log the pending user in, verified by `device`; returns where they were going."""
    pending = request.session.pop(PENDING)
    user.otp_device = device  # django-otp keeps it in the session at the login
    auth_login(request, user, backend=pending["backend"])
    return pending["next"]
