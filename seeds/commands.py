"""What every demo command starts with."""

from django.conf import settings
from django.core.management.base import CommandError


def require_demo() -> None:
    """The demo's commands run only where the demo is enabled (DEBUG or DEMO=true, read from
    the environment when the settings load): they create users with a published password."""
    if not getattr(settings, "DEMO_ENABLED", False):
        raise CommandError(
            "The demo is not enabled here: its commands run only with DEBUG=true or DEMO=true."
        )
