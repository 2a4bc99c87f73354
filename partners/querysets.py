"""What each user may see. Every view's queryset starts from one of these `visible_to`."""

from django.db import models

from portal.roles import Role, has_role, is_staff_member


class NeverDeletedQuerySet(models.QuerySet):
    def delete(self):
        raise PermissionError("Cooperation records are never deleted; withdraw them instead.")


class EnterpriseQuerySet(models.QuerySet):
    def visible_to(self, user) -> "EnterpriseQuerySet":
        """Staff see the registry; a partner sees only its own enterprise. The panel sees
        nominees through their dossiers (award cycles), not the registry."""
        if is_staff_member(user):
            return self.all()
        if has_role(user, Role.PARTNER):
            return self.filter(memberships__user=user, memberships__is_active=True)
        return self.none()


class MembershipQuerySet(models.QuerySet):
    def active(self) -> "MembershipQuerySet":
        return self.filter(is_active=True, user__is_active=True)


class CooperationEventQuerySet(NeverDeletedQuerySet):
    def visible_to(self, user) -> "CooperationEventQuerySet":
        """Staff see every event but other people's drafts; a partner sees only its own
        enterprise's verified events (and views never show it the restricted details)."""
        if is_staff_member(user):
            return self.exclude(models.Q(status="draft") & ~models.Q(logged_by=user))
        if has_role(user, Role.PARTNER):
            return self.filter(
                status="verified",
                enterprise__memberships__user=user,
                enterprise__memberships__is_active=True,
            )
        return self.none()

    def verified(self) -> "CooperationEventQuerySet":
        return self.filter(status="verified")


class EvidenceFileQuerySet(NeverDeletedQuerySet):
    def visible_to(self, user) -> "EvidenceFileQuerySet":
        """Evidence may hold case material: customs staff only, for events they can see."""
        if not is_staff_member(user):
            return self.none()
        event_model = self.model._meta.get_field("event").related_model
        return self.filter(event__in=event_model.objects.visible_to(user))


class EnforcementFlagQuerySet(NeverDeletedQuerySet):
    def visible_to(self, user) -> "EnforcementFlagQuerySet":
        """Enforcement concerns are for customs staff only: never the partner, nor the panel."""
        return self if is_staff_member(user) else self.none()
