"""Decisions on the awardees, finalisation (the frozen snapshot) and publication (four eyes)."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from awards import notifications, rules, webhooks
from awards.audit_notes import AuditNote
from awards.models import Cycle, Nomination, NominationResult
from awards.scoring import round2
from awards.selectors.ranking import (
    Ranking,
    departs_from_ranking,
    live_ranking,
)
from awards.services import ensure_cycle_editable
from portal.audit import audit, diff, snapshot
from portal.rules import require

Status = Cycle.Status
DECISION_FIELDS = ["awarded", "decision_rationale"]
# How many names a refusal lists before "and N more".
NAMES_SHOWN = 5


def _names(rows) -> str:
    names = [row.enterprise.name for row in rows]  # in the reader's language
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        more = len(names) - NAMES_SHOWN
        shown += " " + ngettext("and %(n)d more", "and %(n)d more", more) % {"n": more}
    return shown


def _departure_message(nomination: Nomination, rank: int | None, awarded: bool, planned: int):
    if awarded:
        return _(
            "Awarding %(enterprise)s departs from the ranking (rank %(rank)s; the top "
            "%(planned)s are suggested): write a rationale."
        ) % {"enterprise": nomination.enterprise.name, "rank": rank, "planned": planned}
    return _(
        "Not awarding %(enterprise)s departs from the ranking (rank %(rank)s, within the top "
        "%(planned)s): write a rationale."
    ) % {"enterprise": nomination.enterprise.name, "rank": rank, "planned": planned}


@transaction.atomic
def nomination_decide(
    *, nomination: Nomination, user, awarded: bool, rationale: str = ""
) -> Nomination:
    """Record whether the nominee is awarded. The top N of the live ranking are suggested;
    a decision that departs from that needs a rationale. A pending nominee (fewer reviews than
    the quorum) is not ranked and cannot be awarded."""
    require(rules.may_decide_awards(user))
    cycle = ensure_cycle_editable(nomination.cycle)
    require(rules.may_decide_awards(user, cycle))
    nomination = (
        Nomination.objects.select_for_update()
        .select_related("enterprise")
        .get(pk=nomination.pk, cycle=cycle)
    )
    if nomination.status != Nomination.Status.ACTIVE:
        raise ValidationError(_("A withdrawn nomination is not decided."))
    rank = {row.nomination.pk: row.rank for row in live_ranking(cycle).ranked}.get(nomination.pk)
    rationale = rationale.strip()
    if awarded and rank is None:
        raise ValidationError(
            _(
                "%(enterprise)s has fewer reviews than the quorum: it is not ranked and "
                "cannot be awarded."
            )
            % {"enterprise": nomination.enterprise.name}
        )
    if departs_from_ranking(rank, awarded, cycle.awards_planned) and not rationale:
        raise ValidationError(
            _departure_message(nomination, rank, awarded, cycle.awards_planned),
            code="rationale_required",
        )
    before = snapshot(nomination, DECISION_FIELDS)
    nomination.awarded, nomination.decision_rationale = awarded, rationale
    nomination.save(update_fields=DECISION_FIELDS)
    changes = diff(before, nomination)
    if changes:
        audit(user, "awards.nomination.decided", nomination, changes)
    return nomination


def _suggestion(ranking: Ranking) -> dict[int, bool]:
    """The suggested decision of each nominee, by nomination id: the top N awarded."""
    suggestion = {row.nomination.pk: row.suggested for row in ranking.ranked}
    suggestion.update({row.nomination.pk: False for row in ranking.pending})
    return suggestion


def suggestion_changes(ranking: Ranking) -> tuple[int, int]:
    """What applying the suggestion to `ranking` (a live ranking) would do: how many decisions
    it would set or change, and how many nominees would then be awarded."""
    suggestion = _suggestion(ranking)
    changed = sum(
        1 for row in ranking.rows if row.nomination.awarded != suggestion[row.nomination.pk]
    )
    return changed, sum(suggestion.values())


@transaction.atomic
def decisions_apply_suggestion(*, cycle: Cycle, user) -> int:
    """Award the top N of the live ranking and nobody else (pending nominees included).
    Returns how many decisions changed; a changed decision loses its rationale, which
    explained a departure that no longer exists (the audit trail keeps it)."""
    require(rules.may_decide_awards(user))
    cycle = ensure_cycle_editable(cycle)
    require(rules.may_decide_awards(user, cycle))
    suggestion = _suggestion(live_ranking(cycle))
    nominations = Nomination.objects.select_for_update().filter(pk__in=suggestion).order_by("pk")
    changed = []
    for nomination in nominations:
        if nomination.awarded == suggestion[nomination.pk]:
            continue
        before = snapshot(nomination, DECISION_FIELDS)
        nomination.awarded, nomination.decision_rationale = suggestion[nomination.pk], ""
        changed.append((nomination, diff(before, nomination)))
    Nomination.objects.bulk_update([n for n, _ in changed], DECISION_FIELDS)
    for nomination, changes in changed:
        audit(
            user,
            "awards.nomination.decided",
            nomination,
            changes,
            note=AuditNote.SUGGESTION_APPLIED,
        )
    audit(
        user,
        "awards.cycle.suggestion_applied",
        cycle,
        note=AuditNote.DECISIONS_CHANGED,
        note_params={"n": len(changed)},
    )
    return len(changed)


def finalisation_problems(cycle: Cycle, ranking: Ranking) -> list[str]:
    """Why the cycle cannot be finalised as it stands: empty when it can."""
    if cycle.status != Status.REVIEW:
        if cycle.is_frozen:
            return [_("This cycle is already finalised.")]
        return [_("Only a cycle in panel review can be finalised.")]
    rows = ranking.rows
    if not rows:
        return [_("The cycle has no active nomination.")]
    problems = []
    undecided = [row for row in rows if row.awarded is None]
    if undecided:
        problems.append(
            ngettext(
                "%(n)d nominee is not decided yet: %(names)s.",
                "%(n)d nominees are not decided yet: %(names)s.",
                len(undecided),
            )
            % {"n": len(undecided), "names": _names(undecided)}
        )
    awarded_pending = [row for row in ranking.pending if row.awarded]
    if awarded_pending:
        problems.append(
            _("Pending nominees cannot be awarded: %(names)s.") % {"names": _names(awarded_pending)}
        )
    # The ranking may have moved since a decision was taken (a late review): check again.
    unexplained = [row for row in ranking.ranked if row.departs and not row.rationale.strip()]
    if unexplained:
        problems.append(
            _("These decisions depart from the ranking and need a rationale: %(names)s.")
            % {"names": _names(unexplained)}
        )
    return problems


@transaction.atomic
def cycle_finalise(*, cycle: Cycle, user) -> Cycle:
    """Freeze the cycle: one NominationResult per active nomination (rank, category points,
    scores, reviews, decision, rationale, streak), then status finalised. The cycle's row is
    locked first, so that two finalisations at once cannot both succeed, and every other
    write to the cycle (ensure_cycle_editable) waits and then refuses.

    Every active nomination must be decided; pending nominees can only be decided "not
    awarded" (decisions_apply_suggestion does so)."""
    require(rules.may_decide_awards(user))
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    ranking = live_ranking(cycle)
    problems = finalisation_problems(cycle, ranking)
    if problems:
        raise ValidationError(problems)
    # A cycle reopened after finalisation (cycle_reopen) is frozen anew.
    NominationResult.objects.filter(nomination__cycle=cycle).delete()
    NominationResult.objects.bulk_create(
        NominationResult(
            nomination=row.nomination,
            rank=row.rank,
            category_points={
                code: str(round2(points)) for code, points in row.category_points.items()
            },
            verified_events=row.verified_events,
            cooperation_score=row.cooperation_score,
            panel_score=row.panel_score,
            reviews=row.reviews,
            final_score=row.final_score,
            awarded=bool(row.awarded),
            rationale=row.rationale,
            streak=row.streak,
        )
        for row in ranking.rows
    )
    before = snapshot(cycle, ["status"])
    cycle.status, cycle.finalised_at, cycle.finalised_by = Status.FINALISED, timezone.now(), user
    cycle.save(update_fields=["status", "finalised_at", "finalised_by"])
    awarded = sum(1 for row in ranking.rows if row.awarded)
    audit(
        user,
        "awards.cycle.finalised",
        cycle,
        diff(before, cycle),
        note=AuditNote.FINALISED,
        note_params={"awarded": awarded, "n": len(ranking.rows)},
    )
    notifications.approval_awaited(cycle=cycle, awarded=awarded)
    return cycle


@transaction.atomic
def cycle_publish(*, cycle: Cycle, user) -> Cycle:
    """A second secretariat user approves the finalised results; partners see them later."""
    cycle = Cycle.objects.select_for_update().get(pk=cycle.pk)
    require(rules.may_publish_cycle(user, cycle))
    before = snapshot(cycle, ["status"])
    cycle.status, cycle.published_at, cycle.published_by = Status.PUBLISHED, timezone.now(), user
    cycle.save(update_fields=["status", "published_at", "published_by"])
    audit(user, "awards.cycle.published", cycle, diff(before, cycle))
    notifications.results_published(cycle=cycle)
    webhooks.results_published(cycle=cycle)
    return cycle
