"""The authentication backend: Django's, loading with the signed-in user, in the same query,
the number of their unread notifications (every page's menu shows it) and their saved language
(portal.middleware.UserLanguageMiddleware)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Case, Count, Exists, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from portal.models import Notification, UserPreference

# The menu counts unread notifications up to this many, and then shows "99+".
UNREAD_COUNTED = 100


class PortalBackend(ModelBackend):
    def get_user(self, user_id):
        unread = Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True)
        count = unread.values("recipient").annotate(count=Count("pk")).values("count")
        User = get_user_model()
        try:
            user = User._default_manager.annotate(
                # Counted up to UNREAD_COUNTED only (the menu then says "99+"): a user who
                # never reads them would otherwise count their whole history on every page.
                unread_notification_count=Case(
                    When(
                        Exists(unread.order_by().values("pk")[UNREAD_COUNTED - 1 :]),
                        then=Value(UNREAD_COUNTED),
                    ),
                    default=Coalesce(Subquery(count, output_field=IntegerField()), 0),
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
