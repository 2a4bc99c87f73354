"""Reading an import file (CSV or XLSX) row by row, within bounds that no file can push past.

`read_rows` gives the header and an iterator of (spreadsheet row number, values, notes); the
checks of the values are `partners.services.imports`' work. Whatever a file holds, reading it
either gives rows or raises `ImportRejected` naming the row and what is wrong: never another
exception, never more than a few seconds or a few tens of megabytes per file (docs/import.md,
"Files that cannot be read").

- CSV: decoded as UTF-8 through a buffered text stream, one line at a time with a length limit;
  the `csv` module in strict mode (an unterminated quote is an error, not a value holding the
  rest of the file); a row over `ROW_MAX_CHARS`, more than `ROWS_MAX` rows in all (empty ones
  included), a value over the `csv` module's field limit are refused on the row where they are.
- XLSX: the archive is checked before anything is decompressed (the uncompressed size of each
  part and of the whole, and the compression ratio, as the archive declares them: `zipfile`
  never inflates past a declared size). openpyxl (read-only) reads the workbook's structure and
  styles; the first sheet and the shared strings are streamed with expat, so that the sheet's
  declared dimension is never read, a row is only the cells it holds, empty rows cost nothing,
  and no part of the sheet is kept once its row is done. DTDs and entities are refused (as
  defusedxml makes openpyxl do for the other parts).
"""

import codecs
import csv
import io
import xml.parsers.expat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

CELL_MAX_CHARS = 32_767  # the most an Excel cell holds
ROW_MAX_CHARS = 1_048_576  # one CSV row (record), quotes and separators included
ROWS_MAX = 1_048_576  # rows read in all, empty ones included: the most a worksheet has
COLUMNS_MAX = 16_384  # the most a worksheet has (column XFD)
COLUMNS_KEPT = 64  # of an XLSX row; a value further right is only noted (see _sheet_rows)
XLSX_PART_MAX = 256 * 1024 * 1024  # the first sheet, uncompressed
XLSX_STRINGS_MAX = 64 * 1024 * 1024  # the shared strings, uncompressed
XLSX_STRINGS_COUNT_MAX = 1_000_000  # distinct texts (a full file has at most 900,000 cells)
XLSX_OTHER_PART_MAX = 8 * 1024 * 1024  # any other part (styles, workbook...), uncompressed
XLSX_TOTAL_MAX = 320 * 1024 * 1024  # all the parts, uncompressed
XLSX_RATIO_MAX = 100  # uncompressed / compressed size, for parts over a megabyte
# What the sheet's XML may hold, whatever its rows say: each element costs a few microseconds,
# and a 100,000-row file has about 2,000,000 of them.
XLSX_ROWS_MAX = 250_000  # <row> elements, empty rows or rows of empty cells included
XLSX_CELLS_MAX = 2_500_000  # <c> elements, empty cells included
XLSX_PARTS_MAX = 1_000
READ_CHUNK = 64 * 1024


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # None: the file as a whole
    column: str
    message: str


class ImportRejected(Exception):
    def __init__(self, problems: list[ImportProblem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


def file_problem(message: str, row: int | None = None) -> ImportRejected:
    return ImportRejected([ImportProblem(row, "", message)])


def too_many_rows() -> ImportRejected:
    return file_problem(
        _(
            "The file has more than %(n)s rows, empty ones included (the most a worksheet "
            "holds). Delete the empty rows at its end."
        )
        % {"n": f"{ROWS_MAX:,}"}
    )


class TooLong(str):
    """A cell's text cut at the cell limit (XLSX): reported as too long, never stored."""


def read_rows(source: BinaryIO, file_name: str) -> tuple[list, Iterator[tuple[int, list]]]:
    """The header row's values and the other rows as (row number, values), empty rows
    included for a CSV (the caller skips them), only the rows holding cells for an XLSX."""
    start = source.read(4)
    source.seek(0)
    if file_name.lower().endswith(".xlsx") or start == b"PK\x03\x04":
        return _read_xlsx(source)
    return _read_csv(source)


# CSV


class _Raw(io.RawIOBase):
    """Any binary file object (a Django upload...) as a raw stream, so that the buffered text
    stream on top of it reads it in large chunks and checks it in C, not line by line in
    Python (a file of empty lines through an upload's own methods took 25 s for 10 MB)."""

    def __init__(self, source: BinaryIO):
        self.source = source

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.source.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _Record:
    chars = 0  # of the row being read, so far


def _read_csv(source: BinaryIO):
    text = io.TextIOWrapper(
        io.BufferedReader(_Raw(source), READ_CHUNK), encoding="utf-8-sig", newline=""
    )
    record = _Record()
    reader = csv.reader(_lines(text, record), strict=True)
    rows = _csv_records(reader, record, source)
    first = next(rows, None)
    if first is None:
        raise file_problem(_("The file is empty."), row=1)
    return [str(h).strip().lower() for h in first[1]], rows


class _RowTooLong(Exception):
    pass


def _lines(text: io.TextIOBase, record: _Record) -> Iterator[str]:
    while line := text.readline(ROW_MAX_CHARS + 1):
        record.chars += len(line)
        if record.chars > ROW_MAX_CHARS:
            raise _RowTooLong
        yield line


def _csv_records(reader, record: _Record, source: BinaryIO):
    number = 0
    try:
        for number, values in enumerate(reader, start=1):  # noqa: B007 (the row of an error)
            if number > ROWS_MAX:
                raise too_many_rows()
            record.chars = 0
            yield number, values
    except UnicodeDecodeError:
        _not_utf8(source)
    except _RowTooLong:
        raise file_problem(
            _(
                "This row is longer than %(n)s characters, the most a row may hold: a quote "
                "opened on it is probably never closed."
            )
            % {"n": f"{ROW_MAX_CHARS:,}"},
            row=number + 1,
        ) from None
    except csv.Error as exc:
        raise file_problem(_csv_error(str(exc)), row=number + 1) from None


def _csv_error(error: str) -> str:
    if "field larger than field limit" in error:
        return _(
            "A value on this row is longer than %(n)s characters, the most a value may hold, "
            "or a quote opened on this row is never closed."
        ) % {"n": f"{csv.field_size_limit():,}"}
    if "unexpected end of data" in error:
        return _(
            "A quote opened on this row is never closed: the rest of the file would be read "
            "as one value."
        )
    if "expected after" in error:
        return _(
            "A quoted value is followed by more text before the next comma. Inside a quoted "
            'value, write a quote as two quotes ("").'
        )
    return _("This row cannot be read as CSV (%(error)s).") % {"error": error}


def _not_utf8(source: BinaryIO):
    """Refuse the file, naming the line of its first byte that is not UTF-8: found by reading
    it again line by line (a line break is never inside a UTF-8 character)."""
    source.seek(0)
    line = 0
    lines = io.BufferedReader(_Raw(source), READ_CHUNK)
    while data := lines.readline(ROW_MAX_CHARS):
        line += 1
        try:
            (data.removeprefix(codecs.BOM_UTF8) if line == 1 else data).decode("utf-8")
        except UnicodeDecodeError as exc:
            # A character cut by the length limit is not a bad byte.
            if exc.reason != "unexpected end of data":
                break
    raise file_problem(
        _('The file is not UTF-8 text (first bad byte on line %(line)d). Save it as "CSV UTF-8".')
        % {"line": line},
        row=line,
    )


# XLSX

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


class _Unreadable(Exception):
    """The workbook is damaged in a way a person cannot fix by editing a row."""


def _not_a_workbook() -> ImportRejected:
    return file_problem(_("The file is not a readable XLSX workbook."))


def _read_xlsx(source: BinaryIO):
    try:
        archive = zipfile.ZipFile(source)
        _check_archive(archive)
        sheet_path, strings_path, date_styles, epoch = _workbook(source)
        strings = _shared_strings(archive, strings_path) if strings_path else []
    except ImportRejected:
        raise
    except Exception as exc:  # zipfile, zlib, expat and openpyxl raise many types
        raise _not_a_workbook() from exc
    rows = _sheet_rows(archive, sheet_path, strings, date_styles, epoch)
    try:
        header = next(rows, None)
    except ImportRejected:
        raise
    except Exception as exc:
        raise _not_a_workbook() from exc
    if header is None:
        raise file_problem(_("The file is empty."), row=1)
    return [str(h).strip().lower() if h is not None else "" for h in header[1]], _guarded(rows)


def _guarded(rows):
    try:
        yield from rows
    except ImportRejected:
        raise
    except Exception as exc:
        raise _not_a_workbook() from exc


def _check_archive(archive: zipfile.ZipFile) -> None:
    """Refuse a zip bomb before inflating anything: by the sizes the archive declares, which
    bound what zipfile inflates (a part that inflates past its declared size fails its CRC)."""
    members = archive.infolist()
    if len(members) > XLSX_PARTS_MAX:
        raise _Unreadable("too many parts")
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if member.filename.startswith("xl/worksheets/"):
            limit = XLSX_PART_MAX
        elif member.filename == "xl/sharedStrings.xml":
            limit = XLSX_STRINGS_MAX
        else:
            limit = XLSX_OTHER_PART_MAX
        bomb = size > 1024 * 1024 and size / max(member.compress_size, 1) > XLSX_RATIO_MAX
        if size > limit or total > XLSX_TOTAL_MAX or bomb:
            raise file_problem(
                _(
                    "The workbook is too large once uncompressed (%(part)s: %(size)s MB), or "
                    "compressed beyond what a spreadsheet program writes. Save the rows in a "
                    "new workbook, or as CSV."
                )
                % {"part": member.filename[:100], "size": f"{size / 1024 / 1024:,.0f}"}
            )


def _workbook(source: BinaryIO):
    """The first worksheet's part, the shared strings' part, the styles that show dates, and the
    date system, read by openpyxl (read-only; its XML through defusedxml)."""
    from openpyxl.reader.excel import ExcelReader
    from openpyxl.styles.stylesheet import apply_stylesheet

    source.seek(0)
    reader = ExcelReader(source, read_only=True, data_only=True)
    reader.read_manifest()
    reader.read_workbook()
    apply_stylesheet(reader.archive, reader.wb)
    strings = reader.package.find(SHARED_STRINGS_TYPE)
    strings_path = strings.PartName[1:] if strings is not None else None
    for _sheet, rel in reader.parser.find_sheets():
        if rel.target in reader.valid_files and "chartsheet" not in rel.Type:
            return rel.target, strings_path, reader.wb._date_formats, reader.wb.epoch
    raise _Unreadable("no worksheet")


def _expat():
    parser = xml.parsers.expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True

    def forbidden(*args):
        raise _Unreadable("DTD or entity")

    parser.StartDoctypeDeclHandler = forbidden
    parser.EntityDeclHandler = forbidden
    parser.ExternalEntityRefHandler = forbidden
    return parser


def _parse_part(archive: zipfile.ZipFile, path: str, parser) -> Iterator[None]:
    """Feed the part to `parser` chunk by chunk, yielding after each chunk."""
    with archive.open(path) as part:
        while chunk := part.read(READ_CHUNK):
            parser.Parse(chunk, False)
            yield
        parser.Parse(b"", True)
        yield


def _shared_strings(archive: zipfile.ZipFile, path: str) -> list[str]:
    """The texts of `<si>` elements: their `<t>`, outside phonetic runs (`<rPh>`)."""
    si, t, rph = f"{MAIN_NS}}}si", f"{MAIN_NS}}}t", f"{MAIN_NS}}}rPh"
    strings: list[str] = []
    state = {"text": None, "in_t": False, "in_rph": False}
    pieces: list[str] = []

    def start(name, attrs):
        if name == si:
            pieces.clear()
            state["text"] = 0
        elif name == t:
            state["in_t"] = True
        elif name == rph:
            state["in_rph"] = True

    def end(name):
        if name == si:
            if len(strings) >= XLSX_STRINGS_COUNT_MAX:
                raise _Unreadable("too many strings")
            text = "".join(pieces)
            strings.append(TooLong(text) if len(text) > CELL_MAX_CHARS else text)
            state["text"] = None
        elif name == t:
            state["in_t"] = False
        elif name == rph:
            state["in_rph"] = False

    def characters(data):
        wanted = state["in_t"] and not state["in_rph"] and state["text"] is not None
        if wanted and state["text"] <= CELL_MAX_CHARS:
            pieces.append(data[: CELL_MAX_CHARS + 1])
            state["text"] += len(data)

    parser = _expat()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    for _step in _parse_part(archive, path, parser):
        pass
    return strings


_COLUMNS: dict[str, int] = {}  # "XFD": 16384, filled as letters are met


def _column_index(reference: str) -> int:
    """1 for "A1", 16384 for "XFD7"; 0 when it is not a cell reference."""
    letters = reference.rstrip("0123456789")
    if letters == reference or not reference[len(letters) :].isdecimal():
        return 0
    if (index := _COLUMNS.get(letters)) is None:
        index = 0
        for char in letters:
            if not "A" <= char <= "Z" or index > COLUMNS_MAX:
                return 0
            index = index * 26 + ord(char) - 64
        if index <= COLUMNS_MAX:
            _COLUMNS[letters] = index
    return index


def _sheet_rows(archive, path, strings, date_styles, epoch) -> Iterator[tuple[int, list]]:
    """(row number, values) of each `<row>` holding a value: the values of its first
    `COLUMNS_KEPT` columns, then the first value further right, if any (never a list as wide as
    the sheet, whatever column a cell names). The handlers run for every element of the sheet:
    plain variables, the commonest elements first."""
    from openpyxl.utils.datetime import from_excel

    row_tag, cell_tag = f"{MAIN_NS}}}row", f"{MAIN_NS}}}c"
    value_tags = {f"{MAIN_NS}}}v", f"{MAIN_NS}}}t"}
    phonetic = f"{MAIN_NS}}}rPh"
    done: list[tuple[int, list]] = []  # rows finished by the last chunk
    pieces: list[str] = []  # the current cell's value
    column, kind, style, chars, valued = 0, "n", "0", 0, False  # the current cell
    number, rows_seen, cells_seen = 0, 0, 0
    values: dict | None = None  # {column: value} of the current row, None outside a row
    beyond = None  # the row's first value right of COLUMNS_KEPT
    in_value = in_phonetic = False

    def cell_value(text: str):
        if chars > CELL_MAX_CHARS:
            return TooLong(text)
        if kind == "s":
            return strings[int(text)]
        if kind == "str" or kind == "inlineStr":
            return text
        if kind == "n":
            if not text.strip():
                return None
            value = float(text) if any(c in text for c in ".eEnN") else int(text)
            if date_styles and int(style) in date_styles:
                try:
                    return from_excel(value, epoch)
                except (OverflowError, ValueError):
                    return value
            return value
        if kind == "b":
            return text.strip() == "1"
        return text  # "d" (an ISO date, read as text) or "e" (an error such as #N/A)

    def start(name, attrs):
        nonlocal column, kind, style, chars, valued, number, rows_seen, cells_seen
        nonlocal values, beyond, in_value, in_phonetic
        if name == cell_tag:
            if values is None:
                raise _Unreadable("cell outside a row")
            cells_seen += 1
            if cells_seen > XLSX_CELLS_MAX:
                raise file_problem(
                    _("The worksheet has more than %(n)s cells, empty ones included.")
                    % {"n": f"{XLSX_CELLS_MAX:,}"}
                )
            reference = attrs.get("r")
            position = _column_index(reference) if reference else column + 1
            if not column < position <= COLUMNS_MAX:
                raise _Unreadable("cell reference")
            column, kind, style = position, attrs.get("t", "n"), attrs.get("s", "0")
            chars, valued = 0, False
            pieces.clear()
        elif name in value_tags:
            if not in_phonetic:
                in_value = valued = True
        elif name == row_tag:
            given = attrs.get("r")
            given = int(given) if given is not None else number + 1
            rows_seen += 1
            if not number < given <= ROWS_MAX:
                raise _Unreadable("row number")
            if rows_seen > XLSX_ROWS_MAX:
                raise file_problem(
                    _(
                        "The worksheet has more than %(n)s rows holding cells, empty ones "
                        "included. Delete the empty rows at its end."
                    )
                    % {"n": f"{XLSX_ROWS_MAX:,}"}
                )
            number, values, beyond, column = given, {}, None, 0
        elif name == phonetic:
            in_phonetic = True

    def end(name):
        nonlocal values, beyond, in_value, in_phonetic
        if name == cell_tag:
            if valued:
                value = cell_value("".join(pieces))
                if value is None:
                    pass
                elif column <= COLUMNS_KEPT:
                    values[column] = value
                elif beyond is None:
                    beyond = value
            pieces.clear()
        elif name in value_tags:
            in_value = False
        elif name == row_tag:
            if values or beyond is not None:
                kept = [None] * (COLUMNS_KEPT if beyond is not None else max(values))
                for position, value in values.items():
                    kept[position - 1] = value
                if beyond is not None:
                    kept.append(beyond)
                done.append((number, kept))
            values = None
        elif name == phonetic:
            in_phonetic = False

    def characters(data):
        nonlocal chars
        if in_value and not in_phonetic:
            if chars <= CELL_MAX_CHARS:
                pieces.append(data[: CELL_MAX_CHARS + 1])
            chars += len(data)

    parser = _expat()
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = characters
    for _step in _parse_part(archive, path, parser):
        yield from done
        done.clear()
