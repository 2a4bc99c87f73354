"""Who is asked for a second factor, and at which step of the login.

- STAFF_2FA=off: nobody.
- STAFF_2FA=optional: whoever has enrolled gives a code at every login; nobody has to enrol.
- STAFF_2FA=required: as optional, and whoever it is required of must enrol at their next login
  before they get in: officers, verifiers, the panel, the secretariat, superusers and admin-site
  users, and anyone an app's rule names (partners: the users of an enterprise whose managers
  ask it of all their colleagues). Everybody else may enrol.
"""

from collections.abc import Callable

from django.conf import settings
from django.db.models import Exists, OuterRef
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.roles import Role, has_role

REQUIRED_ROLES = (Role.OFFICER, Role.VERIFIER, Role.PANEL, Role.SECRETARIAT)

VERIFY = "verify"
ENROL = "enrol"

# Apps add their own reasons to require a second factor (partners/apps.py); the core names none.
_requirements: list[Callable[[object], bool]] = []


def register_requirement(check: Callable[[object], bool]) -> None:
    if check not in _requirements:
        _requirements.append(check)


def mode() -> str:
    return settings.STAFF_2FA


def is_staff_account(user) -> bool:
    """Customs staff, the panel, the secretariat, superusers and admin-site users."""
    return user.is_superuser or user.is_staff or has_role(user, *REQUIRED_ROLES)


def is_required_for(user) -> bool:
    """Whether the user must have a second factor (when STAFF_2FA is required)."""
    return is_staff_account(user) or any(check(user) for check in _requirements)


def has_second_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def enrolled(user_ref: str = "pk") -> Exists:
    """An annotation: whether the user at `user_ref` has enrolled an authenticator app."""
    return Exists(TOTPDevice.objects.filter(user=OuterRef(user_ref), confirmed=True))


def login_step(user) -> str | None:
    """What the login asks after the password: VERIFY (a code), ENROL (set up an app first),
    or None (nothing more)."""
    if mode() == "off":
        return None
    if has_second_factor(user):
        return VERIFY
    if mode() == "required" and is_required_for(user):
        return ENROL
    return None
