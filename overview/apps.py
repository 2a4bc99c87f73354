from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OverviewConfig(AppConfig):
    """The pages that combine the cooperation record and the awards: where each role lands, the
    staff dashboard, and the enterprise pages with their award history and standing. The top
    layer: it may read from every app, and no app reads from it (docs/architecture.md)."""

    name = "overview"
    verbose_name = _("Overview")
