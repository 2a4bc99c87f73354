"""A sliding-window rate limit per client, counted in Django's cache.

The window is cut into SLICES short slices, each counted with the cache's atomic increment.
A request is served if the requests served in the slices that overlap the last `window`
seconds, itself included, are at most `limit`. The oldest of those slices lies partly before
the window and is counted whole, so the limit holds over every stretch of `window` seconds,
boundaries included (a fixed window let twice the limit through across one); the price is that
a client may wait up to one slice (a tenth of the window) longer than a perfect log would ask.

With the default local-memory cache every worker process counts on its own; set CACHE_URL to
a Redis cache in production so that all of them share one count per client (check --deploy
warns otherwise)."""

import math
import time
from contextlib import suppress
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render

from portal.http import client_ip

SLICES = 10


def rate_limit_hit(
    *, scope: str, client: str, limit: int, window: int, now: float | None = None
) -> int | None:
    """Count one request of `client` in `scope` at `now` (default: the current time). None
    while within `limit` requests in any `window` seconds; beyond it, the request is not counted
    and the answer is the seconds until one would be served."""
    now = time.time() if now is None else now
    size = max(window / SLICES, 1)
    current = math.floor(now / size)
    span = math.ceil(window / size)  # slices back to the one holding now - window
    prefix = f"ratelimit:{scope}:{client}:{window}:"
    key = f"{prefix}{current}"
    timeout = math.ceil(window + 2 * size)
    cache.add(key, 0, timeout=timeout)
    try:
        cache.incr(key)
    except ValueError:  # the key expired between add() and incr()
        cache.set(key, 1, timeout=timeout)
    slices = range(current - span, current + 1)
    counted = cache.get_many([f"{prefix}{index}" for index in slices])
    counts = [counted.get(f"{prefix}{index}", 0) for index in slices]
    if sum(counts) <= limit:
        return None
    with suppress(ValueError):  # expired meanwhile: nothing to take back
        cache.decr(key)  # a refused request does not take a place
    counts[-1] -= 1
    # The first slice at which the slices still counted hold fewer than `limit` requests.
    served, dropped = sum(counts), 0
    while served >= limit and dropped < len(counts):
        served -= counts[dropped]
        dropped += 1
    frees_at = (current + dropped) * size
    return max(math.ceil(frees_at - now), 1)


def rate_limit(scope: str, *, setting: str, window: int = 60):
    """At most settings.<setting> requests per client within any `window` seconds, counted
    together for every view decorated with the same `scope`; beyond, a 429 page with
    Retry-After."""

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
