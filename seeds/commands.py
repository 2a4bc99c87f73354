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


def require_debug() -> None:
    """Loading the demo creates users with a published password, a superuser among them: only
    with DEBUG on in the command's environment. A server set up to show the demo (DEMO=true,
    DEBUG off) is seeded with DEBUG=true given to that one command."""
    if not getattr(settings, "DEMO_SEEDING_ALLOWED", False):
        raise CommandError(
            "seed_demo runs only with DEBUG=true: it creates users with a published password. "
            "On a server set up to show the demo, run it as "
            "`DEBUG=true python manage.py seed_demo`."
        )
