from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext as _

from awards.models import (
    Assignment,
    Cycle,
    EventTypeRule,
    Nomination,
    NominationResult,
    PanelCriterion,
    Review,
    ReviewScore,
)
from awards.services.cycles import SCORING_FIELDS, criteria_text, rules_text
from awards.services.cycles import scoring_settings_locked as locked
from partners.admin import ReadOnlyRecordAdmin
from portal.admin import AuditedAdmin
from portal.audit import audit


class ScoringSettingsInline(admin.TabularInline):
    """Rules and criteria can change until the panel review starts: the scores depend on them."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return obj is not None and not locked(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return obj is not None and not locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return obj is not None and not locked(obj) and super().has_delete_permission(request, obj)


class EventTypeRuleInline(ScoringSettingsInline):
    # Every cycle has one rule per event type, set when it is created: only their values change.
    model = EventTypeRule
    fields = ["event_type", "points", "cap"]
    readonly_fields = ["event_type"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AtLeastOneCriterion(BaseInlineFormSet):
    def clean(self):
        super().clean()
        kept = [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]
        if not kept:
            raise ValidationError(_("A cycle needs at least one panel criterion."))


class PanelCriterionInline(ScoringSettingsInline):
    model = PanelCriterion
    formset = AtLeastOneCriterion
    fields = ["position", "name_en", "name_zh", "description_en", "description_zh", "weight"]


@admin.register(Cycle)
class CycleAdmin(AuditedAdmin):
    """Cycles are created on the portal's Award cycles page (which gives them their rules) and
    change status only there and on the decisions page; the admin edits the settings of a
    cycle that is not finalised, with the same rules as the portal."""

    audit_action = "awards.cycle"
    list_display = ["year", "title_en", "status", "window_start", "window_end", "awards_planned"]
    list_filter = ["status"]
    search_fields = ["title_en", "title_zh", "year"]
    readonly_fields = [
        "status",
        "finalised_at",
        "finalised_by",
        "published_at",
        "published_by",
        "created_at",
    ]
    inlines = [EventTypeRuleInline, PanelCriterionInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj and obj.is_frozen)

    def has_delete_permission(self, request, obj=None):
        # A draft only; a cycle with nominations is protected by the database anyway.
        return super().has_delete_permission(request, obj) and (
            obj is None or obj.status == Cycle.Status.DRAFT
        )

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields + SCORING_FIELDS if obj is not None and locked(obj) else fields

    def save_related(self, request, form, formsets, change):
        cycle = form.instance
        # Recorded as the portal's settings page records them (awards.services.cycles).
        before = {"event rules": rules_text(cycle), "panel criteria": criteria_text(cycle)}
        super().save_related(request, form, formsets, change)
        after = {"event rules": rules_text(cycle), "panel criteria": criteria_text(cycle)}
        changes = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        if changes:
            audit(request.user, "awards.cycle.updated", cycle, changes, note="admin")


class ReviewScoreInline(admin.TabularInline):
    model = ReviewScore
    fields = ["criterion", "score"]
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# Nominations, the panel's work and the frozen results change only through the portal's
# workflow (withdrawal reasons, conflict declarations, finalisation), which audits every step.


@admin.register(Nomination)
class NominationAdmin(ReadOnlyRecordAdmin):
    list_display = ["enterprise", "cycle", "status", "awarded"]
    list_filter = ["cycle", "status", "awarded"]
    list_select_related = ["enterprise", "cycle"]
    search_fields = ["enterprise__name_en", "enterprise__br_number"]


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyRecordAdmin):
    list_display = ["member", "nomination", "declaration", "declared_at"]
    list_filter = ["nomination__cycle", "declaration"]
    list_select_related = ["member", "nomination__enterprise", "nomination__cycle"]


@admin.register(Review)
class ReviewAdmin(ReadOnlyRecordAdmin):
    list_display = ["assignment", "status", "submitted_at"]
    list_filter = ["assignment__nomination__cycle", "status"]
    list_select_related = [
        "assignment__member",
        "assignment__nomination__enterprise",
        "assignment__nomination__cycle",
    ]
    inlines = [ReviewScoreInline]


@admin.register(NominationResult)
class NominationResultAdmin(ReadOnlyRecordAdmin):
    list_display = ["nomination", "rank", "final_score", "awarded", "streak"]
    list_filter = ["nomination__cycle", "awarded"]
    list_select_related = ["nomination__enterprise", "nomination__cycle"]
