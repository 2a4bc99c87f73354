"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's: settings
that work but that a production server must not keep."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def check_second_factor_is_on(app_configs=None, **kwargs):
    if getattr(settings, "STAFF_2FA", None) != "off":
        return []
    return [
        Warning(
            "STAFF_2FA is off: nobody, staff and administrators included, is asked for a "
            "second factor at login.",
            hint="Unset STAFF_2FA (required by default) or set it to required.",
            id="portal.W004",
        )
    ]
