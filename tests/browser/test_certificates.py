"""Certificates end to end, in headless Chromium with a real Celery worker on Redis: the
secretariat generates a finalised cycle's certificates and watches the progress panel update
itself (htmx polling), downloads them all as a ZIP, opens a verification link, reissues one
after a name correction, and the old link then shows it revoked."""

import datetime
import hashlib
import io
import zipfile

import pytest
from playwright.sync_api import expect

from awards.models import Certificate, Cycle, NominationResult
from portal.roles import Role
from tests.awards.factories import CycleFactory, NominationFactory
from tests.browser.test_award_flow import log_in
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AWARDEES = [
    ("Stonecutters Gateway Terminals Limited", "昂船洲門戶碼頭有限公司"),
    ("Lion Rock Express Limited", "獅子山速遞有限公司"),
    ("Harbour Melody Records Limited", "海港旋律唱片有限公司"),
]


@pytest.fixture
def world():
    secretariat = UserFactory(username="secretariat", roles=[Role.SECRETARIAT])
    cycle = CycleFactory(
        year=2024, status=Cycle.Status.PUBLISHED, ceremony_date=datetime.date(2024, 10, 24)
    )
    for rank, (name_en, name_zh) in enumerate(AWARDEES, start=1):
        NominationResult.objects.create(
            nomination=NominationFactory(
                cycle=cycle,
                enterprise=EnterpriseFactory(name_en=name_en, name_zh=name_zh),
                nominated_by=secretariat,
            ),
            rank=rank,
            verified_events=3,
            cooperation_score="80.00",
            panel_score="70.00",
            reviews=3,
            final_score=f"{80 - rank}.00",
            awarded=True,
            streak=rank,
        )
    return cycle


def test_the_secretariat_generates_downloads_and_verifies_certificates(
    page, live_server, world, redis_worker, settings
):
    console_errors = []
    page.on("console", lambda m: console_errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    settings.CERTIFICATE_BATCH_SIZE = 2  # two tasks, so that progress is seen in steps
    main = page.get_by_role("main")

    log_in(page, live_server, "secretariat")
    page.goto(f"{live_server.url}/awards/cycles/2024/")
    main.get_by_role("link", name="Certificates").click()
    main.get_by_role("button", name="Generate 3 certificates").click()

    # The worker issues them; the panel polls until it is done, then the page reloads once.
    expect(main.get_by_role("status").last).to_have_text(
        "Finished: every certificate is ready.", timeout=90_000
    )
    expect(main.get_by_text("3 of 3 certificates ready")).to_be_visible()
    table = main.locator("#certificates")
    for n in (1, 2, 3):
        expect(table).to_contain_text(f"EEPA-2024-000{n}")
    expect(main.get_by_role("button", name="Generate 3 certificates")).to_have_count(0)

    with page.expect_download() as download_info:
        main.get_by_role("link", name="Download all (ZIP)").click()
    download = download_info.value
    assert download.suggested_filename == "EEPA-2024-certificates.zip"
    archive = zipfile.ZipFile(io.BytesIO(download.path().read_bytes()))
    pdfs = sorted(name for name in archive.namelist() if name.endswith(".pdf"))
    assert len(pdfs) == 3
    for certificate in Certificate.objects.all():
        [name] = [n for n in pdfs if n.startswith(certificate.serial)]
        assert hashlib.sha256(archive.read(name)).hexdigest() == certificate.sha256

    # Open the first certificate's verification link, as its QR code would. (Which award got
    # which serial depends on which of the two worker processes took its batch first.)
    first = Certificate.objects.get(result__rank=1)
    main.get_by_role("link", name="Verification page").first.click()
    expect(page).to_have_url(f"{live_server.url}/verify/{first.verification_code}/")
    expect(main).to_contain_text("Valid")
    expect(main).to_contain_text("Stonecutters Gateway Terminals Limited")
    expect(main).to_contain_text("昂船洲門戶碼頭有限公司")
    expect(main).to_contain_text(first.sha256)

    # A corrected name: the certificate is reissued, and the old link says it is revoked.
    page.go_back()
    main.get_by_role("link", name=f"Reissue {first.serial}…").click()
    main.get_by_label("Reason").fill("The Chinese name was misspelt.")
    main.get_by_role("button", name="Revoke and reissue").click()
    expect(main).to_contain_text(f"Reissue certificate {first.serial} of ")
    main.get_by_role("button", name="Revoke and reissue").click()
    expect(page.get_by_role("status").first).to_contain_text(
        f"Certificate {first.serial} is revoked and EEPA-2024-0004 issued in its place."
    )
    page.goto(f"{live_server.url}/verify/{first.verification_code}/")
    expect(main).to_contain_text("Revoked")
    expect(main).not_to_contain_text("misspelt")

    assert console_errors == []
