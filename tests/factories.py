import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from partners.models import CooperationEvent, Enterprise, Membership, Sector

PASSWORD = "test-password-2024"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    first_name = factory.Faker("first_name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            # get_or_create: a transactional test's flush also removes the migration's groups.
            self.groups.add(Group.objects.get_or_create(name=name)[0])


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    name_en = factory.Sequence(lambda n: f"Harbour Logistics {n} Limited")
    name_zh = factory.Sequence(lambda n: f"海港物流{n}有限公司")
    br_number = factory.Sequence(lambda n: f"{30000000 + n:08d}")
    sector = Sector.CARGO_TERMINAL
    status = Enterprise.Status.ACTIVE


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory, roles=["Partner"])
    enterprise = factory.SubFactory(EnterpriseFactory)


class EventFactory(factory.django.DjangoModelFactory):
    """A draft event logged by an officer. Use `verified()` or the `status` trait helpers."""

    class Meta:
        model = CooperationEvent

    enterprise = factory.SubFactory(EnterpriseFactory)
    event_type = CooperationEvent.EventType.INTELLIGENCE_TIP
    occurred_on = datetime.date(2024, 5, 17)
    title = factory.Sequence(lambda n: f"Tip on suspicious container {n}")
    partner_summary = "Provided information on a suspicious shipment."
    restricted_details = "Case file reference (restricted)."
    significance = CooperationEvent.Significance.ROUTINE
    logged_by = factory.SubFactory(UserFactory, roles=["Officer"])
    status = CooperationEvent.Status.DRAFT

    class Params:
        submitted = factory.Trait(
            status=CooperationEvent.Status.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
        )
        verified = factory.Trait(
            status=CooperationEvent.Status.VERIFIED,
            submitted_at=factory.LazyFunction(timezone.now),
            verified_by=factory.SubFactory(UserFactory, roles=["Verifier"]),
            verified_at=factory.LazyFunction(timezone.now),
        )
