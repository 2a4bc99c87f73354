"""The guarded HTTP client of the webhooks (portal/webhooks/transport.py): HTTPS only, no
address that is not public (SSRF), loopback only where the tests allow it, no redirect
followed, short waits, a bounded read of the answer."""

import pytest

from portal.webhooks import transport
from portal.webhooks.transport import Failure


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.5",
        "172.16.3.4",
        "192.168.1.1",
        "127.0.0.1",
        "127.8.9.10",
        "169.254.169.254",  # the cloud metadata service
        "100.64.0.1",  # carrier-grade NAT (shared)
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "192.0.2.10",  # documentation
        "::1",
        "fe80::1%eth0",
        "fc00::1",
        "::ffff:10.0.0.1",
        "::ffff:127.0.0.1",
        "::",
    ],
)
def test_addresses_that_are_not_public_are_refused(address):
    assert transport.address_allowed(address) is False


@pytest.mark.parametrize("address", ["8.8.8.8", "203.119.0.1", "2001:4860:4860::8888"])
def test_public_addresses_are_allowed(address):
    assert transport.address_allowed(address) is True


def test_loopback_is_allowed_only_by_the_development_setting(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    assert transport.address_allowed("127.0.0.1") is True
    assert transport.address_allowed("::1") is True
    # Only loopback: the private network stays out of reach.
    assert transport.address_allowed("10.0.0.5") is False
    assert transport.address_allowed("169.254.169.254") is False


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/hook",  # not HTTPS
        "ftp://example.com/hook",
        "https://user:password@example.com/hook",
        "https:///hook",
        "https://example.com:99999/hook",
    ],
)
def test_urls_other_than_plain_https_are_refused(url):
    with pytest.raises(transport.Refused) as refused:
        transport.check_url(url)
    assert refused.value.code == Failure.INVALID_URL


def test_a_host_name_that_resolves_to_loopback_is_refused():
    with pytest.raises(transport.Refused) as refused:
        transport.check_destination("https://localhost/hook")
    assert refused.value.code == Failure.PRIVATE_ADDRESS


def test_an_ip_literal_of_the_private_network_is_refused():
    with pytest.raises(transport.Refused) as refused:
        transport.post("https://10.1.2.3/hook", b"{}", {})
    assert refused.value.code == Failure.PRIVATE_ADDRESS
    assert refused.value.detail == "10.1.2.3"


def test_a_receiver_on_loopback_gets_nothing_without_the_setting(webhook_receiver, settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = False
    with pytest.raises(transport.Refused):
        transport.post(webhook_receiver.url, b"{}", {})
    assert webhook_receiver.received == []


def test_a_redirect_is_not_followed(webhook_receiver):
    webhook_receiver.answers = [(302, b"", {"Location": "http://169.254.169.254/latest/"})]

    response = transport.post(webhook_receiver.url, b"{}", {})

    assert response.status == 302
    assert len(webhook_receiver.received) == 1


def test_only_the_start_of_a_long_answer_is_read(webhook_receiver, settings):
    webhook_receiver.answers = [(200, b"x" * 200_000, {})]

    response = transport.post(webhook_receiver.url, b"{}", {})

    assert response.status == 200
    assert response.body == b"x" * settings.WEBHOOK_RESPONSE_MAX_BYTES


def test_a_slow_receiver_times_out(webhook_receiver, settings):
    settings.WEBHOOK_TIMEOUT = 1
    webhook_receiver.delay = 2.5

    with pytest.raises(transport.Unreachable) as unreachable:
        transport.post(webhook_receiver.url, b"{}", {})

    assert unreachable.value.code == Failure.TIMEOUT


def test_a_closed_port_is_unreachable(settings):
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    with pytest.raises(transport.Unreachable) as unreachable:
        transport.post("http://127.0.0.1:9/hook", b"{}", {})
    assert unreachable.value.code == Failure.CONNECTION


def test_the_request_is_a_json_post_with_the_given_headers(webhook_receiver):
    response = transport.post(
        webhook_receiver.url + "?source=eepa", b'{"a":1}', {"EEPA-Webhook-Id": "abc"}
    )

    assert response.status == 200 and response.body == b"ok"
    assert response.duration_ms >= 0
    received = webhook_receiver.received[0]
    assert received.path == "/hooks/eepa?source=eepa"
    assert received.body == b'{"a":1}'
    assert received.headers["Content-Type"] == "application/json"
    assert received.headers["User-Agent"] == "EEPA-Webhooks/1.0"
    assert received.headers["EEPA-Webhook-Id"] == "abc"
