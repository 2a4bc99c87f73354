from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        # The security log's entries, from Django's auth signals and axes' lock-out signal.
        from portal import login_audit

        login_audit.connect_axes()
