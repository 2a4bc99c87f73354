"""Who may do what to the cooperation record (portal/rules.py explains the verdicts). The
services require these before they write; views and templates read the same answers."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from partners.models import CooperationEvent, EnforcementFlag, Membership, PartnerReport
from portal.auth import person_name
from portal.roles import STAFF_ROLES, Role, has_role, is_active_partner_manager
from portal.rules import ALLOWED, Verdict, never, not_now

Status = CooperationEvent.Status


# Enterprises and concerns


def may_see_the_whole_record(user) -> Verdict:
    """Customs staff see an enterprise's whole record: every event status with its restricted
    details and who logged it, the concerns raised about it, its audit trail and awards
    history. A partner sees its own verified cooperation only."""
    if has_role(user, *STAFF_ROLES):
        return ALLOWED
    return never(_("Only customs staff see the whole record."))


def may_manage_enterprises(user) -> Verdict:
    if has_role(user, Role.SECRETARIAT):
        return ALLOWED
    return never(_("Only the secretariat adds and changes enterprises."))


def may_raise_concern(user, enterprise=None) -> Verdict:
    if has_role(user, *STAFF_ROLES):
        return ALLOWED
    return never(_("Only customs staff raise enforcement concerns."))


def may_clear_concern(user, flag: EnforcementFlag) -> Verdict:
    if not has_role(user, Role.SECRETARIAT):
        return never(_("Only the secretariat clears enforcement concerns."))
    if not flag.is_active:
        return not_now(_("This concern was already cleared."))
    return ALLOWED


# Cooperation events


def may_log_events(user) -> Verdict:
    if has_role(user, Role.OFFICER):
        return ALLOWED
    return never(_("Only officers log cooperation events."))


def may_edit_event(user, event: CooperationEvent) -> Verdict:
    if event.logged_by_id != user.pk:
        return never(_("Only the officer who logged this event can do that."))
    if not event.is_editable:
        return not_now(
            _("A %(status)s event can no longer be edited.")
            % {"status": event.get_status_display().lower()}
        )
    return ALLOWED


def may_submit_event(user, event: CooperationEvent) -> Verdict:
    if event.logged_by_id != user.pk:
        return never(_("Only the officer who logged this event can do that."))
    return _may_move(event, Status.SUBMITTED)


def may_verify_event(user, event: CooperationEvent) -> Verdict:
    verdict = _independent_verifier(
        user, event, _("You logged this event: another verifier must verify it.")
    )
    return verdict if not verdict else _may_move(event, Status.VERIFIED)


def may_return_event(user, event: CooperationEvent) -> Verdict:
    verdict = _independent_verifier(
        user, event, _("You logged this event: another verifier must return it if it needs work.")
    )
    return verdict if not verdict else _may_move(event, Status.RETURNED)


def may_withdraw_event(user, event: CooperationEvent) -> Verdict:
    """The logging officer may withdraw an event until it is verified; the secretariat may
    withdraw any event, so a verified record found wrong stops counting, with the reason."""
    if not has_role(user, Role.SECRETARIAT) and (
        event.logged_by_id != user.pk or event.status == Status.VERIFIED
    ):
        return never(
            _(
                "Only the officer who logged it can withdraw it before verification; "
                "a verified event only the secretariat."
            )
        )
    return _may_move(event, Status.WITHDRAWN)


def event_actions(user, event: CooperationEvent) -> dict[str, Verdict]:
    """What the event's page offers `user`, each with its verdict."""
    return {
        "edit": may_edit_event(user, event),
        "submit": may_submit_event(user, event),
        "verify": may_verify_event(user, event),
        "return": may_return_event(user, event),
        "withdraw": may_withdraw_event(user, event),
    }


# Whose users look for each button of an event's page, and the status the action needs (None:
# an editable one).
_EVENT_ACTIONS = {
    "edit": ((Role.OFFICER,), None),
    "submit": ((Role.OFFICER,), Status.SUBMITTED),
    "verify": ((Role.VERIFIER,), Status.VERIFIED),
    "return": ((Role.VERIFIER,), Status.RETURNED),
    "withdraw": ((Role.OFFICER, Role.SECRETARIAT), Status.WITHDRAWN),
}


def event_refusals(user, event: CooperationEvent, verdicts: dict[str, Verdict]) -> dict[str, str]:
    """Why a button of the event's page is not there, for the users who would look for it:
    those of the role that acts so on events, when the event's status allows the action but
    the rule refuses it to them (the verifier who logged it: four eyes; an officer on a
    colleague's event). A status that allows no such action says so itself (its badge)."""
    reasons = {}
    for action, (roles, status) in _EVENT_ACTIONS.items():
        possible = event.is_editable if status is None else event.can_move_to(status)
        verdict = verdicts[action]
        if not verdict and possible and has_role(user, *roles):
            reasons[action] = verdict.reason
    if reasons.get("submit") == reasons.get("edit"):
        reasons.pop("submit", None)  # the same words once, beside the first missing button
    return reasons


def _independent_verifier(user, event: CooperationEvent, own_event: str) -> Verdict:
    if not has_role(user, Role.VERIFIER):
        return never(_("Only verifiers can verify or return events."))
    if event.logged_by_id == user.pk:
        # Four eyes: the database refuses it too (event_not_verified_by_its_logger).
        return never(own_event, code="four_eyes")
    return ALLOWED


def _may_move(event: CooperationEvent, status: str) -> Verdict:
    if event.can_move_to(status):
        return ALLOWED
    return not_now(_transition_refusal(event, status))


def _transition_refusal(event: CooperationEvent, status: str) -> str:
    if event.status == Status.VERIFIED:
        who = person_name(event.verified_by)
        return _("This event was already verified by %(who)s at %(when)s.") % {
            "who": who,
            "when": date_format(timezone.localtime(event.verified_at), "DATETIME_FORMAT"),
        }
    if event.status == Status.RETURNED:
        # Usually another verifier returned it a moment earlier.
        return _("This event was already returned to the officer; it cannot be %(target)s now.") % {
            "target": Status(status).label.lower()
        }
    if event.status == Status.WITHDRAWN:
        return _("This event was already withdrawn; it cannot be %(target)s.") % {
            "target": Status(status).label.lower()
        }
    return _("A %(current)s event cannot be marked %(target)s.") % {
        "current": event.get_status_display().lower(),
        "target": Status(status).label.lower(),
    }


# Reports from partners


def may_send_reports(user) -> Verdict:
    membership = getattr(user, "membership", None)
    if has_role(user, Role.PARTNER) and membership is not None and membership.is_active:
        return ALLOWED
    return never(_("Only partner users of an enterprise send reports."))


def may_triage_reports(user, report: PartnerReport | None = None) -> Verdict:
    if has_role(user, Role.OFFICER):
        return ALLOWED
    return never(_("Only officers handle reports from partners."))


def may_import_manifests(user) -> Verdict:
    if has_role(user, Role.OFFICER):
        return ALLOWED
    return never(_("Only officers import manifests."))


# Colleagues


def may_manage_colleagues(user, membership: Membership | None = None) -> Verdict:
    """A manager of an enterprise invites, deactivates and names other managers of its
    users; `membership` is the user's own."""
    if not is_active_partner_manager(user, membership):
        return never(_("Only a manager of the enterprise manages its colleagues."))
    return ALLOWED


def may_manage_api_keys(user, membership: Membership | None = None) -> Verdict:
    """A manager of an enterprise creates and revokes its API keys (the machines' credentials);
    `membership` is the user's own."""
    if not is_active_partner_manager(user, membership):
        return never(_("Only a manager of the enterprise manages its API keys."))
    return ALLOWED
