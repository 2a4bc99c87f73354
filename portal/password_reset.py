"""Password reset by email (Django's views, portal/views.py): the request, audited and
rate-limited, answers the same whether or not an account has the address, and the email goes
out from the Celery worker after the commit, in the user's own language."""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordResetForm
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.audit_labels import AuthEvent, ResetNote
from portal.login_audit import audit_auth
from portal.notifications.services import preference_of
from portal.ratelimit import rate_limit_hit

HOUR = 3600


@transaction.atomic
def password_reset_request(*, request, email: str) -> None:
    """Queue a reset email to every active account with `email` (at most
    PASSWORD_RESET_EMAIL_RATE_LIMIT an hour per address), and audit the request either way.
    Nothing the caller can see depends on whether an account exists: the email is sent by the
    worker after the commit, never while the request waits."""
    users = list(PasswordResetForm().get_users(email))
    # Counted for every address asked about, with an account or not: a refusal tells nothing.
    limited = (
        rate_limit_hit(
            scope="password-reset-email",
            client=hashlib.sha256(email.strip().casefold().encode()).hexdigest(),
            limit=settings.PASSWORD_RESET_EMAIL_RATE_LIMIT,
            window=HOUR,
        )
        is not None
    )
    if not users:
        audit_auth(request, AuthEvent.RESET_REQUESTED, username=email, note=ResetNote.NO_ACCOUNT)
        return
    for user in users:
        audit_auth(
            request,
            AuthEvent.RESET_REQUESTED,
            user=user,
            note=ResetNote.RATE_LIMITED if limited else "",
        )
        if not limited:
            transaction.on_commit(_queue_email(user.pk))


def _queue_email(user_id: int):
    def send():
        from portal.tasks import send_password_reset_email

        send_password_reset_email.delay(user_id)

    return send


def reset_link(user) -> str:
    """A link that lets its holder set `user`'s password once, within PASSWORD_RESET_TIMEOUT
    (it stops working when the password or the last login changes)."""
    path = reverse(
        "password_reset_confirm",
        args=[
            urlsafe_base64_encode(force_bytes(user.pk)),
            default_token_generator.make_token(user),
        ],
    )
    return settings.PUBLIC_BASE_URL + path


def password_reset_email(user) -> EmailMessage:
    """The reset email of `user`, in the language of their emails (their saved preference)."""
    language = preference_of(user).language
    with translation.override(language):
        context = {
            "user": user,
            "username": user.get_username(),
            "link": reset_link(user),
            "minutes": settings.PASSWORD_RESET_TIMEOUT // 60,
        }
        subject = render_to_string("emails/password_reset_subject.txt", context)
        body = render_to_string("emails/password_reset_body.txt", context)
    return EmailMessage(
        subject=" ".join(subject.split()),
        body=body,
        to=[user.email],
        headers={"Content-Language": language},
    )


def password_reset_email_send(user_id: int) -> bool:
    """Called by the Celery task: the account is read again (it may have been deactivated
    since), and the token is made here, so it never travels through the broker."""
    user = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    password_reset_email(user).send()
    return True
