"""The dossier of a nomination: the verified events behind its cooperation score, with the points
each one earned, the category points and caps, and the score itself.

The numbers are the kept scores the ranking reads (awards.selectors.scores.kept_scores, equal to a
fresh computation from the events), so the dossier and the ranking can never disagree; the points
of each event (p_k × multiplier) are laid out beside them to show where the category points come
from.

Rendered by templates/awards/nominations/_dossier.html, which the secretariat's dossier page
and the panel's review pages include:

    dossier = nomination_dossier(nomination, show_restricted=assignment.may_see_dossier)
    {% include "awards/nominations/_dossier.html" with dossier=dossier %}

Restricted details (and outcomes) are copied into the dossier only when `show_restricted`, so
a template cannot show what was never loaded.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.urls import reverse

from awards.models import Cycle, Nomination, NominationResult
from awards.selectors.eligibility import Eligibility, enterprise_eligibility
from awards.selectors.scores import in_event_type_order, kept_scores
from partners.models import CooperationEvent, Enterprise

# The dossier lists the latest events of each type; the counts and points are of them all.
EVENTS_SHOWN_PER_TYPE = 10


@dataclass(frozen=True)
class DossierEvent:
    pk: int
    occurred_on: datetime.date
    title: str
    significance: str
    significance_label: str
    multiplier: Decimal
    points: Decimal  # p_k × multiplier(significance), before the category's cap
    partner_summary: str
    # Only when the dossier may show restricted details; otherwise empty.
    restricted_details: str = ""
    seizure_value_hkd: Decimal | None = None
    cases: int | None = None
    arrests: int | None = None

    @property
    def url(self) -> str:
        return reverse("partners:event-detail", args=[self.pk])


@dataclass(frozen=True)
class DossierCategory:
    event_type: str
    label: str
    points_per_event: Decimal | None  # None: the cycle gives this type no points
    cap: Decimal | None
    events: list[DossierEvent]  # the latest EVENTS_SHOWN_PER_TYPE, oldest first
    count: int  # every verified event of the type in the window
    earned: Decimal  # Σ p_k × multiplier over the events
    points: Decimal  # P_k = min(c_k, earned), as the kept scores count it

    @property
    def more(self) -> int:
        """The events of the type not shown."""
        return self.count - len(self.events)

    @property
    def capped(self) -> bool:
        return self.cap is not None and self.earned > self.cap


@dataclass(frozen=True)
class Dossier:
    nomination: Nomination
    cycle: Cycle
    enterprise: Enterprise
    eligibility: Eligibility
    categories: list[DossierCategory]
    total_points: Decimal  # Σ_k P_k
    total_cap: Decimal  # Σ_k c_k
    cooperation_score: Decimal
    verified_events: int
    show_restricted: bool
    result: NominationResult | None  # the frozen snapshot, once the cycle is finalised


def _earned(counts: dict[str, int], rule, multipliers) -> Decimal:
    """Σ p_k × multiplier over the type's events, from their counts by significance."""
    if rule is None:
        return Decimal(0)
    return sum(
        (rule.points * multipliers[significance] * n for significance, n in counts.items()),
        Decimal(0),
    )


def nomination_dossier(nomination: Nomination, *, show_restricted: bool) -> Dossier:
    """Everything the dossier shows. A fixed number of queries, whatever the number of events
    (fewer if the nomination comes with its cycle, enterprise, result and the cycle's rules and
    criteria already loaded)."""
    cycle, enterprise = nomination.cycle, nomination.enterprise
    rules = {rule.event_type: rule for rule in cycle.event_rules.all()}
    [scored] = kept_scores(cycle, [nomination.pk])

    # The latest events of each type (the counts and points come from the kept tallies): an
    # enterprise's busiest year holds thousands of events, more than a page can show.
    latest = Window(
        RowNumber(),
        partition_by=[F("event_type")],
        order_by=[F("occurred_on").desc(), F("pk").desc()],
    )
    events = (
        CooperationEvent.objects.verified_in_window(cycle.window_start, cycle.window_end)
        .filter(enterprise=enterprise)
        .annotate(latest=latest)
        .filter(latest__lte=EVENTS_SHOWN_PER_TYPE)
    )
    if not show_restricted:
        events = events.defer("restricted_details", "seizure_value_hkd", "cases", "arrests")
    by_type: dict[str, list[DossierEvent]] = {}
    multipliers = cycle.multipliers
    for event in events.order_by("occurred_on", "pk"):
        rule = rules.get(event.event_type)
        multiplier = multipliers[event.significance]
        restricted = (
            {
                "restricted_details": event.restricted_details,
                "seizure_value_hkd": event.seizure_value_hkd,
                "cases": event.cases,
                "arrests": event.arrests,
            }
            if show_restricted
            else {}
        )
        by_type.setdefault(event.event_type, []).append(
            DossierEvent(
                pk=event.pk,
                occurred_on=event.occurred_on,
                title=event.title,
                significance=event.significance,
                significance_label=event.get_significance_display(),
                multiplier=multiplier,
                points=rule.points * multiplier if rule else Decimal(0),
                partner_summary=event.partner_summary,
                **restricted,
            )
        )

    # Every type of the rules or of the events, in the order of every other table of them.
    labels = dict(CooperationEvent.EventType.choices)
    order = in_event_type_order({**scored.category_points, **scored.counts, **by_type})
    categories = [
        DossierCategory(
            event_type=event_type,
            label=labels.get(event_type, event_type),
            points_per_event=rules[event_type].points if event_type in rules else None,
            cap=rules[event_type].cap if event_type in rules else None,
            events=by_type.get(event_type, []),
            count=sum(scored.counts.get(event_type, {}).values()),
            earned=_earned(scored.counts.get(event_type, {}), rules.get(event_type), multipliers),
            points=scored.category_points.get(event_type, Decimal(0)),
        )
        for event_type in order
    ]
    try:
        result = nomination.result
    except ObjectDoesNotExist:
        result = None
    return Dossier(
        nomination=nomination,
        cycle=cycle,
        enterprise=enterprise,
        eligibility=enterprise_eligibility(cycle, enterprise),
        categories=categories,
        total_points=sum(scored.category_points.values(), Decimal(0)),
        total_cap=sum((rule.cap for rule in rules.values()), Decimal(0)),
        cooperation_score=scored.cooperation_score,
        verified_events=scored.verified_events,
        show_restricted=show_restricted,
        result=result,
    )
