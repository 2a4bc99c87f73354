"""Who may manage API keys in the portal. A partner enterprise's keys are its managers' business
(partners/rules.py); staff service accounts' keys are the secretariat's."""

from django.utils.translation import gettext as _

from portal.api.models import ApiKey
from portal.roles import Role, has_role
from portal.rules import ALLOWED, Verdict, never, not_now


def may_manage_staff_keys(user) -> Verdict:
    if has_role(user, Role.SECRETARIAT):
        return ALLOWED
    return never(_("Only the secretariat manages the API keys of staff service accounts."))


def may_revoke_key(user, key: ApiKey, *, manages: bool) -> Verdict:
    """`manages`: whether `user` manages the key's owner (its enterprise, or the secretariat's
    service accounts), which the owner's app answers. The secretariat may revoke any key (a
    leaked key cannot wait for the partner)."""
    if not (manages or has_role(user, Role.SECRETARIAT)):
        return never(_("You may not revoke this API key."))
    if key.revoked_at is not None:
        return not_now(_("This API key is already revoked."))
    return ALLOWED
