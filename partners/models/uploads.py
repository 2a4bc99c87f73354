"""Files users send: evidence of an event, attachments of a partner's report. Stored under a
random name (the original name is kept in the row, never in the path), their type decided by
their content (partners.services.uploads), never deleted."""

from django.db import models
from django.utils.translation import gettext_lazy as _


def checked_upload_to(instance, filename):
    return instance.storage_path()


class CheckedUpload(models.Model):
    """What every checked upload keeps. A concrete model adds what the file belongs to and
    `storage_path()`, under MEDIA_ROOT."""

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        JPEG = "jpeg", "JPEG"
        PNG = "png", "PNG"
        XLSX = "xlsx", "XLSX"
        DOCX = "docx", "DOCX"

    # The content type a download is sent with: the kind's, never the uploader's claim.
    CONTENT_TYPES = {
        Kind.PDF: "application/pdf",
        Kind.JPEG: "image/jpeg",
        Kind.PNG: "image/png",
        Kind.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Kind.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }

    token = models.CharField(_("token"), max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=checked_upload_to, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    def storage_path(self) -> str:
        raise NotImplementedError

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.kind]

    def delete(self, *args, **kwargs):
        raise PermissionError(
            f"A {self._meta.verbose_name} is part of the record and is never deleted."
        )
