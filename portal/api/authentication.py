"""`Authorization: Bearer eepa_<prefix>_<secret>`. A request without the header is anonymous
(401 from the permission); a header that names no usable key is refused (401) and audited,
unless the client address has failed too often lately (429, nothing looked up)."""

from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication

from portal.api.keys import parse_key, secret_matches
from portal.api.models import ApiKey
from portal.http import client_address, client_ip
from portal.models import AuditEntry
from portal.ratelimit import rate_limit_hit

# The last-used time is written at most this often per key (and whenever the address changes):
# a busy machine would otherwise write the row at each request.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class KeyRejected:
    """Why a key was refused: the note of the `api.key.rejected` audit entry."""

    MALFORMED = "malformed"
    UNKNOWN = "unknown"
    WRONG_SECRET = "wrong secret"
    REVOKED = "revoked"
    EXPIRED = "expired"


class ApiKeyAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate_header(self, request):
        # Makes DRF answer 401 (not 403) to a request that has no usable key.
        return f'{self.keyword} realm="api"'

    def authenticate(self, request):
        header = request.headers.get("Authorization", "")
        if not header:
            return None
        scheme, _space, token = header.partition(" ")
        if scheme.lower() != self.keyword.lower():
            return self._refuse(request, None, header[:16], KeyRejected.MALFORMED)
        parsed = parse_key(token.strip())
        if parsed is None:
            return self._refuse(request, None, token.strip()[:17], KeyRejected.MALFORMED)
        prefix, secret = parsed
        key = (
            ApiKey.objects.select_related("principal")
            .prefetch_related("principal__groups")
            .filter(prefix=prefix)
            .first()
        )
        now = timezone.now()
        if key is None:
            return self._refuse(request, None, prefix, KeyRejected.UNKNOWN)
        if not secret_matches(secret, key.secret_hash):
            return self._refuse(request, key, prefix, KeyRejected.WRONG_SECRET)
        if key.revoked_at is not None:
            return self._refuse(request, key, prefix, KeyRejected.REVOKED)
        if key.expires_at <= now:
            return self._refuse(request, key, prefix, KeyRejected.EXPIRED)
        principal = key.principal
        # The principal stands for the key while it is usable: active for this request only
        # (stored inactive: see ApiKey). Its roles are its groups, read with it.
        principal.is_active = True
        principal._role_cache = frozenset(group.name for group in principal.groups.all())
        principal.preferred_language = None
        self._note_use(request, key, now)
        return principal, key

    def _note_use(self, request, key: ApiKey, now) -> None:
        address = client_address(request)
        if (
            key.last_used_at is None
            or now - key.last_used_at >= LAST_USED_RESOLUTION
            or key.last_used_from != address
        ):
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now, last_used_from=address)
            key.last_used_at, key.last_used_from = now, address

    def _refuse(self, request, key: ApiKey | None, shown: str, reason: str):
        retry_after = rate_limit_hit(
            scope="api-auth-failures",
            client=client_ip(request),
            limit=settings.API_AUTH_FAILURE_LIMIT,
            window=60,
        )
        if retry_after is not None:
            raise exceptions.Throttled(wait=retry_after)
        AuditEntry.objects.create(
            action="api.key.rejected",
            actor=None,
            content_type=ContentType.objects.get_for_model(ApiKey),
            object_id=str(key.pk) if key else "",
            object_repr=str(key) if key else "".join(c for c in shown if c.isprintable()),
            note=reason,
            client_address=client_address(request),
            user_agent="".join(
                c for c in request.headers.get("User-Agent", "")[:200] if c.isprintable()
            ),
        )
        raise exceptions.AuthenticationFailed(
            _("The API key is not valid: it is unknown, revoked or expired.")
        )
