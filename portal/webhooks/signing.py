"""The signature of a delivery, as docs/webhooks.md tells receivers to check it.

    EEPA-Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>

The timestamp (Unix seconds, EEPA-Webhook-Timestamp) is signed with the body, so that a
captured delivery cannot be replayed later: the receiver refuses a timestamp more than
TOLERANCE seconds from its clock, and a repeated EEPA-Webhook-Id within that window."""

import hashlib
import hmac
import time

VERSION = "v1"
TOLERANCE = 300  # seconds either side of the receiver's clock

HEADER_ID = "EEPA-Webhook-Id"
HEADER_EVENT = "EEPA-Webhook-Event"
HEADER_TIMESTAMP = "EEPA-Webhook-Timestamp"
HEADER_SIGNATURE = "EEPA-Webhook-Signature"


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"{VERSION}={mac.hexdigest()}"


def signed_headers(
    *, secret: str, webhook_id: str, event_type: str, body: bytes, timestamp: int
) -> dict[str, str]:
    return {
        HEADER_ID: webhook_id,
        HEADER_EVENT: event_type,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: signature(secret, timestamp, body),
    }


class SignatureError(Exception):
    pass


def verify(
    *,
    secret: str,
    body: bytes,
    timestamp: str,
    signature_header: str,
    now: float | None = None,
    tolerance: int = TOLERANCE,
) -> None:
    """What a receiver does (the Python of docs/webhooks.md): raises SignatureError unless the
    timestamp is within `tolerance` of `now` and one of the header's v1 signatures matches."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError) as error:
        raise SignatureError("no valid timestamp") from error
    if abs((time.time() if now is None else now) - sent_at) > tolerance:
        raise SignatureError("timestamp outside the tolerance")
    expected = signature(secret, sent_at, body)
    offered = [part.strip() for part in (signature_header or "").split(",")]
    if not any(hmac.compare_digest(expected, candidate) for candidate in offered):
        raise SignatureError("signature mismatch")
