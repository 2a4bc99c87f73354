"""Tabular exports shared by every list and export command: CSV or XLSX from rows of values.

The rows are written as they come, so that an export never holds them all in memory: CSV as an
iterator of chunks of bytes, XLSX (a ZIP, deflated as the rows come, `portal.xlsx`) through a
temporary file on disk.
`portal.shortcuts.send_download` streams either; `portal.commands.write_export` writes either.
"""

import csv
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import BinaryIO

from django.db import connections
from django.utils import translation
from django.utils.translation import pgettext

from portal.xlsx import write_workbook

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# A CSV export comes out in pieces of about this size.
CSV_CHUNK_BYTES = 64 * 1024
# Rows of an XLSX sheet, the header included: Excel opens no more. Longer exports continue on
# further sheets, each with the header again.
XLSX_SHEET_ROWS = 1_048_576


def database_rows(queryset, chunk_size: int = 5000) -> Iterator[tuple]:
    """The rows of a values_list() queryset as the database driver gives them, read through a
    server-side cursor in chunks. On PostgreSQL the ORM's per-value converters are skipped:
    psycopg's values are already what they turn them into (dates, decimals), and at a million
    rows of ten values the converters cost as much as writing the file. Elsewhere (SQLite,
    whose dates and decimals do need them) this is the ORM's own iterator."""
    connection = connections[queryset.db]
    if connection.vendor != "postgresql":
        yield from queryset.iterator(chunk_size=chunk_size)
        return
    sql, params = queryset.query.sql_with_params()
    server_side = not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")
    with connection.chunked_cursor() if server_side else connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(chunk_size):
            yield from rows


# A text cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_TRIGGERS = frozenset(FORMULA_TRIGGERS)


def formula_safe(value):
    """Text that a spreadsheet would evaluate is prefixed with an apostrophe (OWASP's advice
    against CSV injection); anything else is left as it is (numbers stay numbers)."""
    if isinstance(value, str) and value[:1] in _TRIGGERS:
        return "'" + value
    return value


def formula_safe_row(row) -> list:
    """formula_safe of each value, said once for a whole row: at a million rows, ten million
    calls cost seconds. Every cell the portal writes to a CSV or XLSX file, header included,
    goes through it (csv_chunks, xlsx_file)."""
    return ["'" + v if isinstance(v, str) and v[:1] in _TRIGGERS else v for v in row]


def export_table(columns: Sequence[str], rows: Iterable[Sequence], fmt: str):
    """The content of an export: for CSV an iterator of bytes, produced as it is read; for XLSX
    an open temporary file, written before this returns and deleted once closed. `rows` is
    read once, lazily for CSV (in the language active now, whenever it is read)."""
    if fmt == "csv":
        return csv_chunks(columns, rows)
    if fmt == "xlsx":
        return xlsx_file(columns, rows)
    raise ValueError(f"unknown export format {fmt!r}")


def render_table(columns: Sequence[str], rows: Iterable[Sequence], fmt: str) -> bytes:
    """The whole file in memory: only for tables known to be small (the import template)."""
    content = export_table(columns, rows, fmt)
    if fmt == "csv":
        return b"".join(content)
    with content:
        return content.read()


def csv_chunks(columns: Sequence[str], rows: Iterable[Sequence]) -> Iterator[bytes]:
    # A streamed response is read after the view has returned, when the request's language may
    # be gone: the rows are made in the language active when the export was asked for.
    language = translation.get_language()
    rows = iter(rows)
    buffer = io.StringIO(newline="")
    # The BOM lets Excel open the UTF-8 file with Chinese names intact.
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow(formula_safe_row(columns))
    more = True
    while more:
        with translation.override(language):
            more = _write_csv_chunk(writer, buffer, rows)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def _write_csv_chunk(writer, buffer: io.StringIO, rows: Iterator[Sequence]) -> bool:
    """Write rows until the buffer holds a chunk; False once the rows are exhausted."""
    for row in rows:
        writer.writerow(formula_safe_row(row))
        if buffer.tell() >= CSV_CHUNK_BYTES:
            return True
    return False


def xlsx_file(
    columns: Sequence[str], rows: Iterable[Sequence], *, sheet_rows: int = XLSX_SHEET_ROWS
) -> BinaryIO:
    # The tab's name (at most 31 characters), in the language of the export.
    title = pgettext("spreadsheet tab", "Data")[:28]
    columns = formula_safe_row(columns)
    rows = map(formula_safe_row, rows)
    file = tempfile.TemporaryFile()  # noqa: SIM115 (the caller closes it; closing deletes it)
    try:
        write_workbook(file, columns, rows, title=title, sheet_rows=sheet_rows)
    except BaseException:
        file.close()
        raise
    file.seek(0)
    return file
