"""Checked uploads (evidence, a report's attachments): the type is decided by the file's
content, never by its name."""

import hashlib
import secrets
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from partners.models import CheckedUpload

Kind = CheckedUpload.Kind

# Office files are ZIP packages; the part that names the application tells them apart.
_OFFICE_MARKERS = {"xl/workbook.xml": Kind.XLSX, "word/document.xml": Kind.DOCX}


def detect_kind(upload) -> str | None:
    """PDF, JPEG, PNG, XLSX or DOCX by magic bytes and package structure; None otherwise."""
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if head.startswith(b"%PDF-"):
        return Kind.PDF
    if head.startswith(b"\xff\xd8\xff"):
        return Kind.JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return Kind.PNG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(upload) as package:
                names = set(package.namelist())
        except zipfile.BadZipFile:
            return None
        finally:
            upload.seek(0)
        # A macro-enabled workbook or document (.xlsm, .docm) is not XLSX or DOCX.
        macros = any(name.lower().endswith("vbaproject.bin") for name in names)
        if "[Content_Types].xml" in names and not macros:
            for marker, kind in _OFFICE_MARKERS.items():
                if marker in names:
                    return kind
    return None


def validate_upload(upload) -> str:
    """Return the file's kind, or raise a ValidationError naming the file and the reason."""
    if upload.size > settings.EVIDENCE_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s; the limit is %(limit)s.")
            % {
                "name": upload.name,
                "size": filesizeformat(upload.size),
                "limit": filesizeformat(settings.EVIDENCE_MAX_BYTES),
            }
        )
    kind = detect_kind(upload)
    if kind is None:
        raise ValidationError(
            _("%(name)s is not a PDF, JPEG, PNG, XLSX or DOCX file (checked by its content).")
            % {"name": upload.name}
        )
    return kind


def sha256_of(upload) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def checked_upload_create(model: type[CheckedUpload], upload, **fields) -> CheckedUpload:
    """Check `upload` (hostile until proven otherwise: its type by its content, its size) and
    keep it as a new `model` row with `fields` (what it belongs to), under a random name."""
    kind = validate_upload(upload)
    record = model(
        token=secrets.token_hex(16),
        original_name=upload.name[:200],
        kind=kind,
        size=upload.size,
        sha256=sha256_of(upload),
        **fields,
    )
    record.file.save(record.token, upload, save=False)
    record.save()
    return record
