"""The security log's entries: every login, failed login, lock-out, logout, password change and
password reset, written to the audit trail with the username tried, the client's address and
browser.

They are written from Django's auth signals (and axes' lock-out signal), so every way in is
recorded whatever view logs people in: the login page, a second-factor step, an accepted
invitation. django-axes deletes its own failure counts after a successful login
(AXES_RESET_ON_SUCCESS); these entries are never deleted, so a brute force that ends in a success
leaves its failures in the log."""

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.contrib.contenttypes.models import ContentType
from django.dispatch import receiver

from portal import login_throttle
from portal.audit_labels import AuthEvent, LockoutNote
from portal.http import client_address
from portal.models import AuditEntry

USER_AGENT_LENGTH = AuditEntry._meta.get_field("user_agent").max_length


def _printable(text: str, length: int) -> str:
    # A username or browser name is whatever the client sent: no NUL (PostgreSQL refuses it),
    # no line breaks, and no more than the column holds.
    return "".join(c if c.isprintable() else "\ufffd" for c in str(text)[:length])


def audit_auth(
    request, action: str, *, user=None, username: str = "", note: str = ""
) -> AuditEntry:
    """One security-log entry for `request`. Its object is `user` when the account is known,
    otherwise the `username` (or email address) as typed; its actor is the signed-in user, if
    any. Second-factor events are written through here too, with their own `auth.` codes."""
    User = get_user_model()
    actor = getattr(request, "user", None)
    return AuditEntry.objects.create(
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        content_type=ContentType.objects.get_for_model(User),
        object_id=str(user.pk) if user is not None else "",
        object_repr=_printable(
            user.get_username() if user is not None else username,
            User._meta.get_field(User.USERNAME_FIELD).max_length,
        ),
        note=note,
        client_address=client_address(request),
        user_agent=_printable(request.META.get("HTTP_USER_AGENT", ""), USER_AGENT_LENGTH),
    )


def _account(username: str):
    User = get_user_model()
    return User._default_manager.filter(**{User.USERNAME_FIELD: username}).first()


@receiver(user_logged_in, dispatch_uid="portal.login_audit.logged_in")
def _logged_in(sender, request, user, **kwargs):
    if request is not None:
        audit_auth(request, AuthEvent.LOGIN, user=user)


@receiver(user_logged_out, dispatch_uid="portal.login_audit.logged_out")
def _logged_out(sender, request, user, **kwargs):
    if request is not None and user is not None:
        audit_auth(request, AuthEvent.LOGOUT, user=user)


@receiver(user_login_failed, dispatch_uid="portal.login_audit.login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    """A refused login: a wrong password, an unknown username, or any attempt while a lock-out
    holds (then recorded as the lock-out, with the limit that refused it as its note)."""
    if request is None:
        return
    username = str(credentials.get(get_user_model().USERNAME_FIELD) or "")
    lockout = getattr(request, "login_lockout", None)
    request.login_audit_entry = audit_auth(
        request,
        AuthEvent.LOCKED_OUT if lockout else AuthEvent.LOGIN_FAILED,
        user=_account(username),
        username=username,
        note=lockout.note if lockout else "",
    )
    if lockout is None and (lockout := login_throttle.lockout_after_failure(request, username)):
        login_throttle.refuse(request, lockout)
        record_lockout(request, lockout.note)


def record_lockout(request, note: str) -> None:
    """This request's failed login locked something out: its entry becomes the lock-out."""
    entry = getattr(request, "login_audit_entry", None)
    if entry is not None and entry.action != AuthEvent.LOCKED_OUT:
        entry.action, entry.note = AuthEvent.LOCKED_OUT, note
        entry.save(update_fields=["action", "note"])


def _axes_locked_out(sender, request, username, ip_address, **kwargs):
    """axes locked the username out from this address (AXES_FAILURE_LIMIT failures), or
    refused an attempt while that lock holds."""
    if request is None:
        return
    if getattr(request, "login_lockout", None) is None:
        request.login_lockout = login_throttle.Lockout.starting_now(LockoutNote.PAIR)
    record_lockout(request, request.login_lockout.note)


def connect_axes():
    from axes.signals import user_locked_out

    user_locked_out.connect(_axes_locked_out, dispatch_uid="portal.login_audit.axes_locked_out")
