"""Writes of the webhook core: the managers' endpoints, the events the apps publish, and each
delivery attempt the Celery task makes (portal/webhooks/tasks.py)."""

import datetime
import json
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from portal.audit import audit
from portal.rules import require
from portal.webhooks import crypto, notifications, rules, signing, transport
from portal.webhooks.events import TEST
from portal.webhooks.models import Delivery, Endpoint

# An endpoint whose attempts have all failed for this long is paused (and its managers told).
PAUSE_AFTER = datetime.timedelta(hours=24)
# Answers that say "try again later"; any other error status is final.
TRANSIENT_STATUSES = {408, 425, 429}


def _check_destination(url: str) -> None:
    try:
        transport.check_destination(url)
    except transport.TransportError as error:
        raise ValidationError({"url": error.message}) from error


@transaction.atomic
def endpoint_create(
    *, user, url: str, event_types: list[str], description: str = ""
) -> tuple[Endpoint, str]:
    """A manager adds an endpoint for their enterprise. Returns it with its secret, which is
    shown this once."""
    require(rules.may_manage_webhooks(user))
    _check_destination(url)
    secret = crypto.new_secret()
    endpoint = Endpoint(
        enterprise_id=user.membership.enterprise_id,
        url=url,
        description=description.strip(),
        event_types=sorted(set(event_types)),
        secret_encrypted=crypto.encrypt(secret),
        secret_hint=secret[-4:],
        created_by=user,
    )
    endpoint.full_clean()
    endpoint.save()
    audit(user, "webhooks.endpoint.created", endpoint, {"url": ["", url]})
    return endpoint, secret


def _lock(endpoint: Endpoint) -> Endpoint:
    return Endpoint.objects.select_for_update().get(pk=endpoint.pk)


@transaction.atomic
def endpoint_secret_renew(*, user, endpoint: Endpoint) -> str:
    """A new secret replaces the old at once (deliveries not yet sent are signed with it)."""
    require(rules.may_manage_webhooks(user))
    endpoint = _lock(endpoint)
    secret = crypto.new_secret()
    endpoint.secret_encrypted, endpoint.secret_hint = crypto.encrypt(secret), secret[-4:]
    endpoint.save(update_fields=["secret_encrypted", "secret_hint"])
    audit(user, "webhooks.endpoint.secret_renewed", endpoint)
    return secret


@transaction.atomic
def endpoint_delete(*, user, endpoint: Endpoint) -> None:
    require(rules.may_manage_webhooks(user))
    endpoint = _lock(endpoint)
    # Recorded before the row goes: the trail keeps what it was.
    audit(user, "webhooks.endpoint.deleted", endpoint, {"url": [endpoint.url, ""]})
    endpoint.delete()


@transaction.atomic
def endpoint_resume(*, user, endpoint: Endpoint) -> Endpoint:
    endpoint = _lock(endpoint)
    require(rules.may_resume_endpoint(user, endpoint))
    endpoint.status, endpoint.failing_since, endpoint.paused_at = Endpoint.Status.ACTIVE, None, None
    endpoint.save(update_fields=["status", "failing_since", "paused_at"])
    audit(user, "webhooks.endpoint.resumed", endpoint, {"status": ["paused", "active"]})
    return endpoint


@transaction.atomic
def endpoint_send_test(*, user, endpoint: Endpoint) -> Delivery:
    """The "Send a test" button: a test event to this endpoint, even a paused one (to check
    that the receiver works again before resuming it)."""
    require(rules.may_manage_webhooks(user))
    delivery = _delivery(endpoint, TEST.code, {"message": "A test from the EEPA portal."})
    audit(user, "webhooks.endpoint.tested", endpoint)
    return delivery


def subscribers(event_type: str, enterprise_ids) -> dict[int, list[Endpoint]]:
    """The active endpoints of these enterprises that want `event_type`, by enterprise: the
    apps' triggers build payloads only for those (often none)."""
    found: dict[int, list[Endpoint]] = {}
    for endpoint in Endpoint.objects.filter(
        enterprise_id__in=enterprise_ids, status=Endpoint.Status.ACTIVE
    ):
        # In Python: SQLite (the demo) has no JSON containment lookup.
        if event_type in endpoint.event_types:
            found.setdefault(endpoint.enterprise_id, []).append(endpoint)
    return found


def event_publish(*, event_type: str, endpoints: list[Endpoint], data: dict) -> list[Delivery]:
    """Called by an app's trigger inside its service's transaction: one delivery per endpoint
    (from `subscribers`), sent once the transaction commits. `data` must hold only what the
    enterprise's own users may read."""
    return [_delivery(endpoint, event_type, data) for endpoint in endpoints]


def _delivery(endpoint: Endpoint, event_type: str, data: dict) -> Delivery:
    delivery = Delivery(endpoint=endpoint, event_type=event_type)
    delivery.body = json.dumps(
        {
            "id": str(delivery.webhook_id),
            "type": event_type,
            "created": timezone.now().isoformat(timespec="seconds"),
            "data": data,
        },
        ensure_ascii=False,
        separators=(",", ":"),
        cls=_Encoder,
    )
    delivery.save()
    transaction.on_commit(_queue(delivery.pk))
    return delivery


class _Encoder(json.JSONEncoder):
    """Dates, times and decimals (scores) as ISO text and exact decimal strings."""

    def default(self, o):
        if isinstance(o, datetime.date | datetime.datetime):
            return o.isoformat()
        if hasattr(o, "as_tuple"):  # Decimal
            return str(o)
        return super().default(o)


def _queue(delivery_id: int):
    def send():
        from portal.webhooks.tasks import deliver_webhook

        deliver_webhook.delay(delivery_id)

    return send


# Attempts


@dataclass(frozen=True)
class Attempt:
    """What the task does next: nothing (delivered, failed for good, gone) or retry later."""

    retry: bool = False
    reason: str = ""


def delivery_attempt(*, delivery_id: int, last_try: bool) -> Attempt:
    """One attempt of a pending delivery. The HTTP call is made outside any transaction (a
    slow receiver holds no lock); its outcome is recorded under the endpoint's lock."""
    delivery = (
        Delivery.objects.select_related("endpoint")
        .filter(pk=delivery_id, status=Delivery.Status.PENDING)
        .first()
    )
    if delivery is None:
        return Attempt()
    endpoint = delivery.endpoint
    if endpoint.is_paused and delivery.event_type != TEST.code:
        return _give_up(delivery, transport.Failure.PAUSED)
    body = delivery.body.encode()
    response, error = None, None
    try:
        secret = crypto.decrypt(endpoint.secret_encrypted)
        headers = signing.signed_headers(
            secret=secret,
            webhook_id=str(delivery.webhook_id),
            event_type=delivery.event_type,
            body=body,
            timestamp=int(timezone.now().timestamp()),
        )
        response = transport.post(endpoint.url, body, headers)
    except crypto.SecretUnreadable:
        error = transport.Refused(transport.Failure.SECRET)
    except transport.TransportError as failure:
        error = failure
    return _record(delivery.pk, response, error, last_try)


@transaction.atomic
def _record(delivery_id: int, response, error, last_try: bool) -> Attempt:
    # The endpoint's lock, then the delivery's: a message delivered twice (acks_late) counts
    # its attempts one after the other. Either may have been removed meanwhile.
    endpoint = (
        Endpoint.objects.select_for_update(of=("self",)).filter(deliveries__pk=delivery_id).first()
    )
    delivery = Delivery.objects.select_for_update().filter(pk=delivery_id).first()
    if endpoint is None or delivery is None or delivery.status != Delivery.Status.PENDING:
        return Attempt()
    now = timezone.now()
    delivery.attempts += 1
    delivery.last_attempt_at = now
    delivery.response_status = response.status if response else None
    delivery.duration_ms = response.duration_ms if response else None
    delivery.response_excerpt = (
        response.body.decode("utf-8", "replace").replace("\x00", "") if response else ""
    )
    delivery.failure = error.code if error else ""
    delivery.failure_detail = error.detail[:200] if error else ""
    ok = response is not None and 200 <= response.status < 300
    if ok:
        delivery.status = Delivery.Status.DELIVERED
    else:
        if response is not None:
            delivery.failure = transport.Failure.STATUS
        transient = isinstance(error, transport.Unreachable) or (
            response is not None and _transient(response.status)
        )
        retry = transient and not last_try
        delivery.status = Delivery.Status.PENDING if retry else Delivery.Status.FAILED
    delivery.save()
    if delivery.event_type == TEST.code:
        # A test says whether the receiver works; it does not count towards pausing.
        return Attempt(retry=not ok and delivery.status == Delivery.Status.PENDING)
    if ok:
        if endpoint.failing_since is not None:
            endpoint.failing_since = None
            endpoint.save(update_fields=["failing_since"])
        return Attempt()
    _failed(endpoint, now)
    if delivery.status == Delivery.Status.PENDING and not endpoint.is_paused:
        return Attempt(retry=True, reason=delivery.failure)
    if delivery.status == Delivery.Status.PENDING:
        # Paused by this failure: the delivery stops here.
        delivery.status = Delivery.Status.FAILED
        delivery.save(update_fields=["status"])
    return Attempt()


def _transient(status: int) -> bool:
    return status >= 500 or status in TRANSIENT_STATUSES


def _failed(endpoint: Endpoint, now) -> None:
    """Count a failed attempt on the locked endpoint: the first of a streak starts its clock;
    one a day or more after the streak began pauses the endpoint and tells its managers."""
    if endpoint.failing_since is None:
        endpoint.failing_since = now
        endpoint.save(update_fields=["failing_since"])
        return
    if endpoint.is_paused or now - endpoint.failing_since < PAUSE_AFTER:
        return
    endpoint.status, endpoint.paused_at = Endpoint.Status.PAUSED, now
    endpoint.save(update_fields=["status", "paused_at"])
    audit(None, "webhooks.endpoint.paused", endpoint, {"status": ["active", "paused"]})
    notifications.endpoint_paused(endpoint=endpoint, managers=_managers(endpoint))
    # What was still waiting for this endpoint stops too.
    Delivery.objects.filter(endpoint=endpoint, status=Delivery.Status.PENDING).exclude(
        event_type=TEST.code
    ).update(status=Delivery.Status.FAILED)


def _give_up(delivery: Delivery, failure) -> Attempt:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.PENDING).update(
        status=Delivery.Status.FAILED, failure=failure
    )
    return Attempt()


def _managers(endpoint: Endpoint) -> list:
    return list(
        get_user_model().objects.filter(
            membership__enterprise_id=endpoint.enterprise_id,
            membership__is_active=True,
            membership__is_manager=True,
            is_active=True,
        )
    )
