"""What the audit trail's codes mean, in the reader's language: action codes
("partners.event.verified"), change names that are not model fields, and notes the portal writes
itself. The core knows only its own; each app registers its codes from its AppConfig.ready()."""

import re
from collections.abc import Callable

from django.utils.translation import gettext_lazy as _

from portal.i18n import in_active_language

# Every entry whose code starts with AUTH_PREFIX is about signing in and accounts, and is
# shown in the security log (portal.views.security_log): logins, lock-outs, passwords, second
# factors. Such entries name the user (or the username tried) as their object and keep the
# client's address and browser (portal.login_audit.audit_auth).
AUTH_PREFIX = "auth."


class AuthEvent:
    LOGIN = "auth.login.succeeded"
    LOGIN_FAILED = "auth.login.failed"
    LOCKED_OUT = "auth.login.locked_out"
    LOGOUT = "auth.logout"
    PASSWORD_CHANGED = "auth.password.changed"
    RESET_REQUESTED = "auth.password_reset.requested"
    RESET_COMPLETED = "auth.password_reset.completed"


# The attempts the login throttle counts (portal/login_throttle.py).
LOGIN_FAILURES = (AuthEvent.LOGIN_FAILED, AuthEvent.LOCKED_OUT)


class LockoutNote:
    """Which limit refused a login, kept as the note of AuthEvent.LOCKED_OUT."""

    PAIR = "lockout:username+address"
    ADDRESS = "lockout:address"
    USERNAME = "lockout:username"


class ResetNote:
    NO_ACCOUNT = "reset:no-account"
    RATE_LIMITED = "reset:rate-limited"


_ACTIONS: dict[str, str] = {
    AuthEvent.LOGIN: _("Logged in"),
    AuthEvent.LOGIN_FAILED: _("Login failed"),
    AuthEvent.LOCKED_OUT: _("Login refused: locked out"),
    AuthEvent.LOGOUT: _("Logged out"),
    AuthEvent.PASSWORD_CHANGED: _("Password changed"),
    AuthEvent.RESET_REQUESTED: _("Password reset requested"),
    AuthEvent.RESET_COMPLETED: _("Password reset completed"),
}
_CHANGES: dict[str, str] = {}
_NOTES: dict[str, str] = {
    "admin": _("in the admin site"),
    LockoutNote.PAIR: _("too many failed logins for this username from this address"),
    LockoutNote.ADDRESS: _("too many failed logins from this address"),
    LockoutNote.USERNAME: _("too many failed logins for this username"),
    ResetNote.NO_ACCOUNT: _("no active account has this email address: nothing sent"),
    ResetNote.RATE_LIMITED: _("too many requests for this email address: nothing sent"),
}
# Notes written with a value in them: (pattern, match -> text).
_NOTE_PATTERNS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = []


def register_audit_labels(
    *,
    actions: dict | None = None,
    changes: dict | None = None,
    notes: dict | None = None,
    note_patterns: list | None = None,
) -> None:
    _ACTIONS.update(actions or {})
    _CHANGES.update(changes or {})
    _NOTES.update(notes or {})
    _NOTE_PATTERNS.extend(note_patterns or [])


def auth_action_choices() -> list[tuple[str, str]]:
    """The registered codes of the security log, for its filter (the second-factor codes
    included once their app has registered them)."""
    return [(code, label) for code, label in _ACTIONS.items() if code.startswith(AUTH_PREFIX)]


def action_label(code: str) -> str:
    return _ACTIONS.get(code, code)


def change_label(name: str) -> str:
    return _CHANGES.get(name, name)


def note_label(note: str, params: dict | None = None) -> str:
    """A note the portal wrote, in the reader's language; any other note is a person's words
    (a reason, a file name), shown as written. A registered note is a text with %(name)s
    placeholders filled from `params`, or a function of the params (for plurals); a name kept
    in both languages, `x` and `x_zh`, is given in the reader's."""
    for pattern, text in _NOTE_PATTERNS:
        if match := pattern.fullmatch(note):
            return text(match)
    label = _NOTES.get(note)
    if label is None:
        return note
    params = params or {}
    values = {
        name: in_active_language(value, params[f"{name}_zh"]) if f"{name}_zh" in params else value
        for name, value in params.items()
        if not name.endswith("_zh")
    }
    if callable(label):
        return label(values)
    try:
        return str(label) % values if values else str(label)
    except (KeyError, TypeError, ValueError):
        # A code written with other parameters than its text now names: the text alone.
        return str(label)
