"""What an API key may do. A partner key holds partner scopes only and sees what its
enterprise's users see; a staff key (a service account made by the secretariat) holds staff
scopes only. Endpoints require one with `portal.api.permissions.HasScope`."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Scope(models.TextChoices):
    # Partner keys: a partner enterprise's monitoring system.
    ALERTS_WRITE = "alerts:write", _("Send shipment alerts")
    REPORTS_READ = "reports:read", _("Read our alerts and reports and their status")
    EVENTS_READ = "events:read", _("Read our verified cooperation events")
    STANDING_READ = "standing:read", _("Read our standing")
    CERTIFICATES_READ = "certificates:read", _("Read our certificates")
    WEBHOOKS_MANAGE = "webhooks:manage", _("Manage our webhook endpoints")
    # Staff keys: customs' own analysis tools.
    STAFF_EVENTS_READ = "staff:events:read", _("Read cooperation events (staff)")
    STAFF_ENTERPRISES_READ = "staff:enterprises:read", _("Read the enterprise registry (staff)")
    STAFF_CYCLES_READ = "staff:cycles:read", _("Read award cycles and rankings (staff)")
    STAFF_RESTRICTED_READ = (
        "staff:restricted:read",
        _("Read restricted details: case references and customs' notes (staff)"),
    )
    STAFF_MANIFESTS_WRITE = "staff:manifests:write", _("Import shipping manifests (staff)")


PARTNER_SCOPES = tuple(scope for scope in Scope if not scope.startswith("staff:"))
STAFF_SCOPES = tuple(scope for scope in Scope if scope.startswith("staff:"))


def scope_choices(scopes) -> list[tuple[str, str]]:
    return [(scope.value, scope.label) for scope in scopes]
