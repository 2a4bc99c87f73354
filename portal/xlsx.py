"""A streamed XLSX writer for exports: rows in, an Office Open XML workbook out, in one pass.

openpyxl in write-only mode keeps memory flat but spends ~75 µs of CPU per row building a cell
object per value; at a million rows that is minutes (docs/performance.md). An export needs far
less: text, numbers and dates in one plain style, no formulas ever. This writer formats each row
as the sheet's XML directly and deflates it into the ZIP as it comes (~10 µs a row).

Text is always written as an inline string (`t="inlineStr"`), so a spreadsheet program never
evaluates it as a formula, whatever it starts with. Characters that XML 1.0 cannot carry
(control characters other than tab, line feed and carriage return) are dropped.
"""

import datetime
import re
import zipfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import BinaryIO
from xml.sax.saxutils import quoteattr

from django.utils import timezone

_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Buffered sheet XML is handed to the compressor in pieces of about this many characters.
_FLUSH_CHARS = 256 * 1024

_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/styles.xml" \
ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
{sheets}</Types>"""
_SHEET_CONTENT_TYPE = (
    '<Override PartName="/xl/worksheets/sheet{n}.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
)
_ROOT_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/></Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheets>{sheets}</sheets></workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
{sheets}<Relationship Id="rIdStyles" \
Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/></Relationships>"""
_SHEET_REL = (
    '<Relationship Id="rId{n}" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet{n}.xml"/>'
)
# Cell styles: 0 plain, 1 a date (built-in format 14), 2 a date and time (built-in format 22).
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill>\
<fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="22" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
</cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""
_SHEET_START = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_END = "</sheetData></worksheet>"


def _text(value: str) -> str:
    if not value:
        return "<c/>"
    if _ILLEGAL_XML.search(value):
        value = _ILLEGAL_XML.sub("", value)
    if "&" in value or "<" in value or ">" in value:
        value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if value[:1].isspace() or value[-1:].isspace():
        return f'<c t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>'
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def _number(value) -> str:
    return f"<c><v>{value}</v></c>"


def _float(value: float) -> str:
    return f"<c><v>{value!r}</v></c>"


def _bool(value: bool) -> str:
    return f'<c t="b"><v>{int(value)}</v></c>'


def _datetime(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value).replace(tzinfo=None)
    days = (value.date() - _EXCEL_EPOCH).days
    seconds = value.hour * 3600 + value.minute * 60 + value.second
    fraction = (seconds + value.microsecond / 1e6) / 86400
    return f'<c s="2"><v>{days + fraction!r}</v></c>'


def _date(value: datetime.date) -> str:
    return f'<c s="1"><v>{(value - _EXCEL_EPOCH).days}</v></c>'


def _empty(value) -> str:
    return "<c/>"


# The cell of a value by its exact type: one dictionary lookup a value (a million rows of ten
# values make this the writer's hottest line).
_CELLS = {
    str: _text,
    int: _number,
    Decimal: _number,
    float: _float,
    bool: _bool,
    datetime.datetime: _datetime,
    datetime.date: _date,
    type(None): _empty,
}


def _cell(value) -> str:
    write = _CELLS.get(type(value))
    if write is not None:
        return write(value)
    for kind, write in _CELLS.items():  # subclasses (SafeString, a date subclass...)
        if isinstance(value, kind) and kind is not type(None):
            return write(value)
    return _text(str(value))


def _row(number: int, values: Sequence) -> str:
    # Text and whole numbers, most of an export, are written here without a call per cell.
    parts = [f'<row r="{number}">']
    for value in values:
        kind = type(value)
        if kind is str:
            if not value:
                parts.append("<c/>")
                continue
            # Characters XML cannot carry are all unprintable: isprintable() rules them out in
            # a fraction of a regular expression's time (a million rows: seconds).
            if not value.isprintable() and _ILLEGAL_XML.search(value):
                value = _ILLEGAL_XML.sub("", value)
            if "&" in value or "<" in value or ">" in value:
                value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            parts.append(f'<c t="inlineStr"><is><t xml:space="preserve">{value}</t></is></c>')
        elif kind is int:
            parts.append(f"<c><v>{value}</v></c>")
        else:
            parts.append(_cell(value))
    parts.append("</row>")
    return "".join(parts)


class _Deflater:
    """Writes into a ZIP member on a thread of its own, one piece at a time, in order: zlib's
    compression and checksum release the GIL, so the next rows are formatted meanwhile (a
    sixth of the writer's time at a million rows). At most one piece waits, so memory stays
    that of two buffers."""

    def __init__(self, part):
        self.part = part
        self.thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="xlsx-deflate")
        self.writing = None

    def write(self, data: bytes) -> None:
        self.wait()
        self.writing = self.thread.submit(self.part.write, data)

    def wait(self) -> None:
        if self.writing is not None:
            self.writing.result()  # raises here what the write raised there
            self.writing = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        try:
            self.wait()
        finally:
            self.thread.shutdown(wait=True)


def write_workbook(
    file: BinaryIO,
    columns: Sequence[str],
    rows: Iterable[Sequence],
    *,
    title: str,
    sheet_rows: int,
) -> None:
    """Write a workbook of `rows` under the header `columns` into `file`; past `sheet_rows`
    rows (header included) the rows go on to another sheet, titled "<title> 2" and so on, each
    with the header again."""
    header = list(columns)
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=3) as package:
        sheets = 0
        rows = iter(rows)
        pending = next(rows, None)
        while sheets == 0 or pending is not None:
            sheets += 1
            with (
                package.open(f"xl/worksheets/sheet{sheets}.xml", "w", force_zip64=True) as part,
                _Deflater(part) as deflater,
            ):
                buffer = [_SHEET_START, _row(1, header)]
                size, number = 0, 1
                while pending is not None and number < sheet_rows:
                    number += 1
                    line = _row(number, pending)
                    buffer.append(line)
                    size += len(line)
                    if size >= _FLUSH_CHARS:
                        deflater.write("".join(buffer).encode("utf-8"))
                        buffer, size = [], 0
                    pending = next(rows, None)
                buffer.append(_SHEET_END)
                deflater.write("".join(buffer).encode("utf-8"))
        numbers = range(1, sheets + 1)
        names = [title if n == 1 else f"{title} {n}" for n in numbers]
        package.writestr(
            "[Content_Types].xml",
            _CONTENT_TYPES.format(sheets="".join(_SHEET_CONTENT_TYPE.format(n=n) for n in numbers)),
        )
        package.writestr("_rels/.rels", _ROOT_RELS)
        package.writestr(
            "xl/workbook.xml",
            _WORKBOOK.format(
                sheets="".join(
                    f'<sheet name={quoteattr(name)} sheetId="{n}" r:id="rId{n}"/>'
                    for n, name in zip(numbers, names, strict=True)
                )
            ),
        )
        package.writestr(
            "xl/_rels/workbook.xml.rels",
            _WORKBOOK_RELS.format(sheets="".join(_SHEET_REL.format(n=n) for n in numbers)),
        )
        package.writestr("xl/styles.xml", _STYLES)
