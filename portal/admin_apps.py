from django.contrib.admin.apps import AdminConfig


class PortalAdminConfig(AdminConfig):
    """django.contrib.admin with the portal's site, behind the second factor
    (portal/admin_site.py). Its own module: INSTALLED_APPS imports it before any model."""

    default_site = "portal.admin_site.PortalAdminSite"
