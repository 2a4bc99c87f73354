"""A partner's system reads back its enterprise's reports and alerts (alerts are reports sent by
a system), with the status partners see on the web. Never the officers' notes, who handled a
report, nor whether it matched a manifest."""

import django_filters
from rest_framework import generics, serializers

from partners.models import PartnerReport
from portal.api.filters import ApiFilterSet
from portal.api.permissions import HasScope
from portal.api.scopes import Scope

# What the partner's report page shows (templates/partners/reports/partner_detail.html), and
# what its system sent.
PARTNER_REPORT_FIELDS = [
    "id",
    "acknowledgement_number",
    "status",
    "status_label",
    "source",
    "category",
    "description",
    "shipment_references",
    "system_name",
    "concern",
    "bill_of_lading",
    "vessel_or_flight",
    "voyage",
    "port",
    "observed_at",
    "created_at",
]


class PartnerReportSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    # Blank for a report from the web form, which asks none of it.
    concern = serializers.ChoiceField(
        choices=PartnerReport.Concern.choices, allow_blank=True, read_only=True
    )

    class Meta:
        model = PartnerReport
        fields = PARTNER_REPORT_FIELDS
        read_only_fields = fields


class PartnerReportFilter(ApiFilterSet):
    status = django_filters.MultipleChoiceFilter(choices=PartnerReport.Status.choices)
    source = django_filters.ChoiceFilter(choices=PartnerReport.Source.choices)
    sent_from = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte")
    sent_to = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte")

    class Meta:
        model = PartnerReport
        fields = ["status", "source", "sent_from", "sent_to"]


class _OwnReports:
    permission_classes = [HasScope(Scope.REPORTS_READ)]
    serializer_class = PartnerReportSerializer

    def get_queryset(self):
        # visible_to: a partner key's principal sees its own enterprise's reports only.
        return PartnerReport.objects.visible_to(self.request.user).only(
            *(name for name in PARTNER_REPORT_FIELDS if name != "status_label")
        )


class PartnerReportList(_OwnReports, generics.ListAPIView):
    """The enterprise's reports and alerts, newest first. Filters: `status` (repeatable:
    received, under_review, acted_on, closed), `source` (web, system), `sent_from` and
    `sent_to` (dates, both included)."""

    filterset_class = PartnerReportFilter


class PartnerReportDetail(_OwnReports, generics.RetrieveAPIView):
    """One of the enterprise's reports or alerts; 404 for any other."""
