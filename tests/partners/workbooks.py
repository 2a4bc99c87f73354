"""XLSX files written part by part, for the tests of damaged and hostile workbooks: what a
spreadsheet program writes (shared strings, a dimension) or what no program writes."""

import io
import zipfile

from partners.services.imports import IMPORT_COLUMNS

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
TYPES = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"


def header_row() -> str:
    cells = "".join(
        f'<c r="{chr(65 + n)}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for n, name in enumerate(IMPORT_COLUMNS)
    )
    return f'<row r="1">{cells}</row>'


def text_cell(reference: str, text: str) -> str:
    return f'<c r="{reference}" t="inlineStr"><is><t>{text}</t></is></c>'


def event_row(number: int, br_number: str = "30100001", title: str = "Staff training") -> str:
    """A valid row (inline strings), numbered `number`."""
    values = [br_number, "training", "2024-01-02", "", title, "", "", "", ""]
    cells = "".join(
        text_cell(f"{chr(65 + n)}{number}", value) for n, value in enumerate(values) if value
    )
    return f'<row r="{number}">{cells}</row>'


def sheet_xml(rows: str, *, dimension: str = "A1:I2", prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{header_row()}{rows}</sheetData></worksheet>'
    )


def workbook(
    rows: str = "",
    *,
    sheet: str | None = None,
    strings: list[str] | None = None,
    strings_xml: str | None = None,
    dimension: str = "A1:I2",
    parts: dict[str, bytes] | None = None,
) -> bytes:
    """An XLSX of one sheet: the import header in row 1, then `rows` (XML of <row> elements),
    or the whole sheet's XML `sheet`; `strings` (or `strings_xml`) its shared strings;
    `parts` added or replaced as they are."""
    shared = strings_xml
    if strings is not None:
        items = "".join(f"<si><t>{text}</t></si>" for text in strings)
        shared = f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>'
    override = (
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OFFICE}.sharedStrings+xml"/>'
        if shared is not None
        else ""
    )
    files = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="{TYPES}">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{OFFICE}.worksheet+xml"/>{override}</Types>'
        ),
        "_rels/.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" '
            f'xmlns:r="{RELATIONSHIPS}"><sheets><sheet name="Events" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PACKAGE_RELATIONSHIPS}">'
            f'<Relationship Id="rId1" Type="{RELATIONSHIPS}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": sheet or sheet_xml(rows, dimension=dimension),
    }
    if shared is not None:
        files["xl/sharedStrings.xml"] = shared
    files.update(parts or {})
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def dimension_bomb() -> bytes:
    """The file of the findings: 4.9 KB, dimension A1:XFD1048576, one cell at XFD1048576."""
    bomb = '<row r="1048576"><c r="XFD1048576" t="n"><v>1</v></c></row>'
    return workbook(bomb, dimension="A1:XFD1048576")


def zip_bomb(megabytes: int = 20) -> bytes:
    """A sheet of `megabytes` of spaces, compressed about a thousand times."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part,
    ):
        part.write(f'<worksheet xmlns="{MAIN}"><sheetData>'.encode())
        for _ in range(megabytes):
            part.write(b" " * 1024 * 1024)
        part.write(b"</sheetData></worksheet>")
    return buffer.getvalue()
