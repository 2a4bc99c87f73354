"""The portal's roles. Each is a Django group, created by a migration (portal 0002)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "Officer", _("Officer")
    VERIFIER = "Verifier", _("Verifier")
    PANEL = "Panel", _("Panel")
    SECRETARIAT = "Secretariat", _("Secretariat")
    PARTNER = "Partner", _("Partner")


# Customs staff who work on the cooperation record.
STAFF_ROLES = (Role.OFFICER, Role.VERIFIER, Role.SECRETARIAT)


def user_roles(user) -> frozenset[str]:
    """The user's role names, read once per request object and cached on it."""
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_role_cache"):
        user._role_cache = frozenset(user.groups.values_list("name", flat=True))
    return user._role_cache


def has_role(user, *roles: str) -> bool:
    """Superusers hold every role; everybody else holds their groups."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or bool(user_roles(user) & set(roles))


def is_active_partner_manager(user, membership=None) -> bool:
    """A partner who is an active manager of their enterprise: they manage its colleagues, API
    keys and webhooks. `membership` is the user's own (the partners app's Membership), read
    through its reverse accessor when not given."""
    if membership is None:
        membership = getattr(user, "membership", None)
    return (
        membership is not None
        and has_role(user, Role.PARTNER)
        and membership.is_active
        and membership.is_manager
    )


def is_staff_member(user) -> bool:
    return has_role(user, *STAFF_ROLES)


def role_required(*roles: str):
    """Anonymous users are sent to log in; signed-in users without the role get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
