"""At most API_RATE_LIMIT requests per minute per key (portal.ratelimit's sliding window, so
that every worker shares one count when the cache is Redis); beyond, 429 with Retry-After."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle

from portal.api.models import ApiKey
from portal.ratelimit import rate_limit_hit


class ApiKeyRateThrottle(BaseThrottle):
    window = 60

    def allow_request(self, request, view):
        if not isinstance(request.auth, ApiKey):
            return True  # refused by the permission anyway; failures have their own limit
        self.retry_after = rate_limit_hit(
            scope="api",
            client=request.auth.prefix,
            limit=settings.API_RATE_LIMIT,
            window=self.window,
        )
        return self.retry_after is None

    def wait(self):
        return self.retry_after
