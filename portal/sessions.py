"""Signed-in sessions' limits, enforced on the server (the cookie's age alone is the
browser's word):

- idle: SESSION_IDLE_TIMEOUT minutes without a request for staff, panel, secretariat and
  superusers; PARTNER_SESSION_IDLE_TIMEOUT for everybody else (partners write long reports);
- absolute: SESSION_MAX_AGE_HOURS after the login, however active;
- second factor: a session that STAFF_2FA asks a second factor of but that was not verified
  with one (a login from before STAFF_2FA was turned on, a factor reset since) ends.

An ended session is logged out; the login page then says why. Also here: "recent
authentication", the password and second factor given again within RECENT_AUTH_MINUTES
(portal.auth.recent_auth_required).
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django_htmx.http import HttpResponseClientRedirect

from portal.two_factor import policy

AUTH_AT = "_auth_at"  # when the login was completed (seconds since the epoch)
SEEN_AT = "_seen_at"  # the last request, to the minute
IDLE_MINUTES = "_idle_minutes"  # this user's idle timeout, decided at login
REAUTH_AT = "_reauth_at"  # the last time the password (and second factor) were given
NOT_ASKED = "_second_factor_not_asked"  # the STAFF_2FA under which none was needed
ENDED = "_session_ended"  # why the last session ended, for the login page

IDLE, EXPIRED, SECOND_FACTOR, PENDING_EXPIRED = "idle", "expired", "second_factor", "pending"
# A request refreshes SEEN_AT (a session write) at most once a minute.
SEEN_RESOLUTION = 60


def idle_minutes_for(user) -> int:
    if policy.is_staff_account(user):
        return settings.SESSION_IDLE_TIMEOUT
    return settings.PARTNER_SESSION_IDLE_TIMEOUT


def on_login(sender, request, user, **kwargs):
    """user_logged_in: a new session starts its clocks; the login counts as recent
    authentication."""
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    session = request.session
    session[AUTH_AT] = session[SEEN_AT] = session[REAUTH_AT] = now
    session[IDLE_MINUTES] = idle_minutes_for(user)
    session.pop(ENDED, None)
    session.pop(NOT_ASKED, None)
    if policy.mode() != "off" and policy.login_step(user) is None:
        session[NOT_ASKED] = policy.mode()


def mark_recent_auth(request) -> None:
    request.session[REAUTH_AT] = time.time()


def has_recent_auth(request) -> bool:
    at = request.session.get(REAUTH_AT)
    return at is not None and time.time() - at <= settings.RECENT_AUTH_MINUTES * 60


class SessionLimitsMiddleware:
    """After AuthenticationMiddleware and django-otp's OTPMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            reason = self._ended(request)
            if reason:
                idle = request.session.get(IDLE_MINUTES, settings.SESSION_IDLE_TIMEOUT)
                logout(request)
                request.session[ENDED] = {"reason": reason, "minutes": idle}
                if request.headers.get("HX-Request") == "true":
                    # A fragment would put the login page inside the page: reload it whole.
                    login = redirect_to_login(request.headers.get("HX-Current-URL", "/"))
                    return HttpResponseClientRedirect(login.url)
        return self.get_response(request)

    def _ended(self, request) -> str:
        session, now = request.session, time.time()
        if AUTH_AT not in session:  # a session from before these limits: its clocks start now
            session[AUTH_AT] = session[SEEN_AT] = now
        idle = session.get(IDLE_MINUTES, settings.SESSION_IDLE_TIMEOUT)
        if now - session.get(SEEN_AT, now) > idle * 60:
            return IDLE
        if now - session[AUTH_AT] > settings.SESSION_MAX_AGE_HOURS * 3600:
            return EXPIRED
        if self._lacks_second_factor(request):
            return SECOND_FACTOR
        if now - session.get(SEEN_AT, 0) >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        return ""

    def _lacks_second_factor(self, request) -> bool:
        mode = policy.mode()
        if mode == "off" or request.user.is_verified():
            return False
        if request.session.get(NOT_ASKED) == mode:
            return False
        if policy.login_step(request.user) is not None:
            return True
        # Remembered for the session: asking again would cost queries on every request.
        request.session[NOT_ASKED] = mode
        return False
