"""The secretariat's API keys for staff service accounts (customs' own analysis tools)."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from portal.api import pages, rules, services
from portal.api.models import ApiKey
from portal.api.scopes import STAFF_SCOPES
from portal.auth import recent_auth_required
from portal.roles import Role, role_required
from portal.rules import forbid_unless
from portal.shortcuts import refusal_reported


def _context():
    return {
        "title": _("Staff API keys"),
        "intro": _(
            "Keys for customs' own analysis tools. A staff key sees what the secretariat's "
            "pages show, through the staff endpoints its scopes allow."
        ),
        "create_url": reverse("staff-api-key-create"),
        "list_url": reverse("staff-api-keys"),
        "revoke_url_name": "staff-api-key-revoke",
    }


@role_required(Role.SECRETARIAT)
def staff_key_list(request):
    forbid_unless(rules.may_manage_staff_keys(request.user))
    keys = ApiKey.objects.filter(kind=ApiKey.Kind.STAFF).select_related("created_by", "revoked_by")
    return pages.key_list_page(request, keys=keys, context=_context())


@role_required(Role.SECRETARIAT)
@recent_auth_required
def staff_key_create(request):
    forbid_unless(rules.may_manage_staff_keys(request.user))
    return pages.key_create_page(
        request,
        scopes=STAFF_SCOPES,
        create=lambda **fields: services.staff_api_key_create(user=request.user, **fields),
        list_url=reverse("staff-api-keys"),
        context=_context(),
    )


@require_POST
@role_required(Role.SECRETARIAT)
def staff_key_revoke(request, pk):
    key = get_object_or_404(ApiKey.objects.filter(kind=ApiKey.Kind.STAFF), pk=pk)
    with refusal_reported(request) as outcome:
        services.api_key_revoke(user=request.user, key=key, manages=True)
    return pages.key_revoked(request, outcome, reverse("staff-api-keys"))
