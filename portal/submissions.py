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

A form shown anew carries a new token, and a browser shows it anew more often than not:
Back after sending fetches the page again (it varies with the cookies, which changed), with
the fields as they were typed but a new token in the hidden field, which browsers do not
restore. So the claim also keeps a fingerprint of what was sent (the fields' cleaned values,
files aside, since browsers do not restore a file input either), and the same user sending
the same form with the same content within SAME_CONTENT_WITHIN is also taken to what the
first sending created. Something made and then undone (a withdrawn invitation) is forgotten
with `submission_forget` so that it may be made again.

A request without a token (a script, not a browser showing the form) is not deduplicated."""

import hashlib
import json
import secrets
from contextlib import contextmanager
from datetime import timedelta

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.models import FormSubmission

FIELD = "submission_token"
# Tokens of forms sent longer ago are forgotten: a form is not resent after a week.
KEPT = timedelta(days=7)
# The same content sent again within this time is the same form sent twice (Back, then send):
# long enough for a user who went back to check, short enough that a deliberate repeat later
# (the same report of a new shipment, worded alike) is taken as new.
SAME_CONTENT_WITHIN = timedelta(hours=1)
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


def _plain(value):
    if isinstance(value, models.Model):
        return [value._meta.label, value.pk]
    if isinstance(value, list | tuple | models.QuerySet):
        return [_plain(item) for item in value]
    return str(value)


def _fingerprint(form: forms.BaseForm) -> str:
    """What the form sent, as a digest: its class and its fields' cleaned values, the token
    and files aside."""
    content = {
        name: _plain(value)
        for name, value in form.cleaned_data.items()
        if name != FIELD and not isinstance(form.fields.get(name), forms.FileField)
    }
    kind = f"{type(form).__module__}.{type(form).__qualname__}"
    text = json.dumps([kind, content], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def submission_forget(*, created) -> None:
    """`created` was undone: the form that made it may make it again with the same content."""
    FormSubmission.objects.filter(
        content_type=ContentType.objects.get_for_model(created), object_id=created.pk
    ).update(fingerprint="")


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
    request claimed it (committed, or committing while this one waits), or the same content
    was sent with this form lately and what it made is still there, AlreadySubmitted."""
    token = form.cleaned_data.get(FIELD) or ""
    if not token:
        yield _Submission(None)
        return
    fingerprint = _fingerprint(form)
    with transaction.atomic():
        try:
            with transaction.atomic():
                claim = FormSubmission.objects.create(
                    user=user, token=token, fingerprint=fingerprint
                )
        except IntegrityError:
            first = FormSubmission.objects.filter(user=user, token=token).first()
            raise AlreadySubmitted(first.created if first else None) from None
        earlier = (
            FormSubmission.objects.filter(
                user=user,
                fingerprint=fingerprint,
                created_at__gte=timezone.now() - SAME_CONTENT_WITHIN,
                object_id__isnull=False,
            )
            .exclude(pk=claim.pk)
            .order_by("-created_at")
            .first()
        )
        created = earlier.created if earlier else None
        if created is not None:
            # This sending's claim is rolled back with the transaction: the page shown anew
            # may be sent again and is told the same.
            raise AlreadySubmitted(created)
        FormSubmission.objects.filter(user=user, created_at__lt=timezone.now() - KEPT).delete()
        yield _Submission(claim)
