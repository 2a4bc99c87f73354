"""Files users send: evidence of an event, attachments of a partner's report. Their type is
decided by their content (partners.services.uploads); they are stored under a name the portal
makes (a random token and the extension of that type) and sent under another it makes
(`download_name`); the uploader's name is kept in the row only to be shown. Never deleted.

Files stored before the names had an extension (`<token>` alone) stay where they are: the
path is the row's, never rebuilt, and the download's name is made from the row either way."""

from django.db import models
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from portal.text import SingleLineCharField


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

    # The extension of the files of a kind, in the stored and in the downloaded name.
    EXTENSIONS = {
        Kind.PDF: "pdf",
        Kind.JPEG: "jpg",
        Kind.PNG: "png",
        Kind.XLSX: "xlsx",
        Kind.DOCX: "docx",
    }
    # The start of the downloaded name ("evidence-12-statement.pdf").
    download_prefix = "file"

    token = models.CharField(_("token"), max_length=32, unique=True, editable=False)
    file = models.FileField(_("file"), upload_to=checked_upload_to, max_length=200)
    original_name = SingleLineCharField(_("file name"), max_length=200)
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

    @property
    def extension(self) -> str:
        return self.EXTENSIONS[self.kind]

    @property
    def download_name(self) -> str:
        """The portal's name for the file: what it is, its number, the uploader's name made a
        slug without its extension (letters, digits and hyphens: no dots, no spaces), and the
        extension of the type its content showed."""
        stem = self.original_name.rsplit(".", 1)[0] if "." in self.original_name else ""
        slug = slugify(stem, allow_unicode=True)[:60].strip("-_")
        return (
            "-".join(filter(None, [self.download_prefix, str(self.pk), slug]))
            + "."
            + self.extension
        )

    def delete(self, *args, **kwargs):
        raise PermissionError(
            f"A {self._meta.verbose_name} is part of the record and is never deleted."
        )
