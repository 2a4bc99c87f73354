"""Tabular exports shared by every list and export command: CSV or XLSX from rows of values."""

import csv
import io
from collections.abc import Iterable, Sequence

from django.utils.translation import pgettext

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


# A text cell starting with one of these is run as a formula by spreadsheet programs.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """Text that a spreadsheet would evaluate is prefixed with an apostrophe (OWASP advice)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def render_table(columns: Sequence[str], rows: Iterable[Sequence], fmt: str) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows([csv_safe(v) for v in row] for row in rows)
        # The BOM lets Excel open the UTF-8 file with Chinese names intact.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        workbook = Workbook(write_only=True)
        # The tab's name, else openpyxl's English "Sheet" (at most 31 characters).
        sheet = workbook.create_sheet(title=pgettext("spreadsheet tab", "Data"))
        sheet.append(list(columns))
        for row in rows:
            cells = []
            for value in row:
                cell = WriteOnlyCell(sheet, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # stored as text, never as a formula
                cells.append(cell)
            sheet.append(cells)
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown export format {fmt!r}")
