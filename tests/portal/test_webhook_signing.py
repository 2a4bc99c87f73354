"""The signature of a webhook delivery (portal/webhooks/signing.py) against a known vector
(computed with `openssl dgst -sha256 -hmac`, as docs/webhooks.md shows receivers), and the
receiver's check: the tolerance either side of its clock, a tampered body or timestamp."""

import pytest

from portal.webhooks import crypto, signing

SECRET = "whsec_known-vector-secret"
TIMESTAMP = 1767225600  # 2026-01-01 00:00:00 UTC
BODY = b'{"id":"e2c1","type":"webhook.test"}'
# printf '%s' '1767225600.{"id":"e2c1","type":"webhook.test"}' \
#   | openssl dgst -sha256 -hmac 'whsec_known-vector-secret'
KNOWN = "v1=7b62a0b174af63618e7e52df175f064696c5ade8f26b79fb1b59291e9e61c9cf"


def test_the_signature_matches_the_known_vector():
    assert signing.signature(SECRET, TIMESTAMP, BODY) == KNOWN


def test_signed_headers_carry_the_id_event_timestamp_and_signature():
    headers = signing.signed_headers(
        secret=SECRET, webhook_id="e2c1", event_type="webhook.test", body=BODY, timestamp=TIMESTAMP
    )
    assert headers == {
        "EEPA-Webhook-Id": "e2c1",
        "EEPA-Webhook-Event": "webhook.test",
        "EEPA-Webhook-Timestamp": "1767225600",
        "EEPA-Webhook-Signature": KNOWN,
    }


def _verify(**overrides):
    arguments = {
        "secret": SECRET,
        "body": BODY,
        "timestamp": str(TIMESTAMP),
        "signature_header": KNOWN,
        "now": TIMESTAMP,
    }
    signing.verify(**{**arguments, **overrides})


def test_a_genuine_delivery_verifies():
    _verify()


@pytest.mark.parametrize("offset", [-300, 300])
def test_a_timestamp_at_the_edge_of_the_tolerance_is_accepted(offset):
    _verify(now=TIMESTAMP + offset)


@pytest.mark.parametrize("offset", [-301, 301, 86400])
def test_a_replay_outside_the_tolerance_is_refused(offset):
    with pytest.raises(signing.SignatureError, match="tolerance"):
        _verify(now=TIMESTAMP + offset)


def test_the_same_body_with_a_new_timestamp_needs_a_new_signature():
    # A replayer cannot refresh the timestamp: it is part of what is signed.
    with pytest.raises(signing.SignatureError, match="mismatch"):
        _verify(timestamp=str(TIMESTAMP + 60), now=TIMESTAMP + 60)


@pytest.mark.parametrize(
    "overrides",
    [
        {"body": BODY.replace(b"e2c1", b"e2c2")},
        {"secret": "whsec_another"},
        {"signature_header": KNOWN[:-1] + "0"},
        {"signature_header": KNOWN.removeprefix("v1=")},
        {"signature_header": ""},
    ],
)
def test_a_tampered_delivery_is_refused(overrides):
    with pytest.raises(signing.SignatureError):
        _verify(**overrides)


@pytest.mark.parametrize("timestamp", ["", "soon", None])
def test_a_missing_timestamp_is_refused(timestamp):
    with pytest.raises(signing.SignatureError, match="timestamp"):
        _verify(timestamp=timestamp)


def test_one_matching_signature_among_several_is_enough():
    _verify(signature_header=f"v1={'0' * 64}, {KNOWN}")


def test_the_secret_is_stored_encrypted_and_read_back(settings):
    secret = crypto.new_secret()
    stored = crypto.encrypt(secret)

    assert secret.startswith("whsec_") and len(secret) == 6 + 43
    assert secret not in stored
    assert crypto.decrypt(stored) == secret
    settings.WEBHOOK_SECRET_KEY = "another key"
    with pytest.raises(crypto.SecretUnreadable):
        crypto.decrypt(stored)
