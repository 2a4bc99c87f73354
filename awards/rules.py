"""Who may do what in the award cycles (portal/rules.py explains the verdicts). The services
require these before they write; views and templates read the same answers."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from awards.models import Assignment, Cycle, Nomination, Review
from portal.roles import Role, has_role
from portal.rules import ALLOWED, Verdict, never, not_now

Status = Cycle.Status
Declaration = Assignment.Declaration


# The secretariat's work, each area saying so in its own words


def may_manage_cycles(user) -> Verdict:
    if has_role(user, Role.SECRETARIAT):
        return ALLOWED
    return never(_("Only the secretariat manages award cycles."))


def may_nominate(user, cycle: Cycle | None = None) -> Verdict:
    if has_role(user, Role.SECRETARIAT):
        return ALLOWED
    return never(_("Only the secretariat nominates and withdraws nominations."))


def may_decide_awards(user, cycle: Cycle | None = None) -> Verdict:
    """Awards are decided by the secretariat (cycle None: whatever the cycle), while the cycle
    is in panel review."""
    if not has_role(user, Role.SECRETARIAT):
        return never(_("Only the secretariat decides the awards."))
    if cycle is not None and cycle.status != Status.REVIEW:
        return not_now(
            _("Awards are decided while the cycle is in panel review; this cycle is %(status)s.")
            % {"status": cycle.get_status_display().lower()}
        )
    return ALLOWED


def may_publish_cycle(user, cycle: Cycle) -> Verdict:
    """Four eyes: a secretariat user other than the one who finalised approves publication."""
    if not has_role(user, Role.SECRETARIAT):
        return never(_("Only the secretariat decides the awards."))
    if cycle.status == Status.PUBLISHED:
        return not_now(_("This cycle is already published."))
    if cycle.status != Status.FINALISED:
        return not_now(_("Only a finalised cycle can be published."))
    if cycle.finalised_by_id == user.pk:
        return never(
            _(
                "You finalised this cycle, so you cannot also approve its publication: "
                "another member of the secretariat must (four eyes)."
            ),
            code="four_eyes",
        )
    return ALLOWED


def may_assign_panel(user, cycle: Cycle | None = None) -> Verdict:
    """The secretariat assigns the panel once nominations are open, until finalisation."""
    if not has_role(user, Role.SECRETARIAT):
        return never(_("Only the secretariat assigns the panel."))
    if cycle is not None and cycle.status not in Cycle.OPEN_STATUSES:
        return not_now(
            _("The panel is assigned once nominations are open, until the cycle is finalised.")
        )
    return ALLOWED


def may_issue_certificates(user) -> Verdict:
    """`user` None: the system (a worker finishing a run the secretariat started)."""
    if user is None or has_role(user, Role.SECRETARIAT):
        return ALLOWED
    return never(_("Only the secretariat issues and revokes certificates."))


def may_arrange_ceremony(user) -> Verdict:
    if has_role(user, Role.SECRETARIAT):
        return ALLOWED
    return never(_("Only the secretariat arranges the ceremony list."))


# A cycle's own page


def may_edit_cycle(user, cycle: Cycle) -> Verdict:
    verdict = may_manage_cycles(user)
    if verdict and cycle.is_frozen:
        return not_now(
            _("A %(status)s cycle can no longer be edited.")
            % {"status": cycle.get_status_display().lower()},
            code="cycle_frozen",
        )
    return verdict


def may_advance_cycle(user, cycle: Cycle) -> Verdict:
    """One step on from the cycle's page: draft → nominations → review."""
    verdict = may_manage_cycles(user)
    if verdict and cycle.status not in Cycle.ADVANCES:
        return not_now(advance_refusal(cycle))
    return verdict


def advance_refusal(cycle: Cycle) -> str:
    """Why the cycle's status cannot be moved on from the cycle's page ("" if it can)."""
    if cycle.status in Cycle.ADVANCES:
        return ""
    if cycle.status == Status.REVIEW:
        return _("A cycle in review moves on when the secretariat finalises its decisions.")
    if cycle.status == Status.FINALISED:
        return _("A finalised cycle moves on when a second secretariat user approves publication.")
    return _("A published cycle is complete.")


def may_reopen_cycle(user, cycle: Cycle) -> Verdict:
    """Back from finalised to review (cycle_reopen also refuses once certificates exist)."""
    verdict = may_manage_cycles(user)
    if not verdict:
        return verdict
    if cycle.status == Status.PUBLISHED:
        return not_now(_("A published cycle cannot be reopened: partners see its results."))
    if cycle.status != Status.FINALISED:
        return not_now(_("Only a finalised cycle can be reopened."))
    return ALLOWED


def cycle_actions(user, cycle: Cycle) -> dict[str, Verdict]:
    """What the cycle's page offers: edit, advance, reopen; and the next steps on the decisions
    pages, finalise and publish, whose pages say what stands in the way."""
    secretariat = may_manage_cycles(user)
    return {
        "edit": may_edit_cycle(user, cycle),
        "advance": may_advance_cycle(user, cycle),
        "reopen": may_reopen_cycle(user, cycle),
        "finalise": may_decide_awards(user, cycle),
        "publish": secretariat if not secretariat else _is(cycle, Status.FINALISED),
    }


def _is(cycle: Cycle, status: str) -> Verdict:
    if cycle.status == status:
        return ALLOWED
    return not_now(_("This cycle is %(status)s.") % {"status": cycle.get_status_display().lower()})


# The panel


def may_act_on_assignment(user, assignment: Assignment) -> Verdict:
    """A member declares and reviews only for themselves."""
    if assignment.member_id != user.pk or not has_role(user, Role.PANEL):
        return never(_("This is another panel member's assignment."))
    return ALLOWED


def may_review(user, assignment: Assignment, review: Review | None) -> Verdict:
    """A member scores a nominee while the cycle is in review, before the scoring deadline,
    once they declared no conflict, until they submit. `assignment` comes with its nomination
    and cycle; `review` is the member's own, if any."""
    verdict = may_act_on_assignment(user, assignment)
    if not verdict:
        return verdict
    cycle = assignment.nomination.cycle
    if cycle.status != Status.REVIEW:
        return not_now(_("Reviews are entered only while the cycle is in panel review."))
    if assignment.nomination.status != Nomination.Status.ACTIVE:
        return not_now(_("This nomination was withdrawn."))
    if assignment.declaration == Declaration.PENDING:
        return never(_("Declare whether you have a conflict of interest first."))
    if assignment.declaration == Declaration.CONFLICT:
        return never(_("You declared a conflict of interest with this nominee."))
    if cycle.scoring_closed():
        return not_now(
            _("Scoring closed at the end of %(date)s.")
            % {"date": date_format(cycle.scoring_deadline, "DATE_FORMAT")}
        )
    if review is not None and review.status == Review.Status.SUBMITTED:
        return not_now(_("This review was submitted; it can no longer be changed."))
    return ALLOWED
