"""Middleware of the portal: the browser features it never uses switched off, and the
signed-in user's language (the one they last picked in the portal, on any device)."""

from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """After authentication: a request without a language cookie (a new browser, a cleared
    one) is served in the user's saved language, which the response then keeps in the cookie.
    With a cookie, the cookie wins: switching the language saves both (portal.views)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Loaded with the user by portal.auth.PortalBackend: no query of its own.
        language = getattr(request.user, "preferred_language", None)
        remember = language and settings.LANGUAGE_COOKIE_NAME not in request.COOKIES
        if remember:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if remember:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                language,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                domain=settings.LANGUAGE_COOKIE_DOMAIN,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


# Browser features no page of the portal uses, refused to every page and to anything it embeds,
# so that an injected script or frame cannot reach the camera, the location, a payment sheet...
# Only features Chromium knows: an unknown one is reported as an error in the console.
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "bluetooth",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "idle-detection",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)


class PermissionsPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
