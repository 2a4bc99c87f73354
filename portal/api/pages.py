"""The API keys pages' shared steps, for a partner enterprise's keys (partners/views/api_keys.py)
and the secretariat's service accounts (portal.api.views_staff): the list, the form, and the
page that shows a new key once."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.api.forms import ApiKeyForm
from portal.submissions import ALREADY_SENT, AlreadySubmitted, submitted_once


def key_list_page(request, *, keys, context: dict):
    return render(request, "portal/api_keys/list.html", {"keys": keys, **context})


def key_create_page(request, *, scopes, create, list_url: str, context: dict):
    """The form; once sent, the page showing the key, once: only its hash is kept, and the
    response may not be stored by a browser or a proxy. `create(name, scopes, expires_at)`
    calls the owner's service and returns (key, text)."""
    form = ApiKeyForm(request.POST or None, scopes=scopes)
    if form.is_valid():
        try:
            with submitted_once(form, user=request.user) as submission:
                key, text = create(
                    name=form.cleaned_data["name"],
                    scopes=form.cleaned_data["scopes"],
                    expires_at=form.expires_at(),
                )
                submission.record(key)
        except AlreadySubmitted:
            # The key was made by the first sending; its text cannot be shown again.
            messages.info(request, ALREADY_SENT)
            return redirect(list_url)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            response = render(
                request,
                "portal/api_keys/created.html",
                {"key": key, "text": text, "list_url": list_url, **context},
            )
            response["Cache-Control"] = "no-store"
            return response
    return render(request, "portal/api_keys/form.html", {"form": form, **context})


def key_revoked(request, outcome, list_url: str):
    """Back to the list; the refusal, if any, was reported by portal.shortcuts.refusal_reported."""
    if outcome.ok:
        messages.success(request, _("The key is revoked: it no longer works."))
    return redirect(list_url)
