from django.db import models

from portal.roles import Role, has_role


def _managed_by(user, prefix: str = "") -> models.Q:
    """The rows of the enterprise `user` is an active manager of (a partner user belongs to
    one enterprise: Membership is one to one with the user)."""
    return models.Q(
        **{
            f"{prefix}enterprise__memberships__user": user,
            f"{prefix}enterprise__memberships__is_active": True,
            f"{prefix}enterprise__memberships__is_manager": True,
        }
    )


class EndpointQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The endpoints of the enterprise the user manages; nobody else's."""
        if not has_role(user, Role.PARTNER):
            return self.none()
        return self.filter(_managed_by(user))


class DeliveryQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not has_role(user, Role.PARTNER):
            return self.none()
        return self.filter(_managed_by(user, "endpoint__"))
