from django.contrib import admin

from partners.models import CooperationEvent, Enterprise, EvidenceFile, Membership


class NoDeleteAdmin(admin.ModelAdmin):
    """Cooperation records are withdrawn, never deleted, even by administrators."""

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Enterprise)
class EnterpriseAdmin(admin.ModelAdmin):
    list_display = ["name_en", "name_zh", "br_number", "sector", "status"]
    list_filter = ["sector", "status"]
    search_fields = ["name_en", "name_zh", "br_number"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "enterprise", "is_manager", "is_active"]
    list_select_related = ["user", "enterprise"]
    autocomplete_fields = ["enterprise"]


@admin.register(CooperationEvent)
class CooperationEventAdmin(NoDeleteAdmin):
    list_display = ["title", "enterprise", "event_type", "occurred_on", "status"]
    list_filter = ["status", "event_type", "significance"]
    list_select_related = ["enterprise"]
    search_fields = ["title", "enterprise__name_en", "enterprise__br_number"]
    readonly_fields = ["status", "logged_by", "verified_by", "verified_at", "submitted_at"]


@admin.register(EvidenceFile)
class EvidenceFileAdmin(NoDeleteAdmin):
    list_display = ["original_name", "event", "kind", "size", "uploaded_at"]
    list_select_related = ["event"]
