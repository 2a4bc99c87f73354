"""Request helpers shared by login throttling and rate limits."""

import ipaddress
from functools import wraps

from django.conf import settings


def client_ip(request) -> str:
    """The client's address. Behind TRUSTED_PROXY_COUNT reverse proxies it is read from
    X-Forwarded-For, counting from the right: entries further left were written by the
    client itself and could be forged."""
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def client_address(request) -> str | None:
    """client_ip() when it is an IP address (what the audit trail keeps), else None."""
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


def no_referrer(view):
    """For the pages whose address holds a secret (a password-reset or invitation link): the
    browser sends no Referer from them, so the secret reaches no log through the requests the
    page makes (its stylesheets, its scripts) or a link followed from it."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        response["Referrer-Policy"] = "no-referrer"
        return response

    return wrapper
