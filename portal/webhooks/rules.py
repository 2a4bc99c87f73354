"""Who may manage an enterprise's webhooks: its active managers (as for its colleagues)."""

from django.utils.translation import gettext as _

from portal.roles import is_active_partner_manager
from portal.rules import ALLOWED, Verdict, never, not_now


def may_manage_webhooks(user) -> Verdict:
    if not is_active_partner_manager(user):
        return never(_("Only a manager of the enterprise manages its webhooks."))
    return ALLOWED


def may_resume_endpoint(user, endpoint) -> Verdict:
    verdict = may_manage_webhooks(user)
    if verdict and not endpoint.is_paused:
        return not_now(_("This endpoint is not paused."))
    return verdict
