"""Cooperation events through the API. A partner's system reads its enterprise's verified events
with the fields the partner's home shows (partners.selectors.PARTNER_EVENT_FIELDS), nothing
more. Customs' tools read every event their principal may see; the restricted details only with
the scope staff:restricted:read."""

import django_filters
from rest_framework import generics, serializers

from partners.models import CooperationEvent
from partners.selectors import PARTNER_EVENT_FIELDS
from portal.api.filters import ApiFilterSet
from portal.api.pagination import ApiCursorPagination
from portal.api.permissions import HasScope
from portal.api.scopes import Scope


class EventPagination(ApiCursorPagination):
    # The event list's own order, read from its index (event_newest_first).
    ordering = ("-occurred_on", "-pk")


class PartnerEventSerializer(serializers.ModelSerializer):
    event_type_label = serializers.CharField(source="get_event_type_display", read_only=True)
    significance_label = serializers.CharField(source="get_significance_display", read_only=True)

    class Meta:
        model = CooperationEvent
        fields = [
            "id",
            "event_type",
            "event_type_label",
            "occurred_on",
            "significance",
            "significance_label",
            "partner_summary",
        ]
        read_only_fields = fields


class EventFilter(ApiFilterSet):
    event_type = django_filters.MultipleChoiceFilter(choices=CooperationEvent.EventType.choices)
    occurred_from = django_filters.DateFilter(field_name="occurred_on", lookup_expr="gte")
    occurred_to = django_filters.DateFilter(field_name="occurred_on", lookup_expr="lte")

    class Meta:
        model = CooperationEvent
        fields = ["event_type", "occurred_from", "occurred_to"]


class _PartnerEvents:
    permission_classes = [HasScope(Scope.EVENTS_READ)]
    serializer_class = PartnerEventSerializer
    pagination_class = EventPagination

    def get_queryset(self):
        # A partner key's principal: its enterprise's verified events only (visible_to), and
        # only the partner-visible fields are read.
        return CooperationEvent.objects.visible_to(self.request.user).only(*PARTNER_EVENT_FIELDS)


class PartnerEventList(_PartnerEvents, generics.ListAPIView):
    """The enterprise's verified cooperation events, the most recent first. Filters:
    `event_type` (repeatable), `occurred_from`, `occurred_to` (dates, both included)."""

    filterset_class = EventFilter


class PartnerEventDetail(_PartnerEvents, generics.RetrieveAPIView):
    """One of the enterprise's verified events; 404 for any other."""


# Customs' analysis tools


STAFF_EVENT_FIELDS = [
    "id",
    "enterprise",
    "event_type",
    "occurred_on",
    "title",
    "partner_summary",
    "significance",
    "seizure_value_hkd",
    "cases",
    "arrests",
    "status",
    "submitted_at",
    "verified_at",
    "created_at",
    "updated_at",
]


class StaffEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CooperationEvent
        fields = STAFF_EVENT_FIELDS
        read_only_fields = fields


class RestrictedStaffEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = CooperationEvent
        fields = [*STAFF_EVENT_FIELDS, "restricted_details"]
        read_only_fields = fields


class StaffEventFilter(EventFilter):
    status = django_filters.MultipleChoiceFilter(choices=CooperationEvent.Status.choices)
    enterprise = django_filters.NumberFilter(field_name="enterprise_id")

    class Meta:
        model = CooperationEvent
        fields = ["event_type", "status", "enterprise", "occurred_from", "occurred_to"]


class _StaffEvents:
    permission_classes = [HasScope(Scope.STAFF_EVENTS_READ)]
    pagination_class = EventPagination

    def get_queryset(self):
        events = CooperationEvent.objects.visible_to(self.request.user)
        if not self._restricted():
            events = events.defer("restricted_details")
        return events

    def _restricted(self) -> bool:
        auth = getattr(self.request, "auth", None)
        return bool(auth) and auth.has_scope(Scope.STAFF_RESTRICTED_READ)

    def get_serializer_class(self):
        return RestrictedStaffEventSerializer if self._restricted() else StaffEventSerializer


class StaffEventList(_StaffEvents, generics.ListAPIView):
    """Every cooperation event the secretariat's pages show (no other officer's drafts), the
    most recent first; `restricted_details` only for a key with staff:restricted:read. Filters:
    `event_type`, `status` (repeatable), `enterprise` (its id), `occurred_from`, `occurred_to`."""

    filterset_class = StaffEventFilter


class StaffEventDetail(_StaffEvents, generics.RetrieveAPIView):
    """One cooperation event."""
