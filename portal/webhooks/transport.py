"""The one way a webhook leaves the portal: an HTTP POST that cannot be turned against the
portal's own network (SSRF). The URL must be HTTPS; its host is resolved once and every
address it resolves to must be public (not private, loopback, link-local, shared, multicast
or reserved); the connection goes to the address that was checked (a second lookup could
answer differently: DNS rebinding) while TLS still verifies the certificate for the host name.
Redirects are not followed, both waits are short, and at most RESPONSE_MAX_BYTES of the answer
are read. WEBHOOK_ALLOW_LOOPBACK (development and tests only) lets plain HTTP reach
127.0.0.1 or ::1."""

import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy as _

USER_AGENT = "EEPA-Webhooks/1.0"


class Failure(TextChoices):
    """Why an attempt failed without an answer; stored as the code, read in the reader's
    language (the detail beside it is technical: an address, an exception's name)."""

    INVALID_URL = "invalid_url", _("The address must be an https:// URL with a host name")
    PRIVATE_ADDRESS = "private_address", _("The host resolves to an address that is not public")
    DNS = "dns", _("The host name could not be resolved")
    TIMEOUT = "timeout", _("No answer in time")
    CONNECTION = "connection", _("The connection failed")
    TLS = "tls", _("The secure connection failed")
    STATUS = "status", _("The receiver answered with an error status")
    SECRET = "secret", _("The signing secret cannot be read: renew it")
    PAUSED = "paused", _("Not sent: the endpoint is paused")


class TransportError(Exception):
    def __init__(self, code: Failure, detail: str = ""):
        super().__init__(f"{code}: {detail}" if detail else str(code))
        self.code, self.detail = code, detail

    @property
    def message(self) -> str:
        label = str(self.code.label)
        return f"{label} ({self.detail})" if self.detail else label


class Refused(TransportError):
    """The URL or the address it resolves to is not one the portal may call. Not retried."""


class Unreachable(TransportError):
    """No answer: the name did not resolve, the connection failed or timed out. Retried."""


@dataclass(frozen=True)
class Response:
    status: int
    body: bytes  # at most RESPONSE_MAX_BYTES
    duration_ms: int


def address_allowed(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return settings.WEBHOOK_ALLOW_LOOPBACK
    return ip.is_global and not (
        ip.is_private
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_multicast
        or ip.is_unspecified
        or ip.is_loopback
    )


def check_url(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of a URL the portal may send to, before any lookup."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise Refused(Failure.INVALID_URL) from error
    schemes = {"https", "http"} if settings.WEBHOOK_ALLOW_LOOPBACK else {"https"}
    # No user name or password in the URL: they would travel in a header of every delivery.
    if parts.scheme not in schemes or not parts.hostname or parts.username or parts.password:
        raise Refused(Failure.INVALID_URL)
    return parts.scheme, parts.hostname, port or (443 if parts.scheme == "https" else 80)


def resolve(host: str, port: int) -> str:
    """The address to connect to: the first the host resolves to, once all of them are
    allowed (a name with one private address among public ones is refused)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Unreachable(Failure.DNS, host) from error
    addresses = [info[4][0] for info in infos]
    if not addresses:
        raise Unreachable(Failure.DNS, host)
    for address in addresses:
        if not address_allowed(address):
            raise Refused(Failure.PRIVATE_ADDRESS, address)
    return addresses[0]


def check_destination(url: str) -> None:
    """For the endpoint form: the URL and, now, its addresses (checked again at each send)."""
    _scheme, host, port = check_url(url)
    resolve(host, port)


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout)
        self._address = address

    def connect(self):
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """Connects to the checked address; the certificate is verified for the host name."""

    def __init__(self, host, port, *, address, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._address = address

    def connect(self):
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str]) -> Response:
    scheme, host, port = check_url(url)
    address = resolve(host, port)
    timeout = settings.WEBHOOK_TIMEOUT
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedHTTPSConnection if scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(host, port, address=address, timeout=timeout)
    started = time.monotonic()
    try:
        connection.request(
            "POST",
            target,
            body=body,
            headers={
                **headers,
                "Content-Type": "application/json",
                "User-Agent": USER_AGENT,
                "Connection": "close",
            },
        )
        response = connection.getresponse()
        content = _read_bounded(response, started + 2 * timeout)
    except (OSError, http.client.HTTPException) as error:
        # Timeouts, refused connections, TLS failures, broken answers: worth another try.
        raise Unreachable(*_describe(error)) from error
    finally:
        connection.close()
    return Response(response.status, content, int((time.monotonic() - started) * 1000))


def _read_bounded(response, deadline: float) -> bytes:
    """At most RESPONSE_MAX_BYTES, and nothing after the deadline: a receiver that trickles an
    endless answer does not hold a worker."""
    limit = settings.WEBHOOK_RESPONSE_MAX_BYTES
    chunks, size = [], 0
    while size < limit and time.monotonic() < deadline:
        chunk = response.read1(min(1024, limit - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def _describe(error: BaseException) -> tuple[Failure, str]:
    if isinstance(error, TimeoutError | socket.timeout):
        return Failure.TIMEOUT, f"{settings.WEBHOOK_TIMEOUT} s"
    if isinstance(error, ssl.SSLError):
        return Failure.TLS, str(getattr(error, "reason", "") or error.__class__.__name__)
    return Failure.CONNECTION, error.__class__.__name__
