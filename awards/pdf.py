"""Certificates as PDF, rendered by WeasyPrint from templates/awards/pdf/certificate.html.

Import weasyprint inside the functions: the import is slow, and most processes never render."""

import datetime
import functools
import io
import threading
from pathlib import Path

import segno
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from awards.models import Certificate

CERTIFICATE_TEMPLATE = "awards/pdf/certificate.html"
CERTIFICATE_CSS = Path(settings.BASE_DIR) / "templates" / "awards" / "pdf" / "certificate.css"
# Another developer serves this page (issue 4, item 4); the path is part of every printed QR code.
VERIFICATION_PATH = "/verify/{code}/"
# The form where a holder of the paper copy types the serial and the code printed beside it.
VERIFICATION_FORM_PATH = "/verify/"

# Length classes for the names: above these the template shrinks the font (see certificate.css).
NAME_EN_LONG, NAME_EN_VERY_LONG = 40, 60
NAME_ZH_LONG, NAME_ZH_VERY_LONG = 14, 20

# Certificates per document (see render_certificates and docs/performance.md).
PAGES_PER_DOCUMENT = 50


def verification_url(certificate: Certificate) -> str:
    """The absolute URL printed as a QR code on the certificate."""
    return settings.PUBLIC_BASE_URL + VERIFICATION_PATH.format(code=certificate.verification_code)


def verification_qr(certificate: Certificate) -> segno.QRCode:
    # Error correction M: the code survives a crease or a smudge; quartile would make it denser.
    return segno.make_qr(verification_url(certificate), error="m")


def _length_class(name: str, long: int, very_long: int) -> str:
    if len(name) > very_long:
        return "very-long"
    if len(name) > long:
        return "long"
    return "normal"


def printed_date(date: datetime.date | None) -> dict[str, str]:
    """A date as the certificate prints it, in both languages' formats whatever the active
    language (the certificate is bilingual): {"en": "6 December 2026", "zh": "2026年12月6日"}."""
    if date is None:
        return {"en": "", "zh": ""}
    return {"en": f"{date.day} {date:%B %Y}", "zh": f"{date.year}年{date.month}月{date.day}日"}


def _context(certificate: Certificate) -> dict:
    result = certificate.result
    cycle = result.nomination.cycle
    enterprise = result.nomination.enterprise
    date = printed_date(cycle.certificate_date)
    return {
        "certificate": certificate,
        "cycle": cycle,
        "enterprise": enterprise,
        "streak": result.streak if result.streak >= 2 else None,
        "name_en_class": _length_class(certificate.name_en, NAME_EN_LONG, NAME_EN_VERY_LONG),
        "name_zh_class": _length_class(certificate.name_zh, NAME_ZH_LONG, NAME_ZH_VERY_LONG),
        "date_en": date["en"],
        "date_zh": date["zh"],
        "verify_at": settings.PUBLIC_BASE_URL + VERIFICATION_FORM_PATH,
        "qr_svg": verification_qr(certificate).svg_data_uri(border=0, dark="#1a1a1a"),
    }


def _certificates_html(certificates) -> str:
    return render_to_string(CERTIFICATE_TEMPLATE, {"pages": [_context(c) for c in certificates]})


def _split_pages(pdf: bytes) -> list[bytes]:
    from pypdf import PdfReader, PdfWriter

    pages = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        writer = PdfWriter()
        writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
        pages.append(out.getvalue())
    return pages


# Rendering takes this lock: the shared FontConfiguration is not documented as thread-safe.
_render_lock = threading.Lock()


@functools.cache
def _font_configuration():
    """One per process: it keeps the fonts it has loaded, which every certificate uses
    (about 15% faster for a single certificate)."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


@functools.cache
def _stylesheet():
    """Parsed once per process (about 10 ms a document): restart to see an edit of the file."""
    from weasyprint import CSS

    return CSS(filename=CERTIFICATE_CSS, font_config=_font_configuration())


def _render_document(certificates: list[Certificate]) -> list[bytes]:
    from weasyprint import HTML

    html = _certificates_html(certificates)
    with _render_lock:
        document = HTML(string=html, base_url=str(settings.BASE_DIR)).render(
            stylesheets=[_stylesheet()], font_config=_font_configuration()
        )
        if len(document.pages) != len(certificates):
            # A name so long that it spilled onto a second page: never print that.
            names = ", ".join(c.name_en for c in certificates)
            raise ValidationError(
                _(
                    "The names of %(names)s do not fit on one certificate page: shorten them "
                    "on the enterprise's page, then generate again."
                )
                % {"names": names},
                code="does_not_fit",
            )
        pdf = document.write_pdf()
    return [pdf] if len(certificates) == 1 else _split_pages(pdf)


def render_certificates(certificates) -> list[bytes]:
    """One PDF per certificate, in order. Up to PAGES_PER_DOCUMENT are laid out and written as
    one document, then split page by page: writing subsets and embeds the CJK fonts, which is
    the slow part of a lone certificate, so a document does it once for all its pages (each
    file then carries the glyphs of its whole document)."""
    certificates = list(certificates)
    pdfs = []
    for start in range(0, len(certificates), PAGES_PER_DOCUMENT):
        pdfs += _render_document(certificates[start : start + PAGES_PER_DOCUMENT])
    return pdfs


def render_certificate(certificate: Certificate) -> bytes:
    return render_certificates([certificate])[0]
