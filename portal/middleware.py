"""Middleware of the portal: the browser features it never uses switched off, and the
signed-in user's language (the one they last picked in the portal, on any device)."""

from django.conf import settings
from django.shortcuts import render
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


def request_body_limit(max_bytes: int):
    """A view that takes bodies larger than settings.REQUEST_MAX_BYTES (a bulk import) says
    how large, with this decorator; RequestBodyLimitMiddleware reads it."""

    def decorate(view):
        view.request_body_limit = max_bytes
        return view

    return decorate


class RequestBodyLimitMiddleware:
    """A request whose body is larger than the page takes is answered 413 before anything
    reads the body: the limit is settings.REQUEST_MAX_BYTES unless the view says otherwise
    (request_body_limit), checked against the Content-Length the client declared. A body sent
    in chunks has no declared length: it is refused (411; browsers always declare the length
    of a form). Django itself never reads past the declared length, and the proxy in front
    refuses anything over its own limit first (docs/deployment.md: client_max_body_size).

    Its process_view runs before CsrfViewMiddleware's, the first thing to read a POST body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        limit = getattr(view_func, "request_body_limit", settings.REQUEST_MAX_BYTES)
        if "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            return render(request, "411.html", status=411)
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = limit + 1
        if length > limit:
            context = {"limit": limit, "size": length, "file_limit": settings.EVIDENCE_MAX_BYTES}
            return render(request, "413.html", context, status=413)
        return None


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
