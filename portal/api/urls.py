"""The API's own addresses: the schema and its documentation (included under /api/v1/ by
portal/urls.py, with each app's endpoints)."""

from django.urls import path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularSwaggerSplitView,
)

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script as a file of its own: no inline script,
    # so the portal's Content-Security-Policy holds (script-src 'self').
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]

from portal.api import views  # noqa: E402

urlpatterns += [path("key/", views.current_key, name="api-key")]
