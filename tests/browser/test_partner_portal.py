"""The partner portal end to end, in headless Chromium (Debian's, see tests/conftest.py): partner1
sees its standing in the open cycle and its history, sends a report with an attachment and
shipment references, downloads its certificate and logs out; the officer opens the report from
the triage queue and turns it into a cooperation event."""

import datetime

import pytest
from playwright.sync_api import expect

from awards.models import Cycle
from partners.models import PartnerReport
from portal.roles import Role
from tests.awards.certificate_data import PDF, awarded_result, certificate_of
from tests.awards.factories import CycleFactory, NominationFactory, verified_events
from tests.browser.test_award_flow import log_in, log_out
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def one_page_pdf(text: str) -> bytes:
    """A small valid PDF: one page showing `text`, with a correct cross-reference table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    pdf, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


@pytest.fixture
def world():
    """Stonecutters: verified events in 2023-2025, awarded in the published 2023 and 2024
    cycles (the 2024 certificate issued), nominated in the open 2025 cycle, where it leads the
    four nominees (top 10 %)."""
    secretariat = UserFactory(username="secretariat", roles=[Role.SECRETARIAT])
    officer = UserFactory(username="officer", roles=[Role.OFFICER])
    verifier = UserFactory(username="verifier", roles=[Role.VERIFIER])
    stonecutters = EnterpriseFactory(
        name_en="Stonecutters Gateway Terminals Limited",
        name_zh="昂船洲門戶碼頭有限公司",
        br_number="61458302",
    )
    MembershipFactory(
        user=UserFactory(username="partner1", roles=[Role.PARTNER]), enterprise=stonecutters
    )
    verified_events(
        stonecutters,
        verifier,
        officer,
        ("training", "routine", datetime.date(2023, 4, 12)),
        ("intelligence_tip", "notable", datetime.date(2023, 9, 5)),
        ("controlled_delivery", "major", datetime.date(2024, 3, 8)),
        ("detection_assistance", "notable", datetime.date(2024, 11, 20)),
        ("intelligence_tip", "major", datetime.date(2025, 2, 14)),
        ("controlled_delivery", "major", datetime.date(2025, 5, 2)),
    )
    for year, rank in ((2023, 2), (2024, 1)):
        cycle = CycleFactory(year=year, status=Cycle.Status.PUBLISHED)
        result = awarded_result(
            cycle, stonecutters, nominated_by=secretariat, rank=rank, streak=year - 2022
        )
    certificate_of(result, serial="EEPA-2024-0001")
    open_cycle = CycleFactory(year=2025, status=Cycle.Status.NOMINATIONS)
    NominationFactory(cycle=open_cycle, enterprise=stonecutters, nominated_by=secretariat)
    for n in range(3):
        rival = EnterpriseFactory(name_en=f"Rival Nominee {n} Limited")
        verified_events(
            rival, verifier, officer, ("training", "routine", datetime.date(2025, 3, 1))
        )
        NominationFactory(cycle=open_cycle, enterprise=rival, nominated_by=secretariat)
    return stonecutters


def test_a_partner_follows_its_record_and_sends_a_report_that_an_officer_acts_on(
    page, live_server, world, tmp_path
):
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    main = page.get_by_role("main")

    # partner1: standing, history and awards on its enterprise's page.
    log_in(page, live_server, "partner1")
    page.goto(f"{live_server.url}/my-enterprise/")
    standing = main.locator("#standing")
    expect(standing).to_contain_text("Your standing in the 2025 award (not final)")
    expect(standing.locator("strong").first).to_have_text("top 10 %")
    expect(main).not_to_contain_text("Rival Nominee")
    counts = main.locator("#event-counts-table")
    expect(counts.locator("tbody th")).to_have_text(["2023", "2024", "2025"])
    awards = main.locator("#awards")
    expect(awards).to_contain_text("Current streak: 2 awards in a row.")
    expect(awards.locator("tbody tr")).to_have_count(2)

    # The certificate, as a PDF.
    with page.expect_download() as download_info:
        awards.get_by_role("link", name="Download EEPA-2024-0001.pdf").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes() == PDF

    # A report with two shipment references and a PDF attachment.
    attachment = tmp_path / "weighbridge-ticket.pdf"
    attachment.write_bytes(one_page_pdf("Weighbridge ticket, gate 3"))
    page.get_by_role("link", name="Our reports").click()
    main.get_by_role("link", name="Send a report").click()
    main.get_by_label("Category").select_option(label="Suspicious shipment")
    main.get_by_label("Description").fill(
        "Two containers reweighed at the gate at 4 tonnes above their declared weight."
    )
    main.get_by_label("Shipment references").fill("OOLU 842157-5\n160-48372656")
    main.get_by_label("Attachments").set_input_files(attachment)
    main.get_by_role("button", name="Send the report").click()

    report = PartnerReport.objects.get()
    number = report.acknowledgement_number
    expect(page.get_by_role("status").filter(has_text="Report received")).to_have_text(
        f"Report received. Its acknowledgement number is {number}."
    )
    expect(main.get_by_role("heading", level=1)).to_have_text(f"Report {number}")
    assert report.shipment_references == ["OOLU8421575", "160-48372656"]
    assert report.attachments.get().original_name == "weighbridge-ticket.pdf"
    log_out(page, live_server)

    # The officer: the triage queue, the report, a draft event made of it.
    log_in(page, live_server, "officer")
    page.get_by_role("link", name="Reports from partners").click()
    main.get_by_role("link", name=number).click()
    expect(main.get_by_role("heading", level=1)).to_contain_text(f"Report {number}")
    main.get_by_role("button", name="Turn into a cooperation event").click()
    expect(main).to_contain_text(f"Turn report {number} into a draft cooperation event")
    main.get_by_role("button", name="Turn into a cooperation event").click()

    report.refresh_from_db()
    assert report.status == PartnerReport.Status.ACTED_ON
    event = report.event
    expect(page).to_have_url(f"{live_server.url}/events/{event.pk}/edit/")
    expect(page.get_by_role("status").filter(has_text="Draft cooperation event")).to_be_visible()
    assert event.enterprise == world
    assert event.status == event.Status.DRAFT
    assert number in event.title
    assert event.evidence_files.get().original_name == "weighbridge-ticket.pdf"
    assert console_errors == []
