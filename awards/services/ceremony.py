"""The ceremony list: the order in which a finalised cycle's awardees are called up, and who
comes up to receive each award (issue 4, item 5).

Only the awardees of a finalised or published cycle are on it. The list is saved the first
time the secretariat changes it (or `ceremony_list_fill` is called), in the default order: by
sector, in the order of the Sector choices, then the longest streak first, then the English
name. Until then, and for an awardee added later, `ceremony_entries` shows each awardee where
the next fill will put them: at the end, so that an order already arranged stays as it is.

Every write locks the cycle's row first (as `ensure_cycle_editable` does for open cycles), so
two secretariat users changing the order at the same moment take turns: the positions stay
1..n, never duplicated or lost."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from awards import rules
from awards.audit_notes import AuditNote
from awards.models import CeremonyEntry, Cycle, NominationResult
from partners.models import Sector
from portal.audit import audit, audit_many, diff, snapshot
from portal.rules import require

DETAIL_FIELDS = [
    "representative_name",
    "representative_title",
    "pronunciation_note",
    "table_number",
]
TABLE_MIN, TABLE_MAX = 1, 999
SECTOR_ORDER = {code: index for index, code in enumerate(Sector.values)}


class Direction(models.TextChoices):
    UP = "up", gettext_lazy("up")
    DOWN = "down", gettext_lazy("down")


# Reading


def default_order_key(result: NominationResult) -> tuple:
    """Sector (in the order of the Sector choices), longest streak first, English name."""
    enterprise = result.nomination.enterprise
    return (
        SECTOR_ORDER.get(enterprise.sector, len(SECTOR_ORDER)),
        -result.streak,
        enterprise.name_en.casefold(),
        result.pk,
    )


def _entry_of(result: NominationResult) -> CeremonyEntry | None:
    try:
        return result.ceremony_entry
    except CeremonyEntry.DoesNotExist:
        return None


def ceremony_entries(cycle: Cycle) -> list[CeremonyEntry]:
    """The running order of `cycle`, in one query: the saved entries by position, then every
    awardee not on the list yet as an unsaved entry (pk None) where a fill would append it.
    Each entry's result, nomination and enterprise are loaded. Empty unless the cycle is
    finalised or published."""
    if not cycle.is_frozen:
        return []
    results = list(
        NominationResult.objects.filter(nomination__cycle=cycle, awarded=True).select_related(
            "ceremony_entry", "nomination__enterprise"
        )
    )
    saved, missing = [], []
    for result in results:
        entry = _entry_of(result)
        if entry is None:
            missing.append(result)
        else:
            entry.result = result
            saved.append(entry)
    saved.sort(key=lambda entry: (entry.position, entry.pk))
    missing.sort(key=default_order_key)
    last = saved[-1].position if saved else 0
    return saved + [
        CeremonyEntry(result=result, position=last + offset)
        for offset, result in enumerate(missing, start=1)
    ]


def ceremony_entry(cycle: Cycle, result_pk: int) -> CeremonyEntry | None:
    """The entry (saved or not) of the awardee whose result is `result_pk`, if on the list."""
    for entry in ceremony_entries(cycle):
        if entry.result_id == result_pk:
            return entry
    return None


# Writing


def _lock_frozen(cycle: Cycle) -> Cycle:
    """Lock the cycle's row (writers of the list take turns) and refuse unless it is frozen.
    The "no key update" lock conflicts with itself and with cycle_reopen's, not with inserts
    that refer to the cycle."""
    locked = Cycle.objects.select_for_update(no_key=True).get(pk=cycle.pk)
    if not locked.is_frozen:
        raise ValidationError(
            _(
                "The ceremony list is drawn up once the cycle is finalised; %(cycle)s is still "
                "in %(status)s."
            )
            % {"cycle": locked, "status": locked.get_status_display().lower()},
            code="cycle_not_finalised",
        )
    return locked


def _fill(cycle: Cycle, user) -> list[CeremonyEntry]:
    """Save the awardees not on the list yet at its end; returns the whole list, saved.
    The caller holds the cycle's lock."""
    entries = ceremony_entries(cycle)
    new = [entry for entry in entries if entry.pk is None]
    if new:
        CeremonyEntry.objects.bulk_create(new)  # sets their pks
        audit_many(user, "awards.ceremony.entry_added", new)
    return entries


def _find(entries: list[CeremonyEntry], result: NominationResult) -> int:
    for index, entry in enumerate(entries):
        if entry.result_id == result.pk:
            return index
    raise ValidationError(
        _("%(enterprise)s is not an awardee of this cycle.")
        % {"enterprise": result.nomination.enterprise.name},
        code="not_an_awardee",
    )


@transaction.atomic
def ceremony_date_set(*, cycle: Cycle, user, ceremony_date) -> Cycle:
    """Set or change the date of the cycle's ceremony (printed on the run sheet and on the
    certificates issued from now on). Logistics, not an award setting: it may change after
    the cycle is finalised."""
    require(rules.may_arrange_ceremony(user))
    cycle = _lock_frozen(cycle)
    before = snapshot(cycle, ["ceremony_date"])
    cycle.ceremony_date = ceremony_date
    cycle.save(update_fields=["ceremony_date"])
    changes = diff(before, cycle)
    if changes:
        audit(user, "awards.cycle.ceremony_date_set", cycle, changes)
    return cycle


@transaction.atomic
def ceremony_list_fill(*, cycle: Cycle, user) -> int:
    """Put every awardee not on the list yet at its end, in the default order among
    themselves. Returns how many were added."""
    require(rules.may_arrange_ceremony(user))
    cycle = _lock_frozen(cycle)
    before = CeremonyEntry.objects.filter(result__nomination__cycle=cycle).count()
    return len(_fill(cycle, user)) - before


def ceremony_reset_moves(cycle: Cycle) -> int:
    """How many awardees ceremony_list_reset would move (a read: nothing is saved)."""
    entries = ceremony_entries(cycle)
    ordered = sorted(entries, key=lambda entry: default_order_key(entry.result))
    return sum(1 for position, entry in enumerate(ordered, start=1) if entry.position != position)


@transaction.atomic
def ceremony_list_reset(*, cycle: Cycle, user) -> int:
    """Back to the default order, every awardee included. Returns how many changed place."""
    require(rules.may_arrange_ceremony(user))
    cycle = _lock_frozen(cycle)
    entries = _fill(cycle, user)
    ordered = sorted(entries, key=lambda entry: default_order_key(entry.result))
    moved = []
    for position, entry in enumerate(ordered, start=1):
        if entry.position != position:
            entry.position = position
            moved.append(entry)
    if moved:
        CeremonyEntry.objects.bulk_update(moved, ["position"])
        audit(
            user,
            "awards.ceremony.reset",
            cycle,
            note=AuditNote.CEREMONY_RESET,
            note_params={"n": len(moved)},
        )
    return len(moved)


@transaction.atomic
def ceremony_entry_move(*, result: NominationResult, user, direction: str) -> CeremonyEntry:
    """Swap the awardee with the one before (up) or after (down) them on the list."""
    require(rules.may_arrange_ceremony(user))
    if direction not in Direction.values:
        raise ValidationError(_("Move up or down."), code="direction")
    cycle = _lock_frozen(Cycle(pk=result.nomination.cycle_id))
    entries = _fill(cycle, user)
    index = _find(entries, result)
    entry = entries[index]
    other_index = index - 1 if direction == Direction.UP else index + 1
    if not 0 <= other_index < len(entries):
        name = entry.result.nomination.enterprise.name
        raise ValidationError(
            _("%(enterprise)s is already first.") % {"enterprise": name}
            if direction == Direction.UP
            else _("%(enterprise)s is already last.") % {"enterprise": name},
            code="at_the_end",
        )
    other = entries[other_index]
    before = snapshot(entry, ["position"])
    entry.position, other.position = other.position, entry.position
    CeremonyEntry.objects.bulk_update([entry, other], ["position"])
    audit(
        user,
        "awards.ceremony.moved",
        entry,
        diff(before, entry),
        note=AuditNote.CEREMONY_SWAPPED,
        note_params={
            "enterprise": other.result.nomination.enterprise.name_en,
            "enterprise_zh": other.result.nomination.enterprise.name_zh,
        },
    )
    return entry


def clean_details(
    *,
    representative_name: str = "",
    representative_title: str = "",
    pronunciation_note: str = "",
    table_number: int | None = None,
) -> dict:
    """The representative's details, stripped and checked against the model's lengths and
    the tables of the venue (1 to 999). Raises ValidationError naming each bad field."""
    values = {
        "representative_name": (representative_name or "").strip(),
        "representative_title": (representative_title or "").strip(),
        "pronunciation_note": (pronunciation_note or "").strip(),
        "table_number": table_number,
    }
    errors = {}
    for name in DETAIL_FIELDS[:3]:
        limit = CeremonyEntry._meta.get_field(name).max_length
        if len(values[name]) > limit:
            errors[name] = _("At most %(limit)d characters (it has %(length)d).") % {
                "limit": limit,
                "length": len(values[name]),
            }
    if table_number is not None and not TABLE_MIN <= table_number <= TABLE_MAX:
        errors["table_number"] = _("A table number is from %(min)d to %(max)d.") % {
            "min": TABLE_MIN,
            "max": TABLE_MAX,
        }
    if errors:
        raise ValidationError(errors)
    return values


@transaction.atomic
def ceremony_entry_update(
    *,
    result: NominationResult,
    user,
    representative_name: str = "",
    representative_title: str = "",
    pronunciation_note: str = "",
    table_number: int | None = None,
) -> CeremonyEntry:
    """Record who receives the award, how to say the names and where they sit."""
    require(rules.may_arrange_ceremony(user))
    values = clean_details(
        representative_name=representative_name,
        representative_title=representative_title,
        pronunciation_note=pronunciation_note,
        table_number=table_number,
    )
    cycle = _lock_frozen(Cycle(pk=result.nomination.cycle_id))
    entries = _fill(cycle, user)
    entry = entries[_find(entries, result)]
    before = snapshot(entry, DETAIL_FIELDS)
    for name, value in values.items():
        setattr(entry, name, value)
    changes = diff(before, entry)
    if changes:
        entry.save(update_fields=list(changes))
        audit(user, "awards.ceremony.entry_updated", entry, changes)
    return entry


def ceremony_list_discard(cycle: Cycle) -> str:
    """Delete the ceremony list of a cycle being reopened, whose frozen results it refers to
    (they are deleted next); returns the list as text for the reopening's audit entry. The
    caller holds the cycle's lock and records the audit entry."""
    entries = CeremonyEntry.objects.filter(result__nomination__cycle=cycle).select_related(
        "result__nomination__enterprise"
    )
    text = "; ".join(
        " · ".join(
            str(part)
            for part in (
                f"{entry.position}. {entry.result.nomination.enterprise.name_en}",
                entry.representative_name,
                entry.representative_title,
                entry.table_number,
            )
            if part not in ("", None)
        )
        for entry in entries
    )
    entries.delete()
    return text
