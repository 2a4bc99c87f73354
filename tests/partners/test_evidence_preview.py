"""Evidence previewed in the event's pages (issue 14, item 7): the first page of a PDF and
images, drawn by the portal to a fresh PNG in a process of its own, with limits; the uploaded
bytes are never shown inline. Hostile files get the placeholder."""

import io
import secrets
import struct
import time
import zlib

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from partners.models import EvidenceFile
from partners.previews import READY, REFUSED, UNKNOWN, preview_state
from partners.services import events as services
from portal import previews
from tests import upload_files

pytestmark = pytest.mark.django_db


def _attach(event, officer, name: str, content: bytes) -> EvidenceFile:
    """Through the upload's checks, as an officer's form sends it."""
    return services.evidence_attach(
        event=event, user=officer, upload=SimpleUploadedFile(name, content)
    )


def _stored(event, officer, kind: str, content: bytes, name: str = "file") -> EvidenceFile:
    """Kept as it is, past the upload's checks: a file stored before a check existed, or one
    that got past them. The preview must hold on its own."""
    record = EvidenceFile(
        event=event,
        uploaded_by=officer,
        token=secrets.token_hex(16),
        original_name=name,
        kind=kind,
        size=len(content),
        sha256="0" * 64,
    )
    record.file.save(f"{record.token}.{record.extension}", ContentFile(content), save=False)
    record.save()
    return record


def _preview(client, evidence):
    return client.get(reverse("partners:evidence-preview", args=[evidence.pk]))


def _image(response) -> Image.Image:
    image = Image.open(io.BytesIO(response.content), formats=["PNG"])
    image.load()
    return image


def _red_pdf() -> bytes:
    """A real PDF, made by WeasyPrint: an A4 page, red, with a line of text."""
    from weasyprint import HTML

    return HTML(
        string="<style>@page { size: A4; margin: 0 } body { margin: 0; background: #d00000 }"
        "</style><p>Seizure report</p>"
    ).write_pdf()


def _photo() -> bytes:
    """A real photograph's shape: a 3000 × 2000 JPEG, blue."""
    buffer = io.BytesIO()
    Image.new("RGB", (3000, 2000), (0, 60, 200)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def _png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A PNG that says it is 10 gigapixels (30 GB of RGB), in a few bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00" * 1_000_000, 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def _assert_safe_headers(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert response["Cache-Control"] == "private, max-age=86400"


def test_the_first_page_of_a_real_pdf_is_previewed_as_a_fresh_png(
    client, verifier, officer, submitted_event
):
    evidence = _attach(submitted_event, officer, "seizure report.pdf", _red_pdf())
    client.force_login(verifier)

    response = _preview(client, evidence)

    _assert_safe_headers(response)
    assert response["Content-Disposition"] == (
        f'inline; filename="evidence-{evidence.pk}-preview.png"'
    )
    image = _image(response)
    # A4 (595 × 842 points) drawn at most 1000 × 1400 pixels, the page's proportions kept.
    assert image.size == (990, 1400)
    assert image.mode == "RGB"
    assert image.getpixel((10, 10)) == (208, 0, 0)
    assert not response.content.startswith(b"%PDF")
    assert preview_state(evidence) == READY


def test_an_image_is_re_encoded_smaller_and_without_its_own_bytes(
    client, secretariat, officer, submitted_event
):
    photo = _photo()
    evidence = _attach(submitted_event, officer, "container.jpg", photo)
    client.force_login(secretariat)

    response = _preview(client, evidence)

    _assert_safe_headers(response)
    image = _image(response)
    assert image.size == (1000, 667)
    red, green, blue = image.getpixel((500, 300))
    assert (abs(red - 0), abs(green - 60), abs(blue - 200)) < (4, 4, 4)
    assert photo not in response.content


def test_a_transparent_png_is_flattened_on_white(client, officer, submitted_event):
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 10), (0, 0, 0, 0)).save(buffer, "PNG")
    evidence = _attach(submitted_event, officer, "seal.png", buffer.getvalue())
    client.force_login(officer)
    image = _image(_preview(client, evidence))
    assert (image.size, image.mode, image.getpixel((5, 5))) == ((20, 10), "RGB", (255, 255, 255))


def test_a_preview_is_rendered_once_then_kept(client, verifier, officer, submitted_event):
    evidence = _attach(submitted_event, officer, "seal.png", upload_files.png())
    client.force_login(verifier)
    assert preview_state(evidence) == UNKNOWN
    first = _preview(client, evidence).content
    # The kept preview answers from now on: the stored file is no longer read.
    evidence.file.storage.delete(evidence.file.name)
    assert _preview(client, evidence).content == first
    assert _image(_preview(client, evidence)).size == (2, 2)


@pytest.mark.parametrize(
    ("kind", "content"),
    [
        pytest.param("png", _png_bomb(), id="decompression-bomb"),
        pytest.param("png", _png_bomb(9_000, 9_000), id="81-megapixels"),
        # Past the limit, not yet twice it (where Pillow itself would only warn).
        pytest.param("png", _png_bomb(7_000, 7_000), id="49-megapixels"),
        pytest.param("pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", id="broken-pdf"),
        pytest.param("pdf", b"%PDF-1.4\n" + b"\x00" * 4096, id="pdf-of-nothing"),
        pytest.param("png", upload_files.jpeg(), id="jpeg-stored-as-png"),
        pytest.param("jpeg", b"<html><script>alert(1)</script></html>", id="markup-as-jpeg"),
        pytest.param("docx", upload_files.docx(), id="docx"),
        pytest.param("xlsx", upload_files.xlsx(), id="xlsx"),
    ],
)
def test_a_hostile_or_unpreviewable_file_gets_the_placeholder(
    client, verifier, officer, submitted_event, kind, content
):
    evidence = _stored(submitted_event, officer, kind, content, name=f"evidence.{kind}")
    client.force_login(verifier)
    started = time.monotonic()

    response = _preview(client, evidence)

    assert time.monotonic() - started < previews.TIMEOUT_SECONDS
    _assert_safe_headers(response)
    assert response.content == previews.placeholder_png()
    assert content not in response.content
    assert _image(response).size == (240, 320)
    assert preview_state(evidence) == REFUSED
    # Refused once, not tried again: the page says so instead of showing an image.
    page = client.get(submitted_event.get_absolute_url()).text
    assert (
        f'id="evidence-{evidence.pk}-no-preview">No preview of this file: download it to open it.'
        in page
    )
    assert reverse("partners:evidence-preview", args=[evidence.pk]) not in page


def test_a_renderer_that_runs_out_of_time_gets_the_placeholder(
    client, verifier, officer, submitted_event, monkeypatch
):
    """The limits hold the real renderer's process: with a wall time too short for it to
    start, the portal kills it and answers with the placeholder."""
    evidence = _attach(submitted_event, officer, "report.pdf", upload_files.pdf())
    monkeypatch.setattr(previews, "TIMEOUT_SECONDS", 0.001)
    client.force_login(verifier)
    assert _preview(client, evidence).content == previews.placeholder_png()


def test_the_event_pages_show_previews_never_the_file_inline(
    client, verifier, officer, submitted_event
):
    pdf = _attach(submitted_event, officer, "report.pdf", upload_files.pdf())
    photo = _attach(submitted_event, officer, "photo.jpg", upload_files.jpeg())
    client.force_login(verifier)
    for url in (
        submitted_event.get_absolute_url(),
        reverse("partners:event-verify", args=[submitted_event.pk]),
    ):
        page = client.get(url).text
        assert (
            f'src="/evidence/{pdf.pk}/preview.png" loading="lazy" alt="First page of report.pdf"'
            in page
        )
        assert (
            f'src="/evidence/{photo.pk}/preview.png" loading="lazy" alt="Preview of photo.jpg"'
            in (page)
        )
        # The files themselves only as downloads (attachments).
        assert f'<a href="/evidence/{pdf.pk}/">report.pdf</a>' in page
        assert f'src="/evidence/{pdf.pk}/"' not in page


def test_a_partner_never_sees_a_preview(
    client, partner_user, other_partner_user, panel_member, officer, verified_event
):
    evidence = _attach(verified_event, officer, "report.pdf", upload_files.pdf())
    # Its own enterprise's or another's: evidence is for customs staff only. Nor the panel,
    # whose dossier shows no evidence.
    for user in (partner_user, other_partner_user, panel_member):
        client.force_login(user)
        assert _preview(client, evidence).status_code == 403
    client.logout()
    response = _preview(client, evidence)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
