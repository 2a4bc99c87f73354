"""Issuing and revoking API keys. An app issues a key for a principal it has made (partners: a
member of the enterprise, partners/services/api_keys.py); the secretariat's service accounts are
made here. Every creation and revocation is audited (`api.key.created`, `api.key.revoked`);
refused uses are audited by the authentication (`api.key.rejected`)."""

from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.api import rules
from portal.api.keys import new_key, secret_hash
from portal.api.models import ApiKey
from portal.api.scopes import PARTNER_SCOPES, STAFF_SCOPES
from portal.audit import audit
from portal.roles import Role
from portal.rules import require


def _check(*, kind: str, scopes: list[str], expires_at: datetime, name: str) -> None:
    allowed = PARTNER_SCOPES if kind == ApiKey.Kind.PARTNER else STAFF_SCOPES
    errors = {}
    if not name.strip():
        errors["name"] = _("Give the key a name.")
    if not scopes:
        errors["scopes"] = _("Choose at least one scope.")
    elif not set(scopes) <= set(allowed):
        errors["scopes"] = _("This kind of key cannot have these scopes.")
    now = timezone.now()
    if expires_at <= now:
        errors["expires_at"] = _("The expiry must be in the future.")
    elif expires_at > now + timedelta(days=settings.API_KEY_MAX_DAYS):
        errors["expires_at"] = _("A key is valid for at most %(days)d days.") % {
            "days": settings.API_KEY_MAX_DAYS
        }
    if errors:
        raise ValidationError(errors)


def principal_create(*, name: str, prefix: str, role: str):
    """The user a key acts as: inactive in the database (no login, no notification, nobody's
    colleague), with no usable password, holding `role`."""
    principal = get_user_model().objects.create_user(
        username=f"api-key-{prefix}",
        password=None,
        first_name=name[:150],
        last_name=f"(API key {prefix})",
        is_active=False,
    )
    principal.groups.add(Group.objects.get(name=role))
    return principal


def api_key_issue(
    *,
    user,
    kind: str,
    name: str,
    scopes: list[str],
    expires_at: datetime,
    make_principal,
) -> tuple[ApiKey, str]:
    """(the key, the key as given to the machine: shown once, never stored). `make_principal`
    (name, prefix) makes the user the key acts as. Call it inside the caller's transaction."""
    _check(kind=kind, scopes=scopes, expires_at=expires_at, name=name)
    prefix, secret, text = new_key()
    key = ApiKey.objects.create(
        name=name.strip(),
        kind=kind,
        prefix=prefix,
        secret_hash=secret_hash(secret),
        scopes=sorted(set(scopes)),
        principal=make_principal(name.strip(), prefix),
        created_by=user,
        expires_at=expires_at,
    )
    audit(
        user,
        "api.key.created",
        key,
        changes={"scopes": ["", ", ".join(key.scopes)], "expires_at": ["", str(expires_at)]},
    )
    return key, text


@transaction.atomic
def staff_api_key_create(
    *, user, name: str, scopes: list[str], expires_at: datetime
) -> tuple[ApiKey, str]:
    """A key for a staff service account (customs' analysis tools), by the secretariat. Its
    principal holds the secretariat's role, so that it sees what the secretariat's pages show;
    its scopes say which of the staff endpoints it may call."""
    require(rules.may_manage_staff_keys(user))
    return api_key_issue(
        user=user,
        kind=ApiKey.Kind.STAFF,
        name=name,
        scopes=scopes,
        expires_at=expires_at,
        make_principal=lambda name, prefix: principal_create(
            name=name, prefix=prefix, role=Role.SECRETARIAT
        ),
    )


@transaction.atomic
def api_key_revoke(*, user, key: ApiKey, manages: bool) -> ApiKey:
    """Revoke a key at once (its next request gets 401). `manages`: see rules.may_revoke_key."""
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    require(rules.may_revoke_key(user, key, manages=manages))
    key.revoked_at, key.revoked_by = timezone.now(), user
    key.save(update_fields=["revoked_at", "revoked_by"])
    audit(user, "api.key.revoked", key)
    return key
