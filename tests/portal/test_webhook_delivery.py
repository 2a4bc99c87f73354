"""Deliveries (portal/webhooks/services.py, tasks.py), with Celery eager as in the rest of the
suite and a real receiver on 127.0.0.1 (tests/webhook_receiver.py): what the partners app's
triggers send, the signature the receiver checks, the log the manager reads, the retries with
their backoff (transient failures only), and the pause after a day of failures with its
notification and email in each manager's language."""

import datetime
import json
import uuid

import pytest
from celery.signals import task_retry
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone

from partners.models import Membership
from partners.services import events as event_services
from partners.services import reports as report_services
from portal.celery import app
from portal.models import Notification, UserPreference
from portal.webhooks import services, transport
from portal.webhooks.models import Delivery, Endpoint
from portal.webhooks.transport import Failure
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

ALL_EVENTS = [
    "report.status_changed",
    "event.verified",
    "results.published",
    "certificate.issued",
]


@pytest.fixture
def manager(partner_user):
    Membership.objects.filter(user=partner_user).update(is_manager=True)
    partner_user.refresh_from_db()
    return partner_user


@pytest.fixture
def endpoint(manager, webhook_receiver):
    endpoint, secret = services.endpoint_create(
        user=manager, url=webhook_receiver.url, event_types=ALL_EVENTS
    )
    webhook_receiver.secret = secret
    return endpoint


def _body(received) -> dict:
    return json.loads(received.body)


def test_a_test_delivery_is_signed_and_logged(
    endpoint, manager, webhook_receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_send_test(user=manager, endpoint=endpoint)

    [received] = webhook_receiver.received
    assert received.signature_ok
    assert received.headers["EEPA-Webhook-Id"] == str(delivery.webhook_id)
    assert received.headers["EEPA-Webhook-Event"] == "webhook.test"
    body = _body(received)
    assert body == {
        "id": str(delivery.webhook_id),
        "type": "webhook.test",
        "created": body["created"],
        "data": {"message": "A test from the EEPA portal."},
    }
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert (delivery.attempts, delivery.response_status) == (1, 200)
    assert delivery.response_excerpt == "ok"
    assert delivery.duration_ms is not None and delivery.failure == ""


def test_the_secret_is_stored_encrypted(endpoint, webhook_receiver):
    stored = Endpoint.objects.get(pk=endpoint.pk)
    assert webhook_receiver.secret not in stored.secret_encrypted
    assert stored.secret_hint == webhook_receiver.secret[-4:]


def test_an_endpoint_on_the_private_network_is_refused_when_added(manager):
    with pytest.raises(ValidationError) as refused:
        services.endpoint_create(
            user=manager, url="https://192.168.10.20/hook", event_types=["event.verified"]
        )
    assert refused.value.message_dict == {
        "url": ["The host resolves to an address that is not public (192.168.10.20)"]
    }
    assert not Endpoint.objects.exists()


def test_a_report_sends_its_status_as_the_partner_sees_it(
    endpoint, manager, officer, webhook_receiver, django_capture_on_commit_callbacks, settings
):
    with django_capture_on_commit_callbacks(execute=True):
        report = report_services.report_submit(
            user=manager,
            category="suspicious_shipment",
            description="Seal number does not match the manifest.",
            shipment_references=["MSCU1234565"],
        )
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_review(report=report, user=officer)

    report.refresh_from_db()
    statuses = []
    for received in webhook_receiver.received:
        assert received.signature_ok
        body = _body(received)
        assert body["type"] == "report.status_changed"
        statuses.append(body["data"]["report"].pop("status"))
        assert body["data"]["report"] == {
            "acknowledgement_number": report.acknowledgement_number,
            "source": "web",
            "category": "suspicious_shipment",
            "shipment_references": ["MSCU1234565"],
            "received_at": report.created_at.isoformat(),
            "updated_at": body["data"]["report"]["updated_at"],
            "url": f"{settings.PUBLIC_BASE_URL}/my-reports/{report.pk}/",
        }
    assert statuses == ["received", "under_review"]


def test_a_verified_event_sends_its_partner_visible_fields(
    endpoint, submitted_event, verifier, webhook_receiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_verify(event=submitted_event, user=verifier)

    submitted_event.refresh_from_db()
    [received] = webhook_receiver.received
    assert received.signature_ok
    assert _body(received)["data"] == {
        "event": {
            "event_type": submitted_event.event_type,
            "occurred_on": submitted_event.occurred_on.isoformat(),
            "significance": submitted_event.significance,
            "summary": submitted_event.partner_summary,
            "verified_on": timezone.localdate(submitted_event.verified_at).isoformat(),
        }
    }


def test_another_enterprises_endpoint_hears_nothing(
    endpoint,
    other_partner_user,
    submitted_event,
    verifier,
    webhook_receiver,
    django_capture_on_commit_callbacks,
):
    Membership.objects.filter(user=other_partner_user).update(is_manager=True)
    other_partner_user.refresh_from_db()
    theirs, _secret = services.endpoint_create(
        user=other_partner_user, url=webhook_receiver.url, event_types=ALL_EVENTS
    )
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_verify(event=submitted_event, user=verifier)

    assert list(Delivery.objects.values_list("endpoint", flat=True)) == [endpoint.pk]
    assert not theirs.deliveries.exists()


def test_an_endpoint_gets_only_the_events_it_chose(
    manager, submitted_event, verifier, webhook_receiver, django_capture_on_commit_callbacks
):
    services.endpoint_create(
        user=manager, url=webhook_receiver.url, event_types=["report.status_changed"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        event_services.event_verify(event=submitted_event, user=verifier)

    assert webhook_receiver.received == []
    assert not Delivery.objects.exists()


@pytest.fixture
def retry_delays():
    """Eager retries, run at once (Celery's eager mode ignores the countdown), and the
    countdown Celery's autoretry chose for each (the `when` of the Retry it raised). Without
    propagation: with it, Celery raises the retry into the caller (tasks.py)."""
    saved = app.conf.task_eager_propagates
    app.conf.task_eager_propagates = False
    delays = []

    def record(sender=None, reason=None, **kwargs):
        delays.append(reason.when)

    task_retry.connect(record, weak=False)
    yield delays
    task_retry.disconnect(record)
    app.conf.task_eager_propagates = saved


def test_transient_failures_are_retried_with_exponential_backoff(
    endpoint, manager, webhook_receiver, retry_delays, django_capture_on_commit_callbacks
):
    webhook_receiver.answers = [503, 429, 502, 200]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_send_test(user=manager, endpoint=endpoint)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("delivered", 4, 200)
    assert retry_delays == [30, 60, 120]
    # Every attempt is the same delivery, freshly signed.
    ids = {r.headers["EEPA-Webhook-Id"] for r in webhook_receiver.received}
    assert ids == {str(delivery.webhook_id)}
    assert all(r.signature_ok for r in webhook_receiver.received)


def test_without_a_broker_a_failure_is_not_retried_in_the_request(
    endpoint, manager, webhook_receiver, django_capture_on_commit_callbacks
):
    webhook_receiver.answers = [503, 200]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_send_test(user=manager, endpoint=endpoint)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, 503)


def test_a_refusal_by_the_receiver_is_not_retried(
    endpoint, manager, webhook_receiver, retry_delays, django_capture_on_commit_callbacks
):
    webhook_receiver.answers = [(401, b"bad signature", {})]
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_send_test(user=manager, endpoint=endpoint)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.response_status) == ("failed", 1, 401)
    assert (delivery.failure, delivery.response_excerpt) == (Failure.STATUS, "bad signature")
    assert retry_delays == []


def test_a_delivery_gives_up_after_ten_attempts(
    endpoint, manager, webhook_receiver, retry_delays, django_capture_on_commit_callbacks
):
    webhook_receiver.answers = [500] * 20
    with django_capture_on_commit_callbacks(execute=True):
        delivery = services.endpoint_send_test(user=manager, endpoint=endpoint)

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 10)
    assert retry_delays == [30, 60, 120, 240, 480, 960, 1920, 3600, 3600]
    assert len(webhook_receiver.received) == 10


def test_a_delivery_no_longer_pending_is_not_sent_again(endpoint, manager, webhook_receiver):
    delivery = services.endpoint_send_test(user=manager, endpoint=endpoint)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.DELIVERED)

    assert services.delivery_attempt(delivery_id=delivery.pk, last_try=False).retry is False
    assert services.delivery_attempt(delivery_id=0, last_try=False).retry is False
    assert webhook_receiver.received == []


def _fail_once(endpoint, receiver, captured):
    """One report delivery that fails for good (a 404), through the partners' trigger."""
    receiver.answers = [404]
    with captured(execute=True):
        report_services.report_submit(
            user=endpoint.created_by, category="other", description="Anything."
        )


def test_the_first_failure_starts_the_clock(
    endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    _fail_once(endpoint, webhook_receiver, django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert endpoint.status == Endpoint.Status.ACTIVE
    assert timezone.now() - endpoint.failing_since < datetime.timedelta(minutes=1)


def test_failing_for_less_than_a_day_keeps_the_endpoint(
    endpoint, webhook_receiver, django_capture_on_commit_callbacks
):
    since = timezone.now() - datetime.timedelta(hours=23, minutes=59)
    Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=since)

    _fail_once(endpoint, webhook_receiver, django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.failing_since) == (Endpoint.Status.ACTIVE, since)
    assert not Notification.objects.filter(kind="webhook_endpoint_paused").exists()


def test_a_success_ends_the_streak(endpoint, manager, django_capture_on_commit_callbacks):
    Endpoint.objects.filter(pk=endpoint.pk).update(
        failing_since=timezone.now() - datetime.timedelta(hours=20)
    )
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_submit(user=manager, category="other", description="Anything.")

    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_a_day_of_failures_pauses_the_endpoint_and_tells_its_managers(
    endpoint,
    manager,
    colleague,
    webhook_receiver,
    django_capture_on_commit_callbacks,
    compiled_catalogue,
):
    second_manager = MembershipFactory(
        user=UserFactory(username="partner1c", email="c@example.com", roles=["Partner"]),
        enterprise=manager.membership.enterprise,
        is_manager=True,
    ).user
    UserPreference.objects.create(user=second_manager, language="zh-hant")
    since = timezone.now() - datetime.timedelta(hours=24, minutes=1)
    Endpoint.objects.filter(pk=endpoint.pk).update(failing_since=since)
    waiting = services.endpoint_send_test(user=manager, endpoint=endpoint)  # not counted
    mail.outbox.clear()

    _fail_once(endpoint, webhook_receiver, django_capture_on_commit_callbacks)

    endpoint.refresh_from_db()
    assert endpoint.status == Endpoint.Status.PAUSED
    assert endpoint.paused_at is not None
    notified = Notification.objects.filter(kind="webhook_endpoint_paused")
    # The managers, not the colleague who is not one.
    assert sorted(n.recipient.username for n in notified) == ["partner1", "partner1c"]
    assert notified.first().link == f"/my-enterprise/webhooks/{endpoint.pk}/"
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[manager.email].endswith("Webhook endpoint paused")
    assert subjects["c@example.com"].endswith("Webhook 端點已暫停")
    # Nothing more goes to it: new events make no delivery; the test waiting is still sent.
    with django_capture_on_commit_callbacks(execute=True):
        report_services.report_submit(user=manager, category="other", description="More.")
    assert Delivery.objects.filter(endpoint=endpoint).count() == 2
    assert Delivery.objects.get(pk=waiting.pk).status == Delivery.Status.PENDING


def test_resuming_a_paused_endpoint(endpoint, manager):
    Endpoint.objects.filter(pk=endpoint.pk).update(
        status=Endpoint.Status.PAUSED, paused_at=timezone.now(), failing_since=timezone.now()
    )
    endpoint.refresh_from_db()

    services.endpoint_resume(user=manager, endpoint=endpoint)

    endpoint.refresh_from_db()
    assert (endpoint.status, endpoint.failing_since, endpoint.paused_at) == ("active", None, None)
    with pytest.raises(ValidationError):
        services.endpoint_resume(user=manager, endpoint=endpoint)


def test_a_renewed_secret_signs_the_next_delivery(
    endpoint, manager, webhook_receiver, django_capture_on_commit_callbacks
):
    old = webhook_receiver.secret
    webhook_receiver.secret = services.endpoint_secret_renew(user=manager, endpoint=endpoint)
    with django_capture_on_commit_callbacks(execute=True):
        services.endpoint_send_test(user=manager, endpoint=endpoint)

    assert webhook_receiver.secret != old
    assert webhook_receiver.received[0].signature_ok


def test_webhook_ids_are_unique(endpoint, manager):
    deliveries = [services.endpoint_send_test(user=manager, endpoint=endpoint) for _ in range(3)]
    assert len({d.webhook_id for d in deliveries}) == 3
    assert all(isinstance(d.webhook_id, uuid.UUID) for d in deliveries)


def test_an_attempt_recorded_after_another_finished_changes_nothing(endpoint, manager):
    # Two runs of one message (acks_late redelivers when a worker dies): the second to record
    # its outcome finds the delivery done by the first and leaves it so.
    delivery = services.endpoint_send_test(user=manager, endpoint=endpoint)
    Delivery.objects.filter(pk=delivery.pk).update(status=Delivery.Status.DELIVERED)

    failure = transport.Unreachable(Failure.TIMEOUT, "10 s")
    assert services._record(delivery.pk, None, failure, last_try=False).retry is False

    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.failure) == ("delivered", 0, "")
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None


def test_a_delivery_whose_endpoint_was_removed_is_dropped(endpoint, manager, webhook_receiver):
    delivery = services.endpoint_send_test(user=manager, endpoint=endpoint)
    services.endpoint_delete(user=manager, endpoint=endpoint)

    assert services.delivery_attempt(delivery_id=delivery.pk, last_try=False).retry is False
    assert webhook_receiver.received == []
