"""The awards app's API endpoints, under /api/v1/ (portal/urls.py)."""

from django.urls import path

from awards.api import partner, staff

urlpatterns = [
    # A partner's system reads back its standing and certificates (docs/api.md).
    path("standing/", partner.Standing.as_view(), name="api-standing"),
    path("certificates/", partner.CertificateList.as_view(), name="api-certificates"),
    path("certificates/<int:pk>/", partner.CertificateDetail.as_view(), name="api-certificate"),
    # Customs' analysis tools (staff keys).
    path("staff/cycles/", staff.CycleList.as_view(), name="api-staff-cycles"),
    path("staff/cycles/<int:year>/", staff.CycleDetail.as_view(), name="api-staff-cycle"),
    path("staff/cycles/<int:year>/ranking/", staff.Ranking.as_view(), name="api-staff-ranking"),
]
