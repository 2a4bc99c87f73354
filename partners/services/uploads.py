"""Checked uploads (evidence, a report's attachments): hostile until proven otherwise.

The type is decided by the file's content, never by its name, and then the content is looked
into: a PDF is opened with qpdf (pikepdf) and every object is read, those in compressed object
streams included, for JavaScript, launch actions, embedded files, rich media and XFA forms; an
Office file is judged by the content types and relationships its package declares and by what
its parts hold (a VBA project renamed is still an OLE storage), not by its parts' names; an
image is read by Pillow. Markup (HTML, SVG, XML, scripts) is never one of the allowed kinds,
whatever its name says.

The file is then stored under a name the portal makes (a random token and the extension of
the detected type) and sent under one (CheckedUpload.download_name); the uploader's name is
only shown (portal.text.file_display_name)."""

import hashlib
import io
import re
import secrets
import zipfile
from xml.etree import ElementTree

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from partners.models import CheckedUpload
from portal.text import file_display_name

Kind = CheckedUpload.Kind


class Refused(Exception):
    """What is wrong with a file's content, said by `message` (with %(name)s for its name)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _not_allowed() -> str:
    return _("%(name)s is not a PDF, JPEG, PNG, XLSX or DOCX file (checked by its content).")


def detect_kind(upload) -> str | None:
    """PDF, JPEG, PNG, XLSX or DOCX by magic bytes and package structure; None otherwise.
    Only the type: `validate_upload` also looks into the content."""
    try:
        return _kind_of(upload)
    except Refused:
        return None


def validate_upload(upload) -> str:
    """Return the file's kind, or raise a ValidationError naming the file and the reason. An
    upload checked once (by the form) is not looked into again (by the service)."""
    if checked := getattr(upload, "_checked_kind", None):
        return checked
    name = file_display_name(upload.name)
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            }
        )
    try:
        kind = _kind_of(upload)
        _INSPECT[kind](upload)
    except Refused as refusal:
        raise ValidationError(refusal.message % {"name": name}) from None
    finally:
        upload.seek(0)
    upload._checked_kind = kind
    return kind


def _kind_of(upload) -> str:
    upload.seek(0)
    head = upload.read(1024)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        kind = Kind.PDF
    elif head.startswith(b"\xff\xd8\xff"):
        kind = Kind.JPEG
    elif head.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = Kind.PNG
    elif head.startswith(b"PK\x03\x04"):
        return _office_kind(upload)
    else:
        raise Refused(_not_allowed())
    # A PDF or image header followed by a web page or script (a polyglot that a browser or
    # mshta would run if it were ever opened as such).
    if _MARKUP.search(head):
        raise Refused(_not_allowed())
    return kind


_MARKUP = re.compile(
    rb"<\s*(?:html|head|body|script|svg|iframe|object|embed|hta:application|!doctype\s+html)\b",
    re.IGNORECASE,
)


# PDF


# Names that make a PDF run or carry something: JavaScript (an /OpenAction, an /AA or a form
# field's action runs it), launching a program, files inside the PDF, Flash or video players,
# XFA forms (scripted).
PDF_ACTIVE_NAMES = frozenset(
    {"/JS", "/JavaScript", "/Launch", "/EmbeddedFile", "/EmbeddedFiles", "/RichMedia", "/XFA"}
)


def _pdf_active() -> str:
    return _(
        "%(name)s is a PDF with active content (JavaScript, a launch action, embedded files, "
        "rich media or an XFA form), which the portal does not accept. Print it to a new PDF "
        "and send that."
    )


def _inspect_pdf(upload) -> None:
    import pikepdf

    upload.seek(0)
    data = upload.read()
    # What is written outside the streams, whether or not the cross-reference table points at
    # it (a reader that rebuilds a damaged file would find it).
    if _raw_active_name(data):
        raise Refused(_pdf_active())
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            # Every object qpdf finds, the ones in compressed object streams included (decoded
            # whatever their filters) and, in an encrypted PDF that opens without a password,
            # decrypted; written out by qpdf, names unescaped (a stream: its dictionary).
            written = b"\n".join(
                (obj.stream_dict if isinstance(obj, pikepdf.Stream) else obj).unparse(resolved=True)
                for obj in pdf.objects
            )
    except pikepdf.PasswordError:
        raise Refused(
            _("%(name)s is protected by a password; send a copy without the password.")
        ) from None
    except pikepdf.PdfError:
        raise Refused(_("%(name)s is damaged or not really a PDF.")) from None
    if _ACTIVE_NAME.search(written):
        raise Refused(_pdf_active())


_DELIMITER = rb"(?=[\x00\t\n\x0c\r /<>\[\]()%{}]|\Z)"
_ACTIVE_NAME = re.compile(
    rb"/(?:" + b"|".join(n[1:].encode() for n in sorted(PDF_ACTIVE_NAMES)) + rb")" + _DELIMITER
)


def _escapable(name: str) -> bytes:
    """A pattern for `name` as a PDF may write it: any character as itself or as #xx."""
    return b"".join(
        b"(?:%s|#%s)"
        % (
            re.escape(c.encode()),
            "".join(f"[{h.lower()}{h.upper()}]" for h in f"{ord(c):02x}").encode(),
        )
        for c in name
    )


_RAW_ACTIVE_NAME = re.compile(
    rb"/(?:" + b"|".join(_escapable(n[1:]) for n in sorted(PDF_ACTIVE_NAMES)) + rb")" + _DELIMITER
)


def _raw_active_name(data: bytes) -> bool:
    """Whether an active name is written in the file outside stream data (the data of a
    stream, compressed or not, is left to qpdf: binary data would match by chance)."""
    for match in _RAW_ACTIVE_NAME.finditer(data):
        keyword = data.rfind(b"stream", 0, match.start())
        if keyword < 0 or data[keyword - 3 : keyword] == b"end":
            return True
    return False


# Office (OOXML packages)


_MAIN_PARTS = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": Kind.XLSX,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml": (Kind.DOCX),
}
# A content type with one of these (lower case) is code or something that runs code: VBA
# projects and their data, macro-enabled documents (also embedded ones), Excel 4 macro sheets,
# ActiveX controls, OLE objects, binary workbooks, add-ins.
_ACTIVE_CONTENT_TYPES = (
    "macroenabled",
    "vbaproject",
    "vbadata",
    "activex",
    "oleobject",
    "macrosheet",
    "dialogsheet",
    "sheet.binary",
    "addin",
    "keymapcustomizations",
    "msdownload",
)
# Relationships that load code or another document: the same, by relationship type.
_ACTIVE_RELATIONSHIPS = (
    "/vbaproject",
    "/wordvbadata",
    "/activexcontrol",
    "/activexcontrolbinary",
    "/control",
    "/oleobject",
    "/attachedtemplate",
    "/keymapcustomizations",
    "/xlmacrosheet",
    "/xlintlmacrosheet",
    "/dialogsheet",
)
# A part that starts so is an OLE compound file (a VBA project, an ActiveX control, an
# embedded object) or a program, whatever it is called.
_BINARY_CODE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"MZ")
_PACKAGE_MAX_PARTS = 10_000
_XML_PART_MAX_BYTES = 2 * 1024 * 1024


def _office_active() -> str:
    return _(
        "%(name)s contains macros, ActiveX controls, embedded objects or links that load "
        "other files, which the portal does not accept. Save it as a plain .xlsx or .docx "
        "workbook or document and send that."
    )


def _office_kind(upload) -> str:
    """XLSX or DOCX by the main part that [Content_Types].xml declares (and that exists)."""
    try:
        with zipfile.ZipFile(upload) as package:
            parts = {info.filename.lower(): info for info in package.infolist()}
            if len(parts) > _PACKAGE_MAX_PARTS or "[content_types].xml" not in parts:
                raise Refused(_not_allowed())
            types = _xml(package, parts["[content_types].xml"])
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError):
        raise Refused(_not_allowed()) from None
    finally:
        upload.seek(0)
    if _active_content_type(types):
        raise Refused(_office_active())
    kinds = {
        _MAIN_PARTS[element.get("ContentType", "")]
        for element in types
        if element.tag.endswith("Override")
        and element.get("ContentType", "") in _MAIN_PARTS
        and element.get("PartName", "").lstrip("/").lower() in parts
    }
    if len(kinds) != 1:
        raise Refused(_not_allowed())
    return kinds.pop()


def _inspect_office(upload) -> None:
    try:
        with zipfile.ZipFile(upload) as package:
            # (Its content types were read by _office_kind.)
            for info in package.infolist():
                name = info.filename.lower()
                if name.endswith("vbaproject.bin") or _starts_with_code(package, info):
                    raise Refused(_office_active())
                if name.endswith(".rels"):
                    for relationship in _xml(package, info):
                        kind = relationship.get("Type", "").lower()
                        external = relationship.get("TargetMode", "").lower() == "external"
                        if kind.endswith(_ACTIVE_RELATIONSHIPS) or (
                            external and not kind.endswith("/hyperlink")
                        ):
                            raise Refused(_office_active())
    except (zipfile.BadZipFile, KeyError, OSError, EOFError, RuntimeError, ValueError):
        raise Refused(_not_allowed()) from None


def _active_content_type(types: list) -> bool:
    """Whether [Content_Types].xml declares a part (by name or by extension) of a type that
    is or runs code."""
    return any(
        mark in element.get("ContentType", "").lower()
        for element in types
        for mark in _ACTIVE_CONTENT_TYPES
    )


def _starts_with_code(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    if info.is_dir() or info.file_size == 0:
        return False
    with package.open(info) as part:
        return part.read(8).startswith(_BINARY_CODE)


def _xml(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> list:
    """The elements of a package's XML part; none from a part that declares a document type
    or entities (never in Office packages; the way to billion-laughs and external-entity
    tricks) or is oversized."""
    if info.file_size > _XML_PART_MAX_BYTES:
        raise Refused(_not_allowed())
    data = package.read(info)
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        raise Refused(_not_allowed())
    try:
        return list(ElementTree.fromstring(data).iter())
    except ElementTree.ParseError:
        raise Refused(_not_allowed()) from None


# Images


def _inspect_image(upload) -> None:
    from PIL import Image

    upload.seek(0)
    try:
        with Image.open(upload) as image:
            if image.format not in ("JPEG", "PNG"):
                raise Refused(_not_allowed())
            image.verify()
    except Refused:
        raise
    except Exception:  # Pillow raises many kinds of errors on a broken file
        raise Refused(_("%(name)s is damaged or not really an image.")) from None


_INSPECT = {
    Kind.PDF: _inspect_pdf,
    Kind.JPEG: _inspect_image,
    Kind.PNG: _inspect_image,
    Kind.XLSX: _inspect_office,
    Kind.DOCX: _inspect_office,
}


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def checked_upload_create(model: type[CheckedUpload], upload, **fields) -> CheckedUpload:
    """Check `upload` (its type by its content, what the content holds, its size) and keep it
    as a new `model` row with `fields` (what it belongs to), stored under a name the portal
    makes: a random token and the extension of the detected type."""
    kind = validate_upload(upload)
    record = model(
        token=secrets.token_hex(16),
        original_name=file_display_name(upload.name),
        kind=kind,
        size=upload.size,
        sha256=sha256_of(upload),
        **fields,
    )
    record.file.save(f"{record.token}.{record.extension}", upload, save=False)
    record.save()
    return record
