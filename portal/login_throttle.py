"""Login throttling beyond django-axes' per username-and-address lock-out: a limit per client
address across usernames (password spraying: a few guesses at each of many accounts) and a limit
per username across addresses (one account guessed at from many addresses).

The failures are counted from the audit trail (portal/login_audit.py), which every process
shares and no successful login resets. LOGIN_FAILURE_LIMIT_PER_ADDRESS failures from one address
within AXES_COOLOFF_MINUTES lock that address out of every account for AXES_COOLOFF_MINUTES;
LOGIN_FAILURE_LIMIT_PER_USERNAME failures for one username lock that username out from every
address. As with axes, each attempt during a lock-out is one more failure and starts the wait
again, and the response is the lock-out page, which says how long it lasts."""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from portal.audit_labels import LOGIN_FAILURES, LockoutNote
from portal.http import client_address
from portal.models import AuditEntry


def cooloff() -> timedelta:
    return settings.AXES_COOLOFF_TIME


@dataclass(frozen=True)
class Lockout:
    note: str  # a LockoutNote: which limit
    until: datetime

    @classmethod
    def starting_now(cls, note: str) -> "Lockout":
        return cls(note, timezone.now() + cooloff())

    @property
    def minutes(self) -> int:
        return max(1, math.ceil((self.until - timezone.now()).total_seconds() / 60))


def _failures(since):
    return AuditEntry.objects.filter(action__in=LOGIN_FAILURES, created_at__gte=since)


def current_lockout(request, username: str) -> Lockout | None:
    """The address or username lock-out in force for this attempt, if any: the latest attempt
    these limits refused, within the cool-off."""
    address = client_address(request)
    held = Q(note=LockoutNote.USERNAME, object_repr=username)
    if address:
        held |= Q(note=LockoutNote.ADDRESS, client_address=address)
    latest = (
        _failures(timezone.now() - cooloff())
        .filter(held)
        .order_by("-created_at")
        .values_list("note", "created_at")
        .first()
    )
    return Lockout(latest[0], latest[1] + cooloff()) if latest else None


def lockout_after_failure(request, username: str) -> Lockout | None:
    """After a failure was recorded: has it reached the limit of its address or username?"""
    since = timezone.now() - cooloff()
    address = client_address(request)
    address_limit = settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS
    if (
        address
        and address_limit
        and _failures(since).filter(client_address=address).count() >= (address_limit)
    ):
        return Lockout.starting_now(LockoutNote.ADDRESS)
    username_limit = settings.LOGIN_FAILURE_LIMIT_PER_USERNAME
    if username_limit and _failures(since).filter(object_repr=username).count() >= username_limit:
        return Lockout.starting_now(LockoutNote.USERNAME)
    return None


def refuse(request, lockout: Lockout) -> None:
    """Answer this request with the lock-out page (axes' middleware renders it through
    lockout_response)."""
    request.login_lockout = lockout
    request.axes_locked_out = True


class LoginThrottleBackend:
    """First of AUTHENTICATION_BACKENDS: refuses, before any password is checked, a login from
    a locked-out address or for a locked-out username. It never logs anybody in, and has no
    get_user, so that no session names it."""

    def authenticate(self, request, **credentials):
        username = credentials.get(get_user_model().USERNAME_FIELD)
        if request is None or username is None:
            return None
        if lockout := current_lockout(request, str(username)):
            # This attempt is recorded as one more refused one: the wait starts again.
            refuse(request, Lockout.starting_now(lockout.note))
            # Stops authenticate(), which then sends user_login_failed (recorded, counted).
            raise PermissionDenied
        return None


def lockout_response(request, original_response=None, credentials=None):
    """AXES_LOCKOUT_CALLABLE: the lock-out page for axes' lock-outs and these, saying which
    limit was reached and for how many minutes."""
    lockout = getattr(request, "login_lockout", None) or Lockout.starting_now(LockoutNote.PAIR)
    return render(
        request,
        "registration/locked_out.html",
        {"lockout": lockout, "minutes": lockout.minutes, "Note": LockoutNote},
        status=429,
    )
