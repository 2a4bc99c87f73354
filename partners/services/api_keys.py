"""A partner enterprise's API keys, made and revoked by its managers. Each key acts as a member
of the enterprise of its own (portal.api.models.ApiKey: an inactive user, marked active only
while a request carries the usable key), so that the API shows a key exactly what the
enterprise's users see, through the same `visible_to`."""

from datetime import datetime

from django.db import transaction

from partners import rules
from partners.models import Membership
from portal.api.models import ApiKey
from portal.api.services import api_key_issue, api_key_revoke, principal_create
from portal.roles import Role
from portal.rules import require


def enterprise_keys(enterprise_id: int):
    """The enterprise's keys, newest first (revoked and expired ones included)."""
    return ApiKey.objects.filter(
        kind=ApiKey.Kind.PARTNER, principal__membership__enterprise_id=enterprise_id
    ).select_related("created_by", "revoked_by")


@transaction.atomic
def enterprise_api_key_create(
    *, user, name: str, scopes: list[str], expires_at: datetime
) -> tuple[ApiKey, str]:
    """(the key, its text: shown once). For the enterprise `user` manages."""
    membership = Membership.objects.filter(user=user, is_active=True, is_manager=True).first()
    require(rules.may_manage_api_keys(user, membership))

    def make_principal(name, prefix):
        principal = principal_create(name=name, prefix=prefix, role=Role.PARTNER)
        Membership.objects.create(user=principal, enterprise_id=membership.enterprise_id)
        return principal

    return api_key_issue(
        user=user,
        kind=ApiKey.Kind.PARTNER,
        name=name,
        scopes=scopes,
        expires_at=expires_at,
        make_principal=make_principal,
    )


def enterprise_api_key_revoke(*, user, key: ApiKey) -> ApiKey:
    manages = bool(rules.may_manage_api_keys(user, getattr(user, "membership", None))) and (
        key.principal.membership.enterprise_id == user.membership.enterprise_id
    )
    return api_key_revoke(user=user, key=key, manages=manages)
