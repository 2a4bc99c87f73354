"""The register of notification kinds. The core knows none of them: each app registers its own
(partners/notifications.py, awards/notifications.py, imported by the app's `ready()`), with who
can receive it and how it reads.

A notification is rendered from its stored parameters when shown, so that the same notification
reads in English or Chinese depending on who reads it and where (the page in the UI language,
the email in the recipient's)."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import TextChoices
from django.utils.formats import date_format

from portal.i18n import in_active_language
from portal.roles import has_role

Renderer = Callable[[dict], tuple[str, str]]


@dataclass(frozen=True)
class NotificationKind:
    code: str
    label: str  # lazy: what the preferences page says of it ("A certificate is issued")
    roles: tuple[str, ...]  # who can receive it: the preferences page offers it only to them
    render: Renderer  # params -> (title, body) in the active language


_KINDS: dict[str, NotificationKind] = {}


def notification_kind(kind: TextChoices, *, roles: tuple[str, ...]):
    """Register the decorated renderer as how `kind` (a member of an app's TextChoices) reads,
    for users of `roles`."""

    def register(render: Renderer) -> Renderer:
        if kind.value in _KINDS:
            raise ValueError(f"Notification kind {kind.value!r} is registered twice.")
        _KINDS[kind.value] = NotificationKind(kind.value, kind.label, tuple(roles), render)
        return render

    return register


def registered_kinds() -> list[NotificationKind]:
    """Every kind, in the order the apps registered them (the order of INSTALLED_APPS)."""
    return list(_KINDS.values())


def kind_choices() -> list[tuple[str, str]]:
    """The choices of Notification.kind."""
    return [(kind.code, kind.label) for kind in _KINDS.values()]


def kinds_for(user) -> list[NotificationKind]:
    return [kind for kind in _KINDS.values() if has_role(user, *kind.roles)]


def render(notification) -> tuple[str, str]:
    """(title, body) of a Notification in the active language."""
    return _KINDS[notification.kind].render(notification.params)


# Helpers for the renderers: parameters are JSON, so dates are stored ISO.


def readable_date(value: str) -> str:
    """An ISO date parameter written as the reader's language writes dates."""
    try:
        return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):  # none recorded
        return value or ""


def enterprise_name(params: dict) -> str:
    """The enterprise's name in the reader's language (notifications made before the Chinese
    name was stored have only the English one)."""
    return in_active_language(params["enterprise"], params.get("enterprise_zh", ""))
