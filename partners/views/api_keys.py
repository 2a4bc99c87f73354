"""A partner enterprise's API keys, for its managers (partners/services/api_keys.py): the list,
a new key (after the password and second factor again), revocation. 403 for anyone else; 404
for another enterprise's key."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from partners import rules
from partners.services import api_keys
from portal.api import pages
from portal.api.scopes import PARTNER_SCOPES
from portal.auth import recent_auth_required
from portal.roles import Role, role_required
from portal.rules import forbid_unless
from portal.shortcuts import refusal_reported


def _managed_enterprise_id(request) -> int:
    membership = getattr(request.user, "membership", None)
    forbid_unless(rules.may_manage_api_keys(request.user, membership))
    return membership.enterprise_id


def _context():
    return {
        "title": _("API keys"),
        "intro": _(
            "Keys let your own systems (a monitoring system, a script) use the portal's API: "
            "send alerts, read back your reports, events, standing and certificates. A key "
            "sees exactly what your enterprise's users see."
        ),
        "create_url": reverse("partners:api-key-create"),
        "list_url": reverse("partners:api-keys"),
        "revoke_url_name": "partners:api-key-revoke",
        "partner": True,
    }


@role_required(Role.PARTNER)
def api_key_list(request):
    enterprise_id = _managed_enterprise_id(request)
    return pages.key_list_page(
        request, keys=api_keys.enterprise_keys(enterprise_id), context=_context()
    )


@role_required(Role.PARTNER)
@recent_auth_required
def api_key_create(request):
    _managed_enterprise_id(request)
    return pages.key_create_page(
        request,
        scopes=PARTNER_SCOPES,
        create=lambda **fields: api_keys.enterprise_api_key_create(user=request.user, **fields),
        list_url=reverse("partners:api-keys"),
        context=_context(),
    )


@require_POST
@role_required(Role.PARTNER)
def api_key_revoke(request, pk):
    key = get_object_or_404(api_keys.enterprise_keys(_managed_enterprise_id(request)), pk=pk)
    with refusal_reported(request) as outcome:
        api_keys.enterprise_api_key_revoke(user=request.user, key=key)
    return pages.key_revoked(request, outcome, reverse("partners:api-keys"))
