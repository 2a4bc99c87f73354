"""Who may do what, answered in one place per app (partners/rules.py, awards/rules.py).

Every rule is a plain function `may_<verb>(user, obj) -> Verdict`. A verdict is truthy when the
user may; when not, it says why, in the reader's language, and whether it is the person who may
not (`never`: a PermissionDenied, 403) or the moment that does not allow it (`not_now`: a
ValidationError, the state of the record, a deadline, someone who acted first).

- services `require()` the verdict before they write, so nothing gets past a rule;
- views ask the same rules to answer 403 and to decide which buttons a page shows;
- templates read the verdicts the view passed: `{% if actions.verify %}` shows the button,
  `{{ actions.verify.reason }}` says why it is not there.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from portal.roles import Role, has_role


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    reason: str = ""
    # Refused because of the state of things, not because of who the user is.
    not_now: bool = False
    code: str = ""

    def __bool__(self) -> bool:
        return self.allowed

    def __str__(self) -> str:
        return self.reason


ALLOWED = Verdict(True)


def never(reason, code: str = "") -> Verdict:
    """This user may not, whatever the state of things."""
    return Verdict(False, str(reason), code=code)


def not_now(reason, code: str = "") -> Verdict:
    """Not in the present state of things (or not any more)."""
    return Verdict(False, str(reason), not_now=True, code=code)


def allowed(verdicts: dict[str, Verdict]) -> set[str]:
    """The names of the actions a page offers, from their verdicts (`"edit" in actions`)."""
    return {name for name, verdict in verdicts.items() if verdict}


def forbid_unless(verdict: Verdict) -> None:
    """For a view: a page or action the rule refuses is a 403, whatever the reason."""
    if not verdict:
        raise PermissionDenied(verdict.reason)


def require(verdict: Verdict) -> None:
    """Raise the refusal a service answers with: ValidationError for the state, PermissionDenied
    for the person."""
    if verdict:
        return
    if verdict.not_now:
        raise ValidationError(verdict.reason, code=verdict.code or None)
    raise PermissionDenied(verdict.reason)


def may_manage_second_factors(user) -> Verdict:
    """The page listing users' second factors, to reset a lost one: the secretariat and
    superusers."""
    if has_role(user, Role.SECRETARIAT):
        return ALLOWED
    return never(_("Only the secretariat and administrators reset second factors."))


def may_reset_second_factor(user, target) -> Verdict:
    """Nobody resets their own (someone else checks who is asking); only a superuser resets a
    superuser's."""
    if user.pk == target.pk:
        return never(_("You cannot reset your own second factor: ask the secretariat."))
    if user.is_superuser:
        return ALLOWED
    if has_role(user, Role.SECRETARIAT) and not target.is_superuser:
        return ALLOWED
    return never(_("Only an administrator can reset an administrator's second factor."))
