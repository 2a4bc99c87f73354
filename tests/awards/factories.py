import datetime
from decimal import Decimal

import factory

from awards.models import (
    Assignment,
    Cycle,
    EventTypeRule,
    Nomination,
    PanelCriterion,
    Review,
    ReviewScore,
)
from awards.services.cycles import DEFAULT_RULES
from awards.services.scores import cycle_recount, nominations_rescore
from partners.models import CooperationEvent
from tests.factories import EnterpriseFactory, UserFactory


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cycle
        django_get_or_create = ["year"]
        skip_postgeneration_save = True

    year = 2024
    title_en = factory.LazyAttribute(lambda c: f"Elite Enterprise Partnership Award {c.year}")
    title_zh = factory.LazyAttribute(lambda c: f"{c.year}年卓越企業夥伴嘉許計劃")
    window_start = factory.LazyAttribute(lambda c: datetime.date(c.year, 1, 1))
    window_end = factory.LazyAttribute(lambda c: datetime.date(c.year, 12, 31))
    quorum = 3
    cooperation_weight = Decimal("0.60")
    awards_planned = 3

    @factory.post_generation
    def rules(self, create, extracted, **kwargs):
        """Default rules for every event type unless `rules={type: (points, cap)}` is given."""
        if not create:
            return
        for event_type, (points, cap) in (extracted or DEFAULT_RULES).items():
            EventTypeRule.objects.get_or_create(
                cycle=self, event_type=event_type, defaults={"points": points, "cap": cap}
            )

    @factory.post_generation
    def criteria(self, create, extracted, **kwargs):
        """Two criteria (weights 2 and 1) unless `criteria=[(name, weight), ...]` is given."""
        if not create:
            return
        for position, (name, weight) in enumerate(
            extracted or [("Impact on enforcement", Decimal("2")), ("Commitment", Decimal("1"))]
        ):
            PanelCriterion.objects.get_or_create(
                cycle=self,
                name_en=name,
                defaults={"name_zh": name, "weight": weight, "position": position},
            )

    @factory.post_generation
    def kept_scores(self, create, extracted, **kwargs):
        """What cycle_create keeps: the window's tallies (awards.services.scores)."""
        if create:
            cycle_recount(self)


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    enterprise = factory.SubFactory(EnterpriseFactory)
    nominated_by = factory.SubFactory(UserFactory, username="secretariat", roles=["Secretariat"])

    @factory.post_generation
    def kept_scores(self, create, extracted, **kwargs):
        """What the nominating services keep: the nomination's score."""
        if create:
            nominations_rescore(Nomination.objects.filter(pk=self.pk))


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    nomination = factory.SubFactory(NominationFactory)
    member = factory.SubFactory(UserFactory, roles=["Panel"])
    declaration = Assignment.Declaration.NO_CONFLICT


def submitted_review(nomination, member, scores: list[int], declaration="no_conflict"):
    """A submitted review by `member` of `nomination`, one score per criterion in order."""
    assignment, _ = Assignment.objects.get_or_create(
        nomination=nomination,
        member=member,
        defaults={
            "declaration": declaration,
            "conflict_reason": "Former employer" if declaration == "conflict" else "",
        },
    )
    review = Review.objects.create(assignment=assignment, status=Review.Status.SUBMITTED)
    for criterion, score in zip(nomination.cycle.criteria.all(), scores, strict=True):
        ReviewScore.objects.create(review=review, criterion=criterion, score=score)
    nominations_rescore(Nomination.objects.filter(pk=nomination.pk))  # as review_save does
    return review


def verified_events(enterprise, verifier, officer, *specs):
    """Verified events from (event_type, significance, occurred_on) specs."""
    from tests.factories import EventFactory

    return [
        EventFactory(
            enterprise=enterprise,
            event_type=event_type,
            significance=significance,
            occurred_on=occurred_on,
            logged_by=officer,
            verified=True,
            verified_by=verifier,
        )
        for event_type, significance, occurred_on in specs
    ]


__all__ = ["CooperationEvent"]
