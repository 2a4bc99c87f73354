"""Who may manage an enterprise's webhooks: its active managers (as for its colleagues)."""

from django.utils.translation import gettext as _

from portal.roles import Role, has_role
from portal.rules import ALLOWED, Verdict, never, not_now


def may_manage_webhooks(user) -> Verdict:
    # The user's Membership (partners app), read through its reverse accessor.
    membership = getattr(user, "membership", None)
    if (
        membership is None
        or not has_role(user, Role.PARTNER)
        or not membership.is_active
        or not membership.is_manager
    ):
        return never(_("Only a manager of the enterprise manages its webhooks."))
    return ALLOWED


def may_resume_endpoint(user, endpoint) -> Verdict:
    verdict = may_manage_webhooks(user)
    if verdict and not endpoint.is_paused:
        return not_now(_("This endpoint is not paused."))
    return verdict
