"""Reports from partners for the tests: made the way the portal makes them, by the service."""

from django.core.files.uploadedfile import SimpleUploadedFile

from partners.models import PartnerReport
from partners.services import reports
from tests import upload_files

PDF = upload_files.pdf()
DESCRIPTION = "A container declared as garments weighs twice what garments would."


def pdf(name="manifest.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def report_of(user, *, category=PartnerReport.Category.SUSPICIOUS_SHIPMENT, attachments=(), **kw):
    return reports.report_submit(
        user=user,
        category=category,
        description=kw.pop("description", DESCRIPTION),
        shipment_references=kw.pop("shipment_references", ["CSQU3054383"]),
        attachments=attachments,
        **kw,
    )
