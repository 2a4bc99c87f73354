"""The authentication backend: Django's, loading with the signed-in user, in the same query,
the number of their unread notifications (every page's menu shows it) and their saved language
(portal.middleware.UserLanguageMiddleware)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce

from portal.models import Notification, UserPreference


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        unread = (
            Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
            .values("recipient")
            .annotate(count=Count("pk"))
            .values("count")
        )
        User = get_user_model()
        try:
            user = User._default_manager.annotate(
                unread_notification_count=Coalesce(
                    Subquery(unread, output_field=IntegerField()), 0
                ),
                preferred_language=Subquery(
                    UserPreference.objects.filter(user=OuterRef("pk")).values("language")[:1]
                ),
            ).get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


def person_name(user) -> str:
    """A user as people know them: the full name, or the username when there is none (the
    `person` template filter)."""
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()
