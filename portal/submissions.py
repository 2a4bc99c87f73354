"""Create forms that create one object however often they are sent (a double click, a
resent request, two tabs): the form carries a one-time token, made when it is shown; the
view claims the token in the transaction that creates the object (a row of FormSubmission,
unique per user and token). A second request with the same token waits for the first's
transaction and is then told what the first created.

    try:
        with submitted_once(form, user=request.user) as submission:
            event = submission.record(services.event_create(...))
    except AlreadySubmitted as sent:
        ...redirect to sent.created...

A request without a token (a script, not a browser showing the form) is not deduplicated."""

import secrets
from contextlib import contextmanager
from datetime import timedelta

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import FormSubmission

FIELD = "submission_token"
# Tokens of forms sent longer ago are forgotten: a form is not resent after a week.
KEPT = timedelta(days=7)
# What the second sending of a form is told, on the page of what the first one created.
ALREADY_SENT = _("This form had already been sent. It was saved once: here is what it saved.")


def _new_token() -> str:
    return secrets.token_urlsafe(24)


def submission_token_add(form: forms.BaseForm) -> None:
    """Give `form` its hidden one-time token (a new one each time an unbound form is shown;
    a form shown again with its errors keeps the token it was sent with)."""
    form.fields[FIELD] = forms.CharField(
        widget=forms.HiddenInput, initial=_new_token, max_length=64, required=False
    )
    helper = getattr(form, "helper", None)
    if helper is not None and helper.layout is not None:
        helper.layout.append(FIELD)


class AlreadySubmitted(Exception):
    """The form was sent before with this token; `created` is what it created (None if it
    has gone since)."""

    def __init__(self, created):
        super().__init__(created)
        self.created = created


class _Submission:
    def __init__(self, claim: FormSubmission | None):
        self._claim = claim

    def record(self, created):
        """Keep `created` as what the form made; returns it."""
        if self._claim is not None:
            self._claim.content_type = ContentType.objects.get_for_model(created)
            self._claim.object_id = created.pk
            self._claim.save(update_fields=["content_type", "object_id"])
        return created


@contextmanager
def submitted_once(form: forms.BaseForm, *, user):
    """The block runs in a transaction that first claims the form's token; if another
    request claimed it (committed, or committing while this one waits), AlreadySubmitted."""
    token = form.cleaned_data.get(FIELD) or ""
    if not token:
        yield _Submission(None)
        return
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = FormSubmission.objects.create(user=user, token=token)
        except IntegrityError:
            first = FormSubmission.objects.filter(user=user, token=token).first()
            raise AlreadySubmitted(first.created if first else None) from None
        FormSubmission.objects.filter(user=user, created_at__lt=timezone.now() - KEPT).delete()
        yield _Submission(claim)
