"""The second step of an irreversible action: a POST without `confirmed=1` changes nothing and
answers with a page that says what will happen and to what ("Publish the 2025 results: 18
awardees will be notified"), and a form that sends the same fields again with confirmed=1.
Plain HTML: it works without JavaScript, with the keyboard and with a screen reader.

    if needs_confirmation(request, rules.may_withdraw_event(request.user, event)):
        return ask_confirmation(
            request,
            title=_("Withdraw the event?"),
            summary=_("...what will happen, with the numbers..."),
            button=_("Withdraw the event"),
            cancel_url=event.get_absolute_url(),
        )
    ...the service call, as before...

Validate the form first, so that the page asks only for what can be done; the rule is asked
before the page, so that whoever may not act still gets the 403 (docs/accessibility.md)."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from portal.rules import ALLOWED, Verdict

CONFIRMED = "confirmed"
# Sent again as they came, except these: the CSRF token is the page's own, `confirmed` is added.
_NOT_CARRIED = {"csrfmiddlewaretoken", CONFIRMED}


def is_confirmed(request) -> bool:
    return request.POST.get(CONFIRMED) == "1"


def needs_confirmation(request, verdict: Verdict = ALLOWED) -> bool:
    """True when the view must ask first: the POST is not confirmed and `verdict` allows the
    action. A verdict refusing the person is a 403 here, before any question; one refusing the
    moment (the state, a deadline) lets the service answer why, as it did before."""
    if is_confirmed(request):
        return False
    if not verdict:
        if verdict.not_now:
            return False
        raise PermissionDenied(verdict.reason)
    return True


@dataclass
class Confirmation:
    title: str
    summary: str
    button: str
    cancel_url: str
    details: Iterable[str] = ()
    warning: str = ""
    action: str = ""
    fields: list[tuple[str, str]] = field(default_factory=list)


def ask_confirmation(
    request,
    *,
    title: str,
    summary: str,
    button: str,
    cancel_url: str,
    details: Iterable[str] = (),
    warning: str = "",
) -> HttpResponse:
    """The confirmation page for the POST being answered: `title` and `summary` say what will
    happen and to what, `details` list it, `warning` what cannot be undone; its form posts the
    same fields to the same address with confirmed=1."""
    confirmation = Confirmation(
        title=title,
        summary=summary,
        button=button,
        cancel_url=cancel_url,
        details=list(details),
        warning=warning,
        action=request.get_full_path(),
        fields=[
            (name, value)
            for name in request.POST
            if name not in _NOT_CARRIED
            for value in request.POST.getlist(name)
        ],
    )
    return render(request, "portal/confirm.html", {"confirmation": confirmation})
