"""What each user may see. Every view's queryset starts from one of these `visible_to`."""

from django.db import models
from django.utils import timezone

from partners.statuses import OPEN_REPORT_STATUSES, EventStatus
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

    def people(self) -> "MembershipQuerySet":
        """Without the members that stand for API keys (portal.api.models.ApiKey): they are
        nobody's colleague, and are managed on the API keys page."""
        return self.filter(user__api_key__isnull=True)


class CooperationEventQuerySet(NeverDeletedQuerySet):
    def visible_to(self, user) -> "CooperationEventQuerySet":
        """Staff see every event but other people's drafts; a partner sees only its own
        enterprise's verified events (and views never show it the restricted details)."""
        if is_staff_member(user):
            return self.exclude(models.Q(status=EventStatus.DRAFT) & ~models.Q(logged_by=user))
        if has_role(user, Role.PARTNER):
            return self.filter(
                status=EventStatus.VERIFIED,
                enterprise__memberships__user=user,
                enterprise__memberships__is_active=True,
            )
        return self.none()

    def verified(self) -> "CooperationEventQuerySet":
        return self.filter(status=EventStatus.VERIFIED)

    def verified_in_window(self, start, end) -> "CooperationEventQuerySet":
        return self.filter(verified_in_window(start, end))


def verified_in_window(start, end, events: str = "") -> models.Q:
    """The events (reached through the `events` path prefix) that count for an assessment
    window: verified, occurred between `start` and `end`, both days included."""
    return models.Q(
        **{
            f"{events}status": EventStatus.VERIFIED,
            f"{events}occurred_on__gte": start,
            f"{events}occurred_on__lte": end,
        }
    )


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


class PartnerReportQuerySet(NeverDeletedQuerySet):
    def visible_to(self, user) -> "PartnerReportQuerySet":
        """Customs staff see every report; a partner only its own enterprise's (and views
        never show it the internal notes or who handled the report)."""
        if is_staff_member(user):
            return self.all()
        if has_role(user, Role.PARTNER):
            return self.filter(
                enterprise__memberships__user=user, enterprise__memberships__is_active=True
            )
        return self.none()

    def triage_order(self) -> "PartnerReportQuerySet":
        """Reports still waiting for customs (received, under review) first, those that match
        a manifest first among them, oldest first."""
        waiting = models.Case(
            models.When(status__in=OPEN_REPORT_STATUSES, then=0),
            default=1,
            output_field=models.IntegerField(),
        )
        unmatched = models.Case(
            models.When(matched_at__isnull=False, then=0),
            default=1,
            output_field=models.IntegerField(),
        )
        return self.alias(waiting=waiting, unmatched=unmatched).order_by(
            "waiting", "unmatched", "created_at", "pk"
        )


class ReportNoteQuerySet(NeverDeletedQuerySet):
    def visible_to(self, user) -> "ReportNoteQuerySet":
        """Officers' internal notes: customs staff only, never the partner."""
        return self if is_staff_member(user) else self.none()


class ReportAttachmentQuerySet(NeverDeletedQuerySet):
    def visible_to(self, user) -> "ReportAttachmentQuerySet":
        """The files of the reports the user may see: staff all, a partner its own."""
        report_model = self.model._meta.get_field("report").related_model
        return self.filter(report__in=report_model.objects.visible_to(user))


class StaffOnlyQuerySet(NeverDeletedQuerySet):
    def visible_to(self, user) -> "StaffOnlyQuerySet":
        """Customs intelligence (manifests, their lines and matches): customs staff only,
        never a partner nor the panel."""
        return self if is_staff_member(user) else self.none()


class InvitationQuerySet(models.QuerySet):
    def pending(self, now=None) -> "InvitationQuerySet":
        """Neither accepted, revoked nor expired."""
        return self.filter(
            accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now or timezone.now()
        )
