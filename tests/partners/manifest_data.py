"""Manifests for the tests: CSV files made here, imported by the service."""

from django.core.files.uploadedfile import SimpleUploadedFile

from partners.services.manifests import MANIFEST_COLUMNS, manifest_import

HEADER = ",".join(MANIFEST_COLUMNS)
# Check digits computed by hand: MSCU123456 -> 6, CSQU305438 -> 3, 176-1234567 -> 5.
LINE = "MSCU1234566,MSC OSCAR,123E,CNSHA,HKHKG,Cotton T-shirts 2000 cartons,Example Trading Ltd"
OTHER_LINE = "176-12345675,CX 101,,GBLHR,HKHKG,Spare parts for pumps,Pump Co"


def manifest_csv(*lines: str, header: str = HEADER) -> bytes:
    return ("\n".join([header, *lines]) + "\n").encode()


def manifest_file(*lines: str, name="manifest.csv", header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, manifest_csv(*lines, header=header), content_type="text/csv")


def manifest_of(user, *lines: str, name="manifest.csv"):
    upload = manifest_file(*(lines or (LINE,)), name=name)
    return manifest_import(data=upload, file_name=name, user=user)
