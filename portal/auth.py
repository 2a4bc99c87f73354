"""The authentication backend: Django's, loading with the signed-in user, in the same query,
the number of their unread notifications (every page's menu shows it) and their saved language
(portal.middleware.UserLanguageMiddleware). And `recent_auth_required`, for the actions that
ask for the password and second factor again."""

import re
from functools import wraps
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.views import redirect_to_login
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.shortcuts import redirect, resolve_url
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from portal.models import Notification, UserPreference
from portal.sessions import has_recent_auth

# The menu counts unread notifications up to this many, and then shows "99+".
UNREAD_COUNTED = 100


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        unread = Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        count = unread.values("recipient").annotate(count=Count("pk")).values("count")
        User = get_user_model()
        try:
            user = User._default_manager.annotate(
                # Counted up to UNREAD_COUNTED only (the menu then says "99+"): a user who
                # never reads them would otherwise count their whole history on every page.
                unread_notification_count=Case(
                    When(
                        Exists(unread.order_by().values("pk")[UNREAD_COUNTED - 1 :]),
                        then=Value(UNREAD_COUNTED),
                    ),
                    default=Coalesce(Subquery(count, output_field=IntegerField()), 0),
                ),
                preferred_language=Subquery(
                    UserPreference.objects.filter(user=OuterRef("pk")).values("language")[:1]
                ),
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


# Han characters (the unified ideographs, their extensions and compatibility forms): a name
# written in them is a Chinese name.
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def full_name(first: str, last: str) -> str:
    """A given and a family name as their owner writes them: a Chinese name in Chinese order,
    family name first and no space (陳美玲); any other given name first (Mei-ling Chan)."""
    first, last = (first or "").strip(), (last or "").strip()
    if all(_HAN.search(part) for part in (first, last) if part):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def person_name(user) -> str:
    """A user as people know them: the full name (portal.auth.full_name), or the username when
    there is none (the `person` template filter)."""
    if user is None:
        return ""
    return full_name(user.first_name, user.last_name) or user.get_username()


def recent_auth_required(view):
    """For the most sensitive actions (publishing results, revoking a certificate, resetting a
    second factor, creating credentials): the password, and the second factor where the user
    has one, given within RECENT_AUTH_MINUTES; otherwise to the re-authentication page and back.
    A GET comes back to itself; a POST to the page that held its form (the Referer, when it is
    the portal's own), where the user submits again. Put it under the role check, so that a
    wrong role still gets its 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if has_recent_auth(request):
            return view(request, *args, **kwargs)
        if request.method in ("GET", "HEAD"):
            back = request.get_full_path()
        else:
            back = _same_site_referer(request) or resolve_url(settings.LOGIN_REDIRECT_URL)
        return redirect(f"{reverse('reauthenticate')}?{urlencode({'next': back})}")

    return wrapper


def _same_site_referer(request) -> str:
    referer = request.headers.get("Referer", "")
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(referer)
    return parts.path + (f"?{parts.query}" if parts.query else "")
