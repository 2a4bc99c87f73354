"""The demo's API key: partner1's monitoring system, with every partner scope. Its text is
published like the demo password (demo_logins prints it), so that the API can be tried at once
(docs/api.md); only its hash is stored, as for every key."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from partners.models import Membership
from portal.api.keys import parse_key, secret_hash
from portal.api.models import ApiKey
from portal.api.scopes import PARTNER_SCOPES
from portal.api.services import principal_create
from portal.audit import audit
from portal.roles import Role

DEMO_API_KEY = "eepa_de0000000001_demo-partner1-monitoring-key-published-0000"
DEMO_API_KEY_NAME = "Gate monitor (demo)"


@transaction.atomic
def seed_api_key(users: dict) -> int:
    """Partner1's key unless it is there; the number of keys created."""
    prefix, secret = parse_key(DEMO_API_KEY)
    if ApiKey.objects.filter(prefix=prefix).exists():
        return 0
    partner1 = users["partner1"]
    principal = principal_create(name=DEMO_API_KEY_NAME, prefix=prefix, role=Role.PARTNER)
    Membership.objects.create(user=principal, enterprise_id=partner1.membership.enterprise_id)
    key = ApiKey.objects.create(
        name=DEMO_API_KEY_NAME,
        kind=ApiKey.Kind.PARTNER,
        prefix=prefix,
        secret_hash=secret_hash(secret),
        scopes=sorted(PARTNER_SCOPES),
        principal=principal,
        created_by=partner1,
        expires_at=timezone.now() + timedelta(days=365),
    )
    audit(partner1, "api.key.created", key, note="demo")
    return 1
