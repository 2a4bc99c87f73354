"""Panel review: assigning members to nominees, conflict declarations, reviews."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards import notifications, panel_planning, rules
from awards.audit_notes import AuditNote
from awards.models import (
    SCORE_MAX,
    SCORE_MIN,
    Assignment,
    Cycle,
    Nomination,
    PanelAlternate,
    PanelCriterion,
    Review,
    ReviewScore,
)
from awards.services import ensure_cycle_editable
from awards.services.scores import nominations_rescore
from portal.audit import audit, audit_many
from portal.auth import person_name
from portal.roles import Role
from portal.rules import require

Declaration = Assignment.Declaration

# The scoring deadline is a date: scoring closes at the end of that day in Hong Kong, wherever
# the server or the member happens to be.


class AssignmentMode(models.TextChoices):
    ALL = "all", gettext_lazy("Every panel member reviews every nominee")
    BALANCED = "balanced", gettext_lazy("Balanced: the quorum for each nominee, loads spread")


def panel_members():
    """The users who can be assigned: active members of the Panel group."""
    return get_user_model().objects.filter(groups__name=Role.PANEL, is_active=True)


def _alternate_ids(cycle: Cycle) -> set[int]:
    return set(PanelAlternate.objects.filter(cycle=cycle).values_list("member_id", flat=True))


# Alternates


@transaction.atomic
def panel_alternate_add(*, cycle: Cycle, member, user) -> PanelAlternate:
    """Hold `member` in reserve for the cycle: "Assign the panel" leaves them out, except for
    nominees whom conflicts leave below the quorum, and those nominees get them at once."""
    require(rules.may_assign_panel(user))
    cycle = ensure_cycle_editable(cycle)
    require(rules.may_assign_panel(user, cycle))
    if not panel_members().filter(pk=member.pk).exists():
        raise ValidationError(_("Only an active member of the Panel group can be an alternate."))
    alternate, created = PanelAlternate.objects.get_or_create(cycle=cycle, member=member)
    if not created:
        raise ValidationError(
            _("%(name)s is already an alternate in this cycle.") % {"name": person_name(member)}
        )
    audit(user, "awards.cycle.alternate_added", cycle, {"alternates": ["", member.username]})
    quorum_keep(cycle=cycle)
    return alternate


@transaction.atomic
def panel_alternate_remove(*, cycle: Cycle, member, user) -> None:
    """No longer in reserve: "Assign the panel" may then give them any nominee. Their
    assignments stay, with their declarations and reviews."""
    require(rules.may_assign_panel(user))
    cycle = ensure_cycle_editable(cycle)
    require(rules.may_assign_panel(user, cycle))
    deleted, _rows = PanelAlternate.objects.filter(cycle=cycle, member=member).delete()
    if not deleted:
        raise ValidationError(
            _("%(name)s is not an alternate in this cycle.") % {"name": person_name(member)}
        )
    audit(user, "awards.cycle.alternate_removed", cycle, {"alternates": [member.username, ""]})


def quorum_keep(*, cycle: Cycle, nominations=None) -> list[Assignment]:
    """Give the nominees (`nominations`, else all the cycle's active ones) whom declared
    conflicts leave with fewer members without a conflict than the quorum the cycle's
    alternates they lack (a nominee merely not assigned yet is left to "Assign the panel"),
    the least loaded first; tell each alternate, and tell the secretariat of every nominee
    still below the quorum once no alternate is left. The caller holds the cycle's lock
    (ensure_cycle_editable), so two conflicts declared at once are handled one after the
    other, the second seeing the first's alternate."""
    active = Q(assignments__member__is_active=True) & ~Q(
        assignments__declaration=Declaration.CONFLICT
    )
    nominations = (
        (nominations if nominations is not None else Nomination.objects.filter(cycle=cycle))
        .active()
        .annotate(
            counting=Count("assignments", filter=active),
            recused=Count("assignments", filter=Q(assignments__declaration=Declaration.CONFLICT)),
        )
        .filter(counting__lt=cycle.quorum, recused__gt=0)
        .select_related("enterprise")
        .order_by("pk")
    )
    short = {n.pk: n for n in nominations}
    if not short:
        return []
    alternates = {
        m.pk: m for m in panel_members().filter(panel_alternates__cycle=cycle).order_by("pk")
    }
    taken = set(
        Assignment.objects.filter(nomination__in=list(short)).values_list(
            "nomination_id", "member_id"
        )
    )
    load = dict.fromkeys(alternates, 0)
    for member_id, n in (
        Assignment.objects.filter(nomination__cycle=cycle, member__in=list(alternates))
        .exclude(declaration=Declaration.CONFLICT)
        .values("member")
        .annotate(n=Count("pk"))
        .values_list("member", "n")
    ):
        load[member_id] = n
    plan, still_short = [], []
    for nomination in short.values():
        need = cycle.quorum - nomination.counting
        free = sorted(
            (pk for pk in alternates if (nomination.pk, pk) not in taken),
            key=lambda pk: (load[pk], pk),
        )[:need]
        for pk in free:
            plan.append(Assignment(nomination=nomination, member=alternates[pk]))
            load[pk] += 1
        if len(free) < need:
            still_short.append((nomination, nomination.counting + len(free)))
    created = Assignment.objects.bulk_create(plan)
    if created:
        audit_many(None, "awards.assignment.created", created, note=AuditNote.ALTERNATE_STEPPED_IN)
        notifications.panel_assigned(cycle=cycle, assignments=created)
    for nomination, counting in still_short:
        notifications.quorum_short(
            cycle=cycle, nomination=nomination, counting=counting, reachable=_reachable(nomination)
        )
    return created


def _reachable(nomination: Nomination) -> int:
    """How many members without a declared conflict the nominee could have at best: those
    assigned, and every active member of the Panel group (alternates included) not assigned."""
    assigned = Assignment.objects.filter(nomination=nomination)
    counting = assigned.filter(member__is_active=True).exclude(declaration=Declaration.CONFLICT)
    free = panel_members().exclude(pk__in=assigned.values("member_id"))
    return counting.count() + free.count()


# Assignments


@dataclass(frozen=True)
class AssignmentOutcome:
    created: list[Assignment]
    below_quorum: list[Nomination]  # only with every member on every nominee: too few members


@transaction.atomic
def assignments_create(
    *, cycle: Cycle, user, mode: str, max_load: int | None = None
) -> AssignmentOutcome:
    """Assign the panel to the cycle's active nominees: every member to every nominee, or
    balanced (awards.panel_planning). Only adds: existing assignments, declarations and reviews
    stay, so re-running after members declare conflicts tops the nominees back up to the
    quorum. A balanced assignment that cannot give every nominee the quorum writes nothing."""
    require(rules.may_assign_panel(user))
    cycle = ensure_cycle_editable(cycle)
    require(rules.may_assign_panel(user, cycle))
    nominations = {n.pk: n for n in Nomination.objects.filter(cycle=cycle).active()}
    if not nominations:
        raise ValidationError(_("There are no active nominees to assign."))
    members = {m.pk: m for m in panel_members()}
    if not members:
        raise ValidationError(_("Nobody is in the Panel group yet."))
    alternates = _alternate_ids(cycle) & set(members)
    regular = set(members) - alternates
    if not regular:
        raise ValidationError(
            _("Every panel member is an alternate in this cycle: nobody is left to assign.")
        )
    existing = list(
        Assignment.objects.filter(nomination__in=list(nominations)).values_list(
            "nomination_id", "member_id", "declaration"
        )
    )
    pairs = [(n, m) for n, m, _declaration in existing]
    recused = [(n, m) for n, m, declaration in existing if declaration == Declaration.CONFLICT]
    # First the alternates, where conflicts leave the other members short of the quorum; then
    # the plan, in which an alternate's pairs not taken are closed like a declared conflict.
    reserve = panel_planning.alternates_needed(
        nominations, regular, alternates, quorum=cycle.quorum, existing=pairs, recused=recused
    )
    taken = set(pairs) | set(reserve)
    closed = [(n, a) for n in nominations for a in alternates if (n, a) not in taken]
    pairs, recused = pairs + reserve, recused + closed
    if mode == AssignmentMode.ALL:
        plan = panel_planning.full_assignment(nominations, members, existing=pairs, recused=recused)
    elif mode == AssignmentMode.BALANCED:
        if not max_load or max_load < 1:
            raise ValidationError(_("Set a maximum load of at least 1."))
        try:
            plan = panel_planning.balanced_assignment(
                nominations,
                members,
                quorum=cycle.quorum,
                max_load=max_load,
                existing=pairs,
                recused=recused,
            )
        except panel_planning.InfeasibleAssignment as infeasible:
            message = _infeasible_message(infeasible, nominations, cycle, max_load)
            raise ValidationError(message) from infeasible
    else:
        raise ValueError(f"unknown assignment mode {mode!r}")
    plan = sorted(reserve + plan)
    created = Assignment.objects.bulk_create(
        Assignment(nomination_id=n, member_id=m) for n, m in plan
    )
    for row in created:
        # The audit names both sides; the rows came from these dictionaries.
        row.nomination, row.member = nominations[row.nomination_id], members[row.member_id]
    note = f"{mode}" + (f", max load {max_load}" if mode == AssignmentMode.BALANCED else "")
    audit_many(user, "awards.assignment.created", created, note=note)
    notifications.panel_assigned(cycle=cycle, assignments=created)
    short = panel_planning.below_quorum(
        nominations, members, quorum=cycle.quorum, pairs=pairs + plan, recused=recused
    )
    conflicted = {n for n, _m, declaration in existing if declaration == Declaration.CONFLICT}
    for shortfall in short:
        if shortfall.nominee not in conflicted:
            continue  # too few members for anyone: the one assigning is told on the page
        # Conflicts: the whole secretariat is told, not only the one assigning.
        notifications.quorum_short(
            cycle=cycle,
            nomination=nominations[shortfall.nominee],
            counting=shortfall.reachable,
            reachable=shortfall.reachable,
        )
    return AssignmentOutcome(created, [nominations[s.nominee] for s in short])


def _infeasible_message(infeasible, nominations, cycle, max_load) -> str:
    def names(shortfalls):
        return "; ".join(
            _("%(nominee)s (%(reachable)s of %(quorum)s)")
            % {
                "nominee": nominations[s.nominee].enterprise.name,
                "reachable": s.reachable,
                "quorum": cycle.quorum,
            }
            for s in shortfalls
        )

    if infeasible.impossible:
        return _(
            "Nothing was assigned: these nominees cannot reach the quorum of %(quorum)s with "
            "any load, because too few panel members and alternates are free of a declared "
            "conflict: %(nominees)s. Add an alternate or a panel member, or lower the quorum."
        ) % {"quorum": cycle.quorum, "nominees": names(infeasible.impossible)}
    return _(
        "Nothing was assigned: with a maximum load of %(max_load)s these nominees cannot all "
        "reach the quorum of %(quorum)s: %(nominees)s. A maximum load of %(needed)s would be "
        "enough."
    ) % {
        "max_load": max_load,
        "quorum": cycle.quorum,
        "nominees": names(infeasible.short),
        "needed": infeasible.load_needed,
    }


# Declarations


@transaction.atomic
def assignment_declare(
    *, assignment: Assignment, user, declaration: str, reason: str = ""
) -> Assignment:
    """A member's declaration on one nominee: no conflict, or a conflict with its reason.
    "No conflict" can still become "conflict" (the member's review then stops counting), but
    a declared conflict is final."""
    assignment = _lock_own_assignment(assignment, user)
    reason = reason.strip()
    if declaration not in (Declaration.NO_CONFLICT, Declaration.CONFLICT):
        raise ValidationError(_("Declare either no conflict or a conflict of interest."))
    if assignment.declaration == Declaration.CONFLICT:
        raise ValidationError(
            _(
                "A declared conflict cannot be withdrawn: you were kept from this nominee's "
                "dossier and scores because of it, and taking it back would let a member who "
                "knows of a conflict score anyway. If it was declared by mistake, ask the "
                "secretariat."
            )
        )
    if assignment.declaration == declaration:
        raise ValidationError(_("You have already declared this."))
    if declaration == Declaration.CONFLICT and not reason:
        raise ValidationError(_("Say what the conflict of interest is."))
    before = {"declaration": assignment.declaration}
    assignment.declaration = declaration
    assignment.conflict_reason = reason if declaration == Declaration.CONFLICT else ""
    assignment.declared_at = timezone.now()
    assignment.save(update_fields=["declaration", "conflict_reason", "declared_at"])
    audit(
        user,
        "awards.assignment.declared",
        assignment,
        {"declaration": [before["declaration"], declaration]},
        assignment.conflict_reason,
    )
    # A declared conflict stops the member's review, if submitted, from counting.
    nominations_rescore(Nomination.objects.filter(pk=assignment.nomination_id))
    if declaration == Declaration.CONFLICT:
        # An alternate steps in if the nominee falls below the quorum (the cycle is locked).
        quorum_keep(
            cycle=assignment.nomination.cycle,
            nominations=Nomination.objects.filter(pk=assignment.nomination_id),
        )
    return assignment


# Reviews


@transaction.atomic
def review_save(
    *,
    assignment: Assignment,
    user,
    scores: dict[int, int | None],
    comment: str = "",
    submit: bool = False,
) -> Review:
    """Save the member's review of one nominee as a draft (any criteria may be left out), or
    submit it (every criterion scored). A submitted review is final; nothing is saved after
    the scoring deadline or outside the cycle's review stage."""
    assignment = _lock_own_assignment(assignment, user)
    cycle = assignment.nomination.cycle
    review = Review.objects.select_for_update().filter(assignment=assignment).first()
    require(rules.may_review(user, assignment, review))
    criteria = {c.pk: c for c in PanelCriterion.objects.filter(cycle=cycle)}
    scores = _checked_scores(scores, criteria, submit)
    if review is None:
        review = Review(assignment=assignment)
        old_scores, old_comment = {}, ""
    else:
        old_scores = dict(review.scores.values_list("criterion_id", "score"))
        old_comment = review.comment
    review.comment = comment.strip()
    if submit:
        review.status, review.submitted_at = Review.Status.SUBMITTED, timezone.now()
    review.save()
    review.scores.exclude(criterion_id__in=list(scores)).delete()  # cleared in a draft
    for criterion_id, score in scores.items():
        if old_scores.get(criterion_id) != score:
            ReviewScore.objects.update_or_create(
                review=review, criterion_id=criterion_id, defaults={"score": score}
            )
    changes = {
        criteria[pk].name_en: [_blank(old_scores.get(pk)), _blank(scores.get(pk))]
        for pk in criteria
        if old_scores.get(pk) != scores.get(pk)
    }
    if old_comment != review.comment:
        changes["comment"] = [old_comment, review.comment]
    if submit:
        changes["status"] = [Review.Status.DRAFT, Review.Status.SUBMITTED]
    audit(user, "awards.review.submitted" if submit else "awards.review.saved", review, changes)
    if submit:  # a submitted review starts counting
        nominations_rescore(Nomination.objects.filter(pk=assignment.nomination_id))
    notifications.review_submitted(review=review)
    return review


def _blank(score) -> str:
    return "" if score is None else str(score)


def _checked_scores(scores, criteria, submit) -> dict[int, int]:
    unknown = set(scores) - set(criteria)
    if unknown:
        raise ValidationError(_("These are not criteria of this cycle."))
    given = {pk: score for pk, score in scores.items() if score is not None}
    for score in given.values():
        if not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            raise ValidationError(
                _("Each score is a whole number from %(min)s to %(max)s.")
                % {"min": SCORE_MIN, "max": SCORE_MAX}
            )
    missing = [criteria[pk].name for pk in criteria if pk not in given]
    if submit and missing:
        raise ValidationError(
            _("Score every criterion before submitting; missing: %(names)s.")
            % {"names": ", ".join(missing)}
        )
    return given


def _lock_own_assignment(assignment: Assignment, user) -> Assignment:
    """Lock the cycle (no writes to a finalised cycle) and the assignment, which must be the
    user's own: a member declares and reviews only for themselves."""
    require(rules.may_act_on_assignment(user, assignment))
    ensure_cycle_editable(assignment.nomination.cycle)
    return (
        Assignment.objects.select_for_update(of=("self",))
        .select_related("nomination__cycle", "nomination__enterprise")
        .get(pk=assignment.pk)
    )


# The kept state of the assignments


def assignment_states_rebuild() -> int:
    """Every assignment's kept state (Assignment.state) recomputed from its declaration and
    review, for `manage.py rebuild_derived`: one set-based UPDATE per state, of the rows whose
    kept state differs from the fresh one (AssignmentQuerySet.with_fresh_state). Returns how
    many did."""
    fresh = Assignment.objects.with_fresh_state()
    with transaction.atomic():
        return sum(
            fresh.filter(fresh_state=state).exclude(state=state).update(state=state)
            for state in Assignment.State.values
        )
