"""What awaits someone's approval in the awards (four eyes), for the staff dashboard.

Today one thing does: a finalised cycle's publication, which a member of the secretariat other
than the one who finalised approves (rules.may_publish_cycle). Each item says whether the reader
may approve it or waits for another member to; the list empties as soon as it is done.
"""

from dataclasses import dataclass

from django.db.models import Count, Q
from django.urls import reverse

from awards import rules
from awards.models import Cycle


@dataclass(frozen=True)
class Approval:
    cycle: Cycle  # with finalised_by, and `awardees`
    url: str  # where it is approved (or, for its finaliser, where it stands)
    mine: bool  # True: the reader may approve it; False: they wait for another member

    @property
    def awardees(self) -> int:
        return self.cycle.awardees


@dataclass(frozen=True)
class Approvals:
    mine: list[Approval]  # awaiting the reader's approval
    by_others: list[Approval]  # the reader's own, awaiting another member's

    def __bool__(self) -> bool:
        return bool(self.mine or self.by_others)


def awaiting_approval(user) -> Approvals:
    """The finalised cycles awaiting publication approval that `user` sees: those they may
    approve, and those they finalised. One query for the secretariat; none for anyone else
    (nobody else approves anything in the awards)."""
    if not rules.may_manage_cycles(user):
        return Approvals([], [])
    cycles = (
        Cycle.objects.visible_to(user)
        .filter(status=Cycle.Status.FINALISED)
        .select_related("finalised_by")
        .annotate(awardees=Count("nominations", filter=Q(nominations__result__awarded=True)))
        .order_by("-year")
    )
    mine, by_others = [], []
    for cycle in cycles:
        verdict = rules.may_publish_cycle(user, cycle)
        if verdict:
            mine.append(Approval(cycle, reverse("awards:cycle-publish", args=[cycle.year]), True))
        elif verdict.code == "four_eyes":
            by_others.append(
                Approval(cycle, reverse("awards:decision-list", args=[cycle.year]), False)
            )
    return Approvals(mine, by_others)
