"""Sending notifications, reading them, and the preferences that govern their emails."""

from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from portal.models import Notification, UserPreference
from portal.notifications.kinds import registered_kinds, render


def preference_of(user) -> UserPreference:
    """The user's preferences; the defaults (site language, every email on) until they save."""
    try:
        return UserPreference.objects.get(user=user)
    except UserPreference.DoesNotExist:
        return UserPreference(user=user)


@transaction.atomic
def notify(
    kind: str, users: Iterable, params: dict, link: str = "", key: str = ""
) -> list[Notification]:
    """Notify each of `users` (in the app) and queue one email per recipient once the
    transaction commits, unless they switched that kind's email off. With a `key`, a user
    who already has a notification of that key gets no second one (daily digests,
    reminders). `params` must hold only what every recipient may read: emails are built from
    them alone."""
    users = list({user.pk: user for user in users if user.is_active}.values())
    preferences = {p.user_id: p for p in UserPreference.objects.filter(user__in=users)}
    created = []
    for user in users:
        if key:
            notification, new = Notification.objects.get_or_create(
                recipient=user, key=key, defaults={"kind": kind, "params": params, "link": link}
            )
            if not new:
                continue
        else:
            notification = Notification.objects.create(
                recipient=user, kind=kind, params=params, link=link
            )
        created.append(notification)
        preference = preferences.get(user.pk) or UserPreference(user=user)
        if user.email and preference.wants_email(kind):
            transaction.on_commit(_queue_email(notification.pk))
    return created


def _queue_email(notification_id: int):
    def send():
        from portal.tasks import send_notification_email

        send_notification_email.delay(notification_id)

    return send


def email_send(notification_id: int) -> bool:
    """Email one notification, at most once (its row is locked and marked emailed in the same
    transaction). Returns whether an email went out. Called by the Celery task."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id, emailed_at__isnull=True)
            .first()
        )
        if notification is None:
            return False
        user = notification.recipient
        preference = preference_of(user)
        if not user.is_active or not user.email or not preference.wants_email(notification.kind):
            return False
        message = notification_email(notification, preference.language)
        message.send()
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
        return True


def notification_email(notification: Notification, language: str) -> EmailMessage:
    """The email of a notification in `language`, built from its parameters alone."""
    with translation.override(language):
        title, body = render(notification)
        context = {
            "user": notification.recipient,
            "title": title,
            "body": body,
            "link": f"{settings.PUBLIC_BASE_URL}{notification.link}" if notification.link else "",
            "preferences": settings.PUBLIC_BASE_URL + reverse("notification-preferences"),
            "language": translation.get_language(),
        }
        subject = render_to_string("emails/notification_subject.txt", context)
        text = render_to_string("emails/notification.txt", context)
    message = EmailMessage(
        subject=" ".join(subject.split()),
        body=text,
        to=[notification.recipient.email],
        headers={"Content-Language": language},
    )
    return message


def notification_mark_read(*, notification: Notification, user) -> Notification:
    """`notification` comes from Notification.objects.filter(recipient=user)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def preference_update(*, user, language: str, emails_off: list[str]) -> UserPreference:
    valid = {kind.code for kind in registered_kinds()}
    preference, _created = UserPreference.objects.select_for_update().get_or_create(user=user)
    preference.language = language
    preference.emails_off = sorted(set(emails_off) & valid)
    preference.full_clean()
    preference.save()
    return preference


def preference_language_set(*, user, language: str) -> None:
    """The language the user chose in the portal becomes the language of their emails."""
    UserPreference.objects.update_or_create(user=user, defaults={"language": language})


def users_with_role(role: str):
    return get_user_model().objects.filter(groups__name=role, is_active=True)
