"""The partners app's API endpoints, under /api/v1/ (portal/urls.py)."""

from django.urls import path

from partners.api import alerts

urlpatterns = [
    path("alerts/", alerts.alerts_create, name="api-alerts"),
]
