"""The partners app's API endpoints, under /api/v1/ (portal/urls.py)."""

from django.urls import path

from partners.api import alerts, enterprises, events, reports

urlpatterns = [
    path("alerts/", alerts.alerts_create, name="api-alerts"),
    # A partner's system reads back its own (docs/api.md, "Reading back").
    path("reports/", reports.PartnerReportList.as_view(), name="api-reports"),
    path("reports/<int:pk>/", reports.PartnerReportDetail.as_view(), name="api-report"),
    path("events/", events.PartnerEventList.as_view(), name="api-events"),
    path("events/<int:pk>/", events.PartnerEventDetail.as_view(), name="api-event"),
    # Customs' analysis tools (staff keys).
    path("staff/events/", events.StaffEventList.as_view(), name="api-staff-events"),
    path("staff/events/<int:pk>/", events.StaffEventDetail.as_view(), name="api-staff-event"),
    path(
        "staff/enterprises/",
        enterprises.StaffEnterpriseList.as_view(),
        name="api-staff-enterprises",
    ),
    path(
        "staff/enterprises/<int:pk>/",
        enterprises.StaffEnterpriseDetail.as_view(),
        name="api-staff-enterprise",
    ),
]
