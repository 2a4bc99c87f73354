"""Real, small files of every kind an upload may be, and the hostile ones of the security
review (issue 13): built byte by byte here, so that a test says exactly what it sends."""

import io
import struct
import zipfile
import zlib

from openpyxl import Workbook


def pdf() -> bytes:
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (4, xref))
    return out.getvalue()


def png() -> bytes:
    """A 2×2 red image, chunk by chunk."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)  # 8-bit RGB
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg() -> bytes:
    from PIL import Image  # installed with WeasyPrint

    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), (0, 90, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>",
        )
        package.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>",
        )
        package.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?>'
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Statement of the terminal operator</w:t></w:r></w:p>"
            "</w:body></w:document>",
        )
    return buffer.getvalue()


def xlsx() -> bytes:
    workbook = Workbook()
    workbook.active.append(["container", "seal"])
    workbook.active.append(["MSKU 1234567", "HK-884211"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def with_macros(package_bytes: bytes) -> bytes:
    """The same package with a VBA project, as Office saves a .docm or .xlsm."""
    buffer = io.BytesIO(package_bytes)
    with zipfile.ZipFile(buffer, "a") as package:
        package.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0 macro storage")
    return buffer.getvalue()


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("notes.txt", "not an office document")
    return buffer.getvalue()


# Hostile files


def pdf_with(catalog: bytes = b"", *objects: bytes) -> bytes:
    """A one-page PDF whose catalog also holds `catalog`, with `objects` added as objects
    4, 5... (so the catalog can point at them: "/OpenAction 4 0 R")."""
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *objects,
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(bodies, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(bodies) + 1, xref)
    )
    return out.getvalue()


OPEN_ACTION_JAVASCRIPT = (b"/OpenAction 4 0 R", b"<< /S /JavaScript /JS (app.alert(1)) >>")


def pdf_in_object_streams(catalog: bytes, *objects: bytes) -> bytes:
    """The same PDF rewritten by qpdf with its objects in compressed object streams: nothing
    of them can be read in the file's bytes."""
    import pikepdf

    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(pdf_with(catalog, *objects))) as document:
        document.save(
            out, object_stream_mode=pikepdf.ObjectStreamMode.generate, compress_streams=True
        )
    return out.getvalue()


def package(parts: dict[str, bytes | str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def parts_of(package_bytes: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(package_bytes)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


OLE_STORAGE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504  # a VBA project's storage
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
VBA_PROJECT = "application/vnd.ms-office.vbaProject"


def docx_declaring(*overrides: tuple[str, str], main: str = DOCX_MAIN, **extra: bytes) -> bytes:
    """The DOCX with more parts (`extra`, by their names with "/" for "__") and content types
    declared for them (`overrides`: part name, content type), its main part's type `main`."""
    parts = parts_of(docx())
    types = parts["[Content_Types].xml"].decode()
    types = types.replace(DOCX_MAIN, main)
    declared = "".join(
        f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides
    )
    parts["[Content_Types].xml"] = types.replace("</Types>", declared + "</Types>")
    parts.update({name.replace("__", "/"): content for name, content in extra.items()})
    return package(parts)


def docx_with_relationship(kind: str, target: str, external: bool = False) -> bytes:
    """The DOCX whose document has one more relationship, of type `kind` (the last segment of
    the relationship type's URI)."""
    parts = parts_of(docx())
    mode = ' TargetMode="External"' if external else ""
    parts["word/_rels/document.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        f'relationships/{kind}" Target="{target}"{mode}/>'
        "</Relationships>"
    )
    return package(parts)
