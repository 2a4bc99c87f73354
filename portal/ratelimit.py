"""A fixed-window rate limit per client, counted in Django's cache.

With the default local-memory cache every worker process counts on its own; set CACHE_URL to
a Redis cache in production so that all of them share one count per client."""

import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from portal.http import client_ip


def rate_limit_hit(*, scope: str, client: str, limit: int, window: int) -> int | None:
    """Count one request of `client` in `scope`. None while within `limit` requests per
    `window` seconds; beyond it, the seconds until the window ends."""
    now = int(time.time())
    start = now - now % window
    key = f"ratelimit:{scope}:{client}:{start}"
    cache.add(key, 0, timeout=window)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=window)
        count = 1
    return None if count <= limit else max(start + window - now, 1)


def rate_limit(scope: str, *, setting: str, window: int = 60):
    """At most settings.<setting> requests per client and `window` seconds, counted together
    for every view decorated with the same `scope`; beyond, a 429 page with Retry-After."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            retry_after = rate_limit_hit(
                scope=scope,
                client=client_ip(request),
                limit=getattr(settings, setting),
                window=window,
            )
            if retry_after is not None:
                response = render(request, "429.html", status=429)
                response["Retry-After"] = str(retry_after)
                return response
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
