"""A partner's receiver for the webhook tests: an HTTP server on 127.0.0.1 in a thread,
which checks each request's signature the way docs/webhooks.md tells partners to, records
what it got and answers with the statuses it is told (200 once the list runs out)."""

import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal.webhooks import signing


@dataclass
class Received:
    headers: dict
    body: bytes
    signature_ok: bool
    path: str


@dataclass
class Receiver:
    url: str
    secret: str = ""
    answers: list = field(default_factory=list)  # statuses, or (status, body, extra headers)
    delay: float = 0.0  # seconds before answering
    received: list[Received] = field(default_factory=list)

    def wait_for(self, count: int, timeout: float = 120) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.received) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.received


def start_receiver() -> tuple[Receiver, ThreadingHTTPServer]:
    receiver = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                signing.verify(
                    secret=receiver.secret,
                    body=body,
                    timestamp=self.headers.get(signing.HEADER_TIMESTAMP),
                    signature_header=self.headers.get(signing.HEADER_SIGNATURE),
                )
                ok = True
            except signing.SignatureError:
                ok = False
            receiver.received.append(Received(dict(self.headers), body, ok, self.path))
            answer = receiver.answers.pop(0) if receiver.answers else 200
            status, content, extra = answer if isinstance(answer, tuple) else (answer, b"ok", {})
            if receiver.delay:
                time.sleep(receiver.delay)
            try:
                self.send_response(status)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the portal read what it wanted (a bounded read) and hung up

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/eepa"
    return receiver, server


@pytest.fixture
def webhook_receiver(settings):
    """A receiver on 127.0.0.1, which the portal may call in the tests only
    (WEBHOOK_ALLOW_LOOPBACK; a real worker started after this fixture gets it too)."""
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    receiver, server = start_receiver()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
