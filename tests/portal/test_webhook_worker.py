"""A real Celery worker on Redis (tests/worker.py) delivers signed webhooks to a partner's
receiver on 127.0.0.1 (tests/webhook_receiver.py), which checks each signature as
docs/webhooks.md says: an event verified in the portal arrives, signed, with its delivery
logged; a receiver that fails at first gets the same delivery again after the backoff."""

import json

import pytest

from partners.models import Membership
from partners.services import events as event_services
from portal.webhooks import services
from portal.webhooks.models import Delivery
from tests.worker import wait_for

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def manager(partner_user):
    Membership.objects.filter(user=partner_user).update(is_manager=True)
    partner_user.refresh_from_db()
    return partner_user


def test_a_real_worker_delivers_a_signed_webhook(
    webhook_receiver, redis_worker, manager, submitted_event, verifier
):
    process, log = redis_worker
    endpoint, webhook_receiver.secret = services.endpoint_create(
        user=manager, url=webhook_receiver.url, event_types=["event.verified"]
    )

    event_services.event_verify(event=submitted_event, user=verifier)  # commits, then queues
    delivery = Delivery.objects.get(endpoint=endpoint)
    wait_for(
        lambda: Delivery.objects.filter(pk=delivery.pk, status="delivered").exists(),
        process,
        log,
    )

    [received] = webhook_receiver.received
    assert received.signature_ok, log.read_text()
    assert received.headers["EEPA-Webhook-Id"] == str(delivery.webhook_id)
    body = json.loads(received.body)
    assert (body["type"], body["data"]["event"]["event_type"]) == (
        "event.verified",
        submitted_event.event_type,
    )
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status, delivery.response_excerpt) == (
        1,
        200,
        "ok",
    )
    assert "deliver_webhook" in log.read_text()


def test_a_real_worker_retries_after_the_backoff(webhook_receiver, redis_worker, manager):
    process, log = redis_worker
    endpoint, webhook_receiver.secret = services.endpoint_create(
        user=manager, url=webhook_receiver.url, event_types=["event.verified"]
    )
    webhook_receiver.answers = [503]

    delivery = services.endpoint_send_test(user=manager, endpoint=endpoint)
    wait_for(
        lambda: Delivery.objects.filter(pk=delivery.pk, status="delivered").exists(),
        process,
        log,
    )

    first, second = webhook_receiver.received
    assert first.signature_ok and second.signature_ok
    assert first.headers["EEPA-Webhook-Id"] == second.headers["EEPA-Webhook-Id"]
    # The second attempt came after the first backoff (30 s), signed at its own time.
    waited = int(second.headers["EEPA-Webhook-Timestamp"]) - int(
        first.headers["EEPA-Webhook-Timestamp"]
    )
    assert 29 <= waited <= 90, log.read_text()
    delivery.refresh_from_db()
    assert (delivery.attempts, delivery.response_status) == (2, 200)
