"""The awards app's API endpoints, under /api/v1/ (portal/urls.py)."""

urlpatterns = []
