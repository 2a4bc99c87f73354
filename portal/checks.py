"""Deployment checks of our own, run by `manage.py check --deploy` beside Django's: settings
that work but that a production server must not keep."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Tags, Warning, register

PER_PROCESS_CACHES = {
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
}
UNDELIVERED_EMAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.locmem.EmailBackend",
    "django.core.mail.backends.filebased.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


@register(Tags.security, deploy=True)
def check_shared_cache(app_configs=None, **kwargs):
    backend = settings.CACHES["default"]["BACKEND"]
    if settings.DEBUG or backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            f"The cache ({backend.rsplit('.', 1)[-1]}) is kept in each worker process: every "
            "worker counts the rate limits on its own, so N workers let N times the limit through.",
            hint="Set CACHE_URL to a shared cache, e.g. rediscache://127.0.0.1:6379/1.",
            id="portal.W001",
        )
    ]


@register(Tags.security, deploy=True)
def check_public_address_is_https(app_configs=None, **kwargs):
    if urlsplit(settings.PUBLIC_BASE_URL).scheme == "https":
        return []
    return [
        Warning(
            f"PUBLIC_BASE_URL ({settings.PUBLIC_BASE_URL}) is not an https:// address: the links "
            "in emails and the certificates' QR codes would send people over plain HTTP.",
            hint="Set PUBLIC_BASE_URL to the portal's https:// address.",
            id="portal.W002",
        )
    ]


@register(Tags.security, deploy=True)
def check_email_is_delivered(app_configs=None, **kwargs):
    backend = settings.EMAIL_BACKEND
    if backend not in UNDELIVERED_EMAIL_BACKENDS:
        return []
    return [
        Warning(
            f"Email goes to {backend.rsplit('.', 2)[-2]} ({backend}), not to anyone: "
            "notifications, invitations and password resets would never arrive.",
            hint="Set EMAIL_URL to the mail server, e.g. smtp+tls://user:password@host:587.",
            id="portal.W003",
        )
    ]


@register(Tags.security, deploy=True)
def check_second_factor_is_on(app_configs=None, **kwargs):
    # STAFF_2FA comes with the two-factor login; before it, there is nothing to check.
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
