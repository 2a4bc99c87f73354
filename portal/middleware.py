"""The signed-in user's language: the one they last picked in the portal, on any device."""

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
