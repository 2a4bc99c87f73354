"""The number of unread notifications, for the menu (settings.TEMPLATES context processors)."""

from django.utils.functional import SimpleLazyObject

from portal.models import Notification


def unread_notifications(request):
    """`unread_notifications`: loaded with the user by portal.auth.PortalBackend; otherwise
    counted if a template shows it, in one query."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"unread_notifications": 0}
    if hasattr(user, "unread_notification_count"):
        return {"unread_notifications": user.unread_notification_count}
    return {
        "unread_notifications": SimpleLazyObject(
            lambda: Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        )
    }
