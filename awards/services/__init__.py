"""Every write to the award cycles, one module per area: cycles, nominations, panel, decisions.
Each function is audited and runs in a transaction."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from awards.models import Cycle


def ensure_cycle_editable(cycle: Cycle) -> Cycle:
    """Lock the cycle's row and refuse if it is finalised or published; returns the fresh row.

    Every write to a cycle or to anything in it (settings, nominations, assignments,
    declarations, reviews, decisions) calls this first, inside its transaction. cycle_finalise
    locks the same row, so a write that races with a finalisation waits for it, then refuses.
    Writers take the weaker "no key update" lock and do not block inserts that refer to the
    cycle."""
    locked = Cycle.objects.select_for_update(no_key=True).get(pk=cycle.pk)
    if locked.is_frozen:
        raise ValidationError(
            _("%(cycle)s is %(status)s: nothing in it can be changed any more.")
            % {"cycle": locked, "status": locked.get_status_display().lower()},
            code="cycle_frozen",
        )
    return locked
