"""API keys for the API's tests, made through the real services, and a client that sends them."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from partners.models import Membership
from partners.services.api_keys import enterprise_api_key_create
from portal.api.scopes import PARTNER_SCOPES, STAFF_SCOPES
from portal.api.services import staff_api_key_create


def partner_key(partner, scopes=PARTNER_SCOPES, *, days: int = 30, name: str = "Monitoring"):
    """(key, text) for `partner`'s enterprise, made by `partner` (made a manager for it)."""
    Membership.objects.filter(user=partner).update(is_manager=True)
    partner.refresh_from_db()
    return enterprise_api_key_create(
        user=partner,
        name=name,
        scopes=list(scopes),
        expires_at=timezone.now() + timedelta(days=days),
    )


def staff_key(secretariat, scopes=STAFF_SCOPES, *, days: int = 30, name: str = "Risk analysis"):
    return staff_api_key_create(
        user=secretariat,
        name=name,
        scopes=list(scopes),
        expires_at=timezone.now() + timedelta(days=days),
    )


def api_client(text: str | None = None, **headers) -> Client:
    """A client sending the key `text` (none when None) on every request."""
    if text is not None:
        headers["Authorization"] = f"Bearer {text}"
    return Client(headers=headers)
