from django.contrib import admin

from partners.models import CooperationEvent, Enterprise, EvidenceFile, Invitation, Membership
from portal.admin import AuditedAdmin


class ReadOnlyRecordAdmin(admin.ModelAdmin):
    """Cooperation records change only through the portal's workflow, which checks four eyes
    and writes the audit trail; administrators can look, not add, edit or delete."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(AuditedAdmin):
    audit_action = "partners.enterprise"
    list_display = ["name_en", "name_zh", "br_number", "sector", "status"]
    list_filter = ["sector", "status"]
    search_fields = ["name_en", "name_zh", "br_number"]


@admin.register(Membership)
class MembershipAdmin(AuditedAdmin):
    audit_action = "partners.membership"
    list_display = ["user", "enterprise", "is_manager", "is_active"]
    list_select_related = ["user", "enterprise"]
    autocomplete_fields = ["enterprise"]


@admin.register(CooperationEvent)
class CooperationEventAdmin(ReadOnlyRecordAdmin):
    list_display = ["title", "enterprise", "event_type", "occurred_on", "status"]
    list_filter = ["status", "event_type", "significance"]
    list_select_related = ["enterprise"]
    search_fields = ["title", "enterprise__name_en", "enterprise__br_number"]
    readonly_fields = ["status", "logged_by", "verified_by", "verified_at", "submitted_at"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(ReadOnlyRecordAdmin):
    list_display = ["original_name", "event", "kind", "size", "uploaded_at"]
    list_select_related = ["event"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyRecordAdmin):
    """Invitations are sent and withdrawn by the enterprises' managers in the portal."""

    list_display = ["email", "enterprise", "invited_by", "created_at", "expires_at"]
    list_select_related = ["enterprise", "invited_by"]
    search_fields = ["email", "enterprise__name_en"]
    exclude = ["token_hash"]
