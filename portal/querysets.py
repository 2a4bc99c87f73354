from django.contrib.contenttypes.models import ContentType
from django.db import models

from portal.audit_labels import AUTH_PREFIX
from portal.roles import is_staff_member


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AuditEntryQuerySet":
        """The audit trail is for customs staff only."""
        return self if is_staff_member(user) else self.none()

    def for_object(self, obj) -> "AuditEntryQuerySet":
        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(content_type=content_type, object_id=str(obj.pk))

    def security_log(self) -> "AuditEntryQuerySet":
        """Entries about signing in and accounts, newest first (the index
        audit_auth_newest_first serves this order)."""
        return self.filter(action__startswith=AUTH_PREFIX).order_by("-created_at", "-id")
