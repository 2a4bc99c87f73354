"""Who may be nominated in a cycle: the one place the eligibility rule is stated.

An enterprise is ineligible for a cycle if it is suspended, or if staff raised an enforcement
concern about it, dated inside the cycle's assessment window, that has not been cleared.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from awards.models import CooperationTally
from partners.models import EnforcementFlag, Enterprise


@dataclass(frozen=True)
class Eligibility:
    reasons: tuple[str, ...] = ()

    @property
    def eligible(self) -> bool:
        return not self.reasons

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def eligibility_of(cycle, enterprises: Iterable[Enterprise]) -> dict[int, Eligibility]:
    """Eligibility for `cycle` of each of `enterprises` (already loaded), by enterprise id.
    One query, whatever the number of enterprises."""
    enterprises = list(enterprises)
    concerns: dict[int, list[str]] = {}
    for flag in active_concerns_in_window(cycle, [e.pk for e in enterprises]):
        concerns.setdefault(flag.enterprise_id, []).append(
            _("Enforcement concern of %(date)s: %(reason)s")
            % {"date": date_format(flag.flagged_on, "DATE_FORMAT"), "reason": flag.reason}
        )
    result = {}
    for enterprise in enterprises:
        reasons = [_("Suspended")] if enterprise.status == Enterprise.Status.SUSPENDED else []
        result[enterprise.pk] = Eligibility(tuple(reasons + concerns.get(enterprise.pk, [])))
    return result


def enterprise_eligibility(cycle, enterprise: Enterprise) -> Eligibility:
    return eligibility_of(cycle, [enterprise])[enterprise.pk]


def active_concerns_in_window(cycle, enterprise_ids) -> QuerySet:
    """The concerns that make an enterprise ineligible for `cycle`: not cleared, and dated
    inside the assessment window (both ends included), oldest first."""
    return EnforcementFlag.objects.filter(
        enterprise_id__in=list(enterprise_ids),
        cleared_at__isnull=True,
        flagged_on__gte=cycle.window_start,
        flagged_on__lte=cycle.window_end,
    ).order_by("flagged_on", "pk")


def ineligible(cycle, enterprise: str = "") -> Q:
    """The condition of eligibility_of's rule, for counting in the database: the enterprise
    (reached through the `enterprise` path prefix) is suspended or has a concern that makes it
    ineligible for `cycle`."""
    concerns = EnforcementFlag.objects.filter(
        enterprise=OuterRef(f"{enterprise}pk"),
        cleared_at__isnull=True,
        flagged_on__gte=cycle.window_start,
        flagged_on__lte=cycle.window_end,
    )
    return Q(**{f"{enterprise}status": Enterprise.Status.SUSPENDED}) | Q(Exists(concerns))


def with_verified_events_in_window(enterprises: QuerySet, cycle) -> QuerySet:
    """`enterprises` annotated with `verified_in_window`: their verified events that occurred
    inside the cycle's window, as the kept tallies count them (awards.models.scores: the
    count Nomination.with_scores makes from the events, read from one row)."""
    counted = CooperationTally.objects.filter(cycle=cycle, enterprise=OuterRef("pk"))
    return enterprises.annotate(
        verified_in_window=Coalesce(
            Subquery(counted.values("verified_events")[:1], output_field=IntegerField()), 0
        )
    )
