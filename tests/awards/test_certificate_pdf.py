import datetime
import io
import subprocess

import pytest
import segno
from PIL import Image
from pypdf import PdfReader

from awards import pdf as certificate_pdf
from awards.models import Cycle, NominationResult
from awards.pdf import render_certificate, render_certificates, verification_qr, verification_url
from awards.services.certificates import certificate_issue
from tests.awards.factories import CycleFactory, NominationFactory
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

LONG_NAME_EN = "International Consolidated Air Cargo and Bonded Warehousing Holdings Ltd"[:70]
LONG_NAME_ZH = "國際綜合航空貨運及保稅倉儲物流控股集團有限公司行"  # 24 characters
MM = 72 / 25.4  # points per millimetre


def awarded_result(cycle, streak=1, **enterprise):
    """An awarded frozen result of a new enterprise (shared with test_certificate_services)."""
    nomination = NominationFactory(cycle=cycle, enterprise=EnterpriseFactory(**enterprise))
    return NominationResult.objects.create(
        nomination=nomination,
        rank=1,
        verified_events=3,
        cooperation_score="80.00",
        panel_score="70.00",
        reviews=3,
        final_score="76.00",
        awarded=True,
        streak=streak,
    )


@pytest.fixture
def printed_cycle(db):
    return CycleFactory(
        year=2024, status=Cycle.Status.FINALISED, ceremony_date=datetime.date(2024, 10, 28)
    )


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def png(pdf: bytes, tmp_path, dpi: int) -> Image.Image:
    (tmp_path / "c.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-singlefile", tmp_path / "c.pdf", tmp_path / "c"],
        check=True,
    )
    return Image.open(tmp_path / "c.png").convert("L")


def test_the_certificate_names_the_enterprise_in_both_languages_with_serial_and_year(printed_cycle):
    result = awarded_result(printed_cycle, name_en="Harbour Melody Limited", name_zh="海韻有限公司")
    certificate = certificate_issue(result=result)
    text = pdf_text(certificate.pdf.read())
    assert "Harbour Melody Limited" in text
    assert "海韻有限公司" in text
    assert "EEPA-2024-0001" in text
    assert "Elite Enterprise Partnership Award 2024" in text
    assert "2024年卓越企業夥伴嘉許計劃" in text
    assert "28 October 2024" in text
    assert "2024年10月28日" in text
    assert "Commissioner of Customs and Excise" in text
    assert "評審委員會主席" in text


def test_the_page_is_a4_landscape(printed_cycle):
    certificate = certificate_issue(result=awarded_result(printed_cycle))
    box = PdfReader(certificate.pdf.open()).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)


@pytest.mark.parametrize(
    "streak, sentence_en, sentence_zh",
    [(1, None, None), (2, "for 2 consecutive years", "連續2年獲嘉許"), (3, "for 3", "連續3年")],
)
def test_the_streak_is_printed_from_two_consecutive_years(
    printed_cycle, streak, sentence_en, sentence_zh
):
    text = pdf_text(
        certificate_issue(result=awarded_result(printed_cycle, streak=streak)).pdf.read()
    )
    if sentence_en is None:
        assert "consecutive" not in text
        assert "連續" not in text
    else:
        assert sentence_en in text
        assert sentence_zh in text


def test_the_qr_code_encodes_the_absolute_verification_url(printed_cycle, settings):
    settings.PUBLIC_BASE_URL = "https://eepa.example.gov.hk"
    certificate = certificate_issue(result=awarded_result(printed_cycle))
    url = f"https://eepa.example.gov.hk/verify/{certificate.verification_code}/"
    assert verification_url(certificate) == url
    assert verification_qr(certificate).matrix == segno.make_qr(url, error="m").matrix


def test_the_qr_code_printed_is_the_verification_qr(printed_cycle, tmp_path):
    certificate = certificate_issue(result=awarded_result(printed_cycle))
    expected = tuple(tuple(row) for row in verification_qr(certificate).matrix)
    page = png(certificate.pdf.read(), tmp_path, dpi=300)
    px = 300 / 25.4
    # certificate.css: 32 mm square, 20 mm from the right and 17 mm from the bottom of the page.
    left, top = page.width - round(55 * px), page.height - round(52 * px)
    region = page.crop((left, top, page.width - round(17 * px), page.height - round(14 * px)))
    x0, y0, x1, y1 = region.point(lambda v: 255 if v < 128 else 0).getbbox()
    size = len(expected)
    module = (x1 - x0) / size
    assert module == pytest.approx((y1 - y0) / size, rel=0.02)
    printed = tuple(
        tuple(
            int(region.getpixel((x0 + (col + 0.5) * module, y0 + (row + 0.5) * module)) < 128)
            for col in range(size)
        )
        for row in range(size)
    )
    assert printed == expected


def test_a_rendered_page_is_not_blank(printed_cycle, tmp_path):
    certificate = certificate_issue(result=awarded_result(printed_cycle))
    page = png(certificate.pdf.read(), tmp_path, dpi=50)
    dark = sum(page.histogram()[:128])
    assert (page.width, page.height) == (585, 414)
    assert dark > 0.01 * page.width * page.height


def test_long_names_fit_on_the_one_page(printed_cycle, tmp_path):
    assert (len(LONG_NAME_EN), len(LONG_NAME_ZH)) == (70, 24)
    certificate = certificate_issue(
        result=awarded_result(printed_cycle, streak=3, name_en=LONG_NAME_EN, name_zh=LONG_NAME_ZH)
    )
    text = pdf_text(certificate.pdf.read())
    assert LONG_NAME_EN in text.replace("\n", " ")
    assert LONG_NAME_ZH in text.replace("\n", "")


def test_a_batch_gives_one_file_per_certificate_in_order(printed_cycle):
    results = [awarded_result(printed_cycle, name_en=f"Enterprise {n} Limited") for n in range(3)]
    certificates = [certificate_issue(result=r) for r in results]
    pdfs = render_certificates(certificates)
    assert [pdf_text(pdf).count("Limited") for pdf in pdfs] == [1, 1, 1]
    assert [f"Enterprise {n} Limited" in pdf_text(pdf) for n, pdf in enumerate(pdfs)] == [True] * 3
    assert "EEPA-2024-0001" in pdf_text(render_certificate(certificates[0]))


def test_the_verification_code_is_printed_with_the_address_of_the_verification_form(
    printed_cycle, settings
):
    settings.PUBLIC_BASE_URL = "https://eepa.example.gov.hk"
    certificate = certificate_issue(result=awarded_result(printed_cycle))
    text = pdf_text(certificate.pdf.read())
    code = certificate.verification_code
    printed = "-".join(code[i : i + 4] for i in range(0, 28, 4))  # XXXX-XXXX-…, 7 groups
    assert f"Verification code 核實碼 {printed}" in text
    assert "https://eepa.example.gov.hk/verify/" in text
    assert f"/verify/{certificate.verification_code}" not in text  # the QR code carries that


def test_a_batch_larger_than_a_document_is_rendered_in_several_documents(
    printed_cycle, monkeypatch
):
    monkeypatch.setattr(certificate_pdf, "PAGES_PER_DOCUMENT", 2)
    results = [awarded_result(printed_cycle, name_en=f"Enterprise {n} Limited") for n in range(5)]
    certificates = [certificate_issue(result=r) for r in results]
    pdfs = render_certificates(certificates)
    texts = [pdf_text(pdf) for pdf in pdfs]  # one page each
    assert [f"Enterprise {n} Limited" in text for n, text in enumerate(texts)] == [True] * 5
    assert [c.serial in text for c, text in zip(certificates, texts, strict=True)] == [True] * 5


def test_the_chinese_is_set_in_the_embedded_cjk_font(printed_cycle):
    certificate = certificate_issue(result=awarded_result(printed_cycle, name_zh="海韻有限公司"))
    page = PdfReader(certificate.pdf.open()).pages[0]
    fonts = {
        font.get_object()["/BaseFont"].split("+", 1)[1]
        for font in page["/Resources"]["/Font"].values()
    }
    # Regular and bold of the one CJK family, its Latin too: no other CJK face costs embedding.
    assert {name for name in fonts if "CJK" in name} == {
        "Noto-Serif-CJK-TC",
        "Noto-Serif-CJK-TC-Bold",
    }
