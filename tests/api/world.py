"""The API's test world: two partner enterprises with a report, a verified event and a
certificate each side, a published cycle, and a key of every kind."""

from datetime import timedelta
from types import SimpleNamespace

from django.utils import timezone

from awards.models import Cycle
from partners.models import CooperationEvent
from portal.api.models import ApiKey
from portal.api.scopes import PARTNER_SCOPES, STAFF_SCOPES, Scope
from tests.api import partner_key, staff_key
from tests.awards.certificate_data import awarded_result, certificate_of
from tests.awards.factories import CycleFactory
from tests.factories import EventFactory
from tests.partners.report_data import report_of

# The keys of the access matrix, in the order of its cells.
KEYS = (
    "none",
    "partner1",  # every partner scope, partner_user's enterprise
    "partner2",  # every partner scope, other_partner_user's enterprise
    "partner1_narrow",  # partner1's enterprise, webhooks:manage only
    "staff",  # every staff scope
    "staff_narrow",  # staff:events:read only
    "revoked",  # partner1's, every scope, revoked
    "expired",  # partner1's, every scope, expired
)


def build_world(*, officer, verifier2, secretariat, partner_user, other_partner_user):
    enterprise = partner_user.membership.enterprise
    other = other_partner_user.membership.enterprise
    cycle = CycleFactory(year=2024, status=Cycle.Status.PUBLISHED)
    events = {}
    for name, owner in (("event", enterprise), ("other_event", other)):
        events[name] = EventFactory(
            enterprise=owner,
            logged_by=officer,
            status=CooperationEvent.Status.VERIFIED,
            verified_by=verifier2,
            verified_at=timezone.now(),
            restricted_details=f"RESTRICTED case file of {owner.name_en}",
            title=f"STAFF-ONLY title for {owner.name_en}",
        )
    texts = {"none": None}
    keys = {}
    for name, user, scopes in (
        ("partner1", partner_user, PARTNER_SCOPES),
        ("partner2", other_partner_user, PARTNER_SCOPES),
        ("partner1_narrow", partner_user, [Scope.WEBHOOKS_MANAGE]),
        ("revoked", partner_user, PARTNER_SCOPES),
        ("expired", partner_user, PARTNER_SCOPES),
    ):
        keys[name], texts[name] = partner_key(user, scopes, name=name)
    for name, scopes in (("staff", STAFF_SCOPES), ("staff_narrow", [Scope.STAFF_EVENTS_READ])):
        keys[name], texts[name] = staff_key(secretariat, scopes, name=name)
    ApiKey.objects.filter(pk=keys["revoked"].pk).update(revoked_at=timezone.now())
    ApiKey.objects.filter(pk=keys["expired"].pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    return SimpleNamespace(
        enterprise=enterprise,
        other_enterprise=other,
        cycle=cycle,
        report=report_of(partner_user),
        other_report=report_of(other_partner_user),
        certificate=certificate_of(
            awarded_result(cycle, enterprise, nominated_by=secretariat), serial="EEPA-2024-0001"
        ),
        other_certificate=certificate_of(
            awarded_result(cycle, other, nominated_by=secretariat, rank=2),
            serial="EEPA-2024-0002",
        ),
        keys=keys,
        texts=texts,
        **events,
    )
