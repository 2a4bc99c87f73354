"""Who may call an endpoint: a usable key (IsApiKey, the default) holding the scope the
endpoint requires (HasScope("alerts:write")). What the key then sees is the business of the
view's queryset, which starts from `visible_to(request.user)`, the key's principal."""

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from portal.api.models import ApiKey


class IsApiKey(BasePermission):
    def has_permission(self, request, view):
        return isinstance(request.auth, ApiKey)


def HasScope(*scopes: str) -> type[BasePermission]:  # noqa: N802 (used like a class)
    """A permission class: a key holding every one of `scopes`. Without a key, 401; a key
    without the scope, 403 naming it."""

    class _HasScope(IsApiKey):
        required_scopes = scopes

        def has_permission(self, request, view):
            # Formatted here, in the language of the request.
            self.message = _(
                "This API key does not have the scope this request needs: %(scopes)s."
            ) % {"scopes": ", ".join(scopes)}
            return super().has_permission(request, view) and all(
                request.auth.has_scope(scope) for scope in scopes
            )

    _HasScope.__name__ = f"HasScope({', '.join(scopes)})"
    return _HasScope
