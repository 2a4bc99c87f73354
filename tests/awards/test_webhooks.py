"""The awards app's webhook events (awards/webhooks.py): on publication each nominee's
endpoint gets its own result (never another's) and the certificates issued before it; a
certificate issued after publication is sent when issued, one issued before waits for the
publication, as the notifications do."""

import json

import pytest

from awards.models import Cycle
from awards.services.certificates import certificate_issue
from awards.services.decisions import cycle_publish
from partners.models import Membership
from portal.webhooks import services
from portal.webhooks.models import Delivery
from tests.awards.certificate_data import awarded_result, certificate_of
from tests.awards.factories import CycleFactory

pytestmark = pytest.mark.django_db

EVENTS = ["results.published", "certificate.issued"]


@pytest.fixture
def endpoints(partner_user, other_partner_user, webhook_receiver):
    Membership.objects.filter(user__in=[partner_user, other_partner_user]).update(is_manager=True)
    made = {}
    for user in (partner_user, other_partner_user):
        user.refresh_from_db()
        made[user.username], _secret = services.endpoint_create(
            user=user, url=webhook_receiver.url, event_types=EVENTS
        )
    return made


def _sent(endpoint) -> list[dict]:
    return [
        json.loads(d.body)["data"]
        for d in Delivery.objects.filter(endpoint=endpoint).order_by("pk")
    ]


def test_publication_sends_each_nominee_its_own_result_and_certificates(
    endpoints,
    partner_user,
    other_partner_user,
    secretariat,
    secretariat2,
    settings,
    django_capture_on_commit_callbacks,
):
    cycle = CycleFactory(year=2024, status=Cycle.Status.FINALISED, finalised_by=secretariat)
    result = awarded_result(cycle, partner_user.membership.enterprise, nominated_by=secretariat)
    certificate = certificate_of(result, serial="EEPA-2024-0001")
    other = awarded_result(
        cycle, other_partner_user.membership.enterprise, nominated_by=secretariat, rank=2
    )
    other.awarded = False
    other.save()

    with django_capture_on_commit_callbacks(execute=True):
        cycle_publish(cycle=cycle, user=secretariat2)

    base = settings.PUBLIC_BASE_URL
    assert _sent(endpoints["partner1"]) == [
        {
            "result": {
                "cycle": 2024,
                "awarded": True,
                "cooperation_score": "80.00",
                "panel_score": "70.00",
                "final_score": "76.00",
                "url": f"{base}/my-enterprise/",
            }
        },
        {
            "certificate": {
                "cycle": 2024,
                "serial": "EEPA-2024-0001",
                "issued_at": certificate.issued_at.isoformat(),
                "verification_url": f"{base}/verify/{certificate.verification_code}/",
            }
        },
    ]
    assert _sent(endpoints["partner2"]) == [
        {
            "result": {
                "cycle": 2024,
                "awarded": False,
                "cooperation_score": "80.00",
                "panel_score": "70.00",
                "final_score": "76.00",
                "url": f"{base}/my-enterprise/",
            }
        }
    ]
    assert Delivery.objects.filter(status="delivered").count() == 3


def test_a_certificate_is_sent_when_its_enterprise_can_see_it(
    endpoints, partner_user, secretariat, django_capture_on_commit_callbacks
):
    cycle = CycleFactory(year=2024, status=Cycle.Status.FINALISED, finalised_by=secretariat)
    result = awarded_result(cycle, partner_user.membership.enterprise, nominated_by=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        certificate_issue(result=result, user=secretariat)
    assert not Delivery.objects.exists()  # not yet published: the partner cannot see it

    published = CycleFactory(year=2023, status=Cycle.Status.PUBLISHED, finalised_by=secretariat)
    late = awarded_result(published, partner_user.membership.enterprise, nominated_by=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = certificate_issue(result=late, user=secretariat)

    [sent] = _sent(endpoints["partner1"])
    assert sent["certificate"]["serial"] == certificate.serial
    assert not Delivery.objects.filter(endpoint=endpoints["partner2"]).exists()
