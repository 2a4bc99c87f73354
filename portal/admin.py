from django.contrib import admin

from portal.audit import audit
from portal.models import AuditEntry


class AuditedAdmin(admin.ModelAdmin):
    """Changes made in the admin go into the audit trail like any other change.
    Subclasses name the action prefix, e.g. "partners.enterprise"."""

    audit_action = ""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)  # the admin wraps this in a transaction
        if not change:
            audit(request.user, f"{self.audit_action}.created", obj, note="admin")
            return
        changes = {
            name: [_recorded(form.initial.get(name)), _recorded(form.cleaned_data.get(name))]
            for name in form.changed_data
        }
        if changes:
            audit(request.user, f"{self.audit_action}.updated", obj, changes, note="admin")


def _recorded(value) -> str:
    if value is None:
        return ""
    return str(getattr(value, "pk", value))


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "object_repr", "client_address"]
    list_filter = ["action"]
    search_fields = ["object_repr", "action"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
