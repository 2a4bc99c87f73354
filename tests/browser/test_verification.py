"""The public verification pages in headless Chromium, as a holder of a paper certificate uses
them: the serial-and-code form submitted, the language switched on the form and on a
certificate's page. Under `Referrer-Policy: no-referrer` Chromium posts these forms with
`Origin: null`, which Django's CSRF check refuses (issue 14, item 1); the policy they send now
still keeps the code in the address from every other site."""

import http.server
import threading

import pytest
from playwright.sync_api import expect

from awards.models import Cycle
from tests.awards.certificate_data import awarded_result, certificate_of
from tests.awards.factories import CycleFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = "q3Vx0-fN8bT2kLw9_Rz4YpA6sHc1DmEj"  # an old code: 32 characters, case-sensitive
NEW_CODE = "7K3MQ9XD0A1BZ2CT4VW5RS6PNH8E"  # 28 symbols of Crockford's base32


@pytest.fixture
def certificate():
    cycle = CycleFactory(
        year=2024,
        status=Cycle.Status.PUBLISHED,
        title_en="Elite Enterprise Partnership Award 2024",
        title_zh="2024年卓越企業夥伴嘉許計劃",
    )
    enterprise = EnterpriseFactory(
        name_en="Pacific Gateway Terminals Limited", name_zh="太平洋門戶碼頭有限公司"
    )
    result = awarded_result(cycle, enterprise, nominated_by=UserFactory())
    return certificate_of(result, serial="EEPA-2024-0007", code=CODE)


@pytest.fixture
def new_certificate(certificate):
    other = EnterpriseFactory(name_en="Lion Rock Express Limited", name_zh="獅子山速遞有限公司")
    cycle = certificate.result.nomination.cycle
    result = awarded_result(cycle, other, nominated_by=UserFactory(), rank=2)
    return certificate_of(result, serial="EEPA-2024-0008", code=NEW_CODE)


def test_a_holder_verifies_a_certificate_by_typing_its_serial_and_code(
    page, live_server, certificate
):
    main = page.get_by_role("main")
    page.goto(f"{live_server.url}/verify/")
    main.get_by_label("Serial number").fill("eepa-2024-0007")
    main.get_by_label("Verification code").fill(CODE)
    main.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(f"{live_server.url}/verify/{CODE}/")
    expect(main.get_by_role("status")).to_contain_text("Valid")
    expect(main).to_contain_text("Pacific Gateway Terminals Limited")


def test_a_new_code_typed_from_paper_in_small_letters_with_spaces_verifies(
    page, live_server, new_certificate
):
    main = page.get_by_role("main")
    page.goto(f"{live_server.url}/verify/")
    main.get_by_label("Serial number").fill("EEPA-2024-0008")
    # O for 0 and l for 1, as a person reads them off the paper.
    main.get_by_label("Verification code").fill("7k3m q9xd oalb z2ct 4vw5 rs6p nh8e")
    main.get_by_role("button", name="Verify").click()

    expect(page).to_have_url(f"{live_server.url}/verify/{NEW_CODE}/")
    expect(main.get_by_role("status")).to_contain_text("Valid")
    expect(main).to_contain_text("Lion Rock Express Limited")
    expect(main).to_contain_text("7K3M-Q9XD-0A1B-Z2CT-4VW5-RS6P-NH8E")


def test_the_language_switches_on_the_verification_form(page, live_server, certificate):
    page.goto(f"{live_server.url}/verify/")
    page.get_by_role("button", name="繁體中文").click()

    expect(page).to_have_url(f"{live_server.url}/verify/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("heading", level=1)).to_have_text("核實證書")


def test_the_language_switches_on_a_certificates_page(page, live_server, certificate):
    page.goto(f"{live_server.url}/verify/{CODE}/")
    page.get_by_role("button", name="繁體中文").click()

    expect(page).to_have_url(f"{live_server.url}/verify/{CODE}/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.get_by_role("main").get_by_role("status")).to_contain_text("有效")


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Another site: records the Referer and Origin of each request it gets."""

    seen: list[dict] = []

    def do_GET(self):
        self.seen.append({"referer": self.headers.get("Referer"), "path": self.path})
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.end_headers()
        self.wfile.write(b"<!DOCTYPE html><title>elsewhere</title>")

    def log_message(self, *args):
        pass


@pytest.fixture
def other_site():
    _Recorder.seen = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Recorder.seen
    server.shutdown()
    server.server_close()


def test_another_site_reached_from_a_certificates_page_never_learns_its_code(
    page, live_server, certificate, other_site
):
    """A link followed to another site (the page's content security policy already keeps its
    images and scripts from other sites) does not tell it where it came from, so the code in
    the address stays here."""
    url, seen = other_site
    page.goto(f"{live_server.url}/verify/{CODE}/")
    page.evaluate(
        """url => {
            const link = document.createElement("a");
            link.href = url + "/followed";
            link.textContent = "elsewhere";
            document.body.append(link);
        }""",
        url,
    )
    page.get_by_role("link", name="elsewhere").click()
    expect(page).to_have_title("elsewhere")

    assert [r for r in seen if r["path"] != "/favicon.ico"] == [
        {"referer": None, "path": "/followed"}
    ]
