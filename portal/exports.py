"""Tabular exports shared by every list and export command: CSV or XLSX from rows of values."""

import csv
import io
from collections.abc import Iterable, Sequence

FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def render_table(columns: Sequence[str], rows: Iterable[Sequence], fmt: str) -> bytes:
    if fmt == "csv":
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(columns)
        writer.writerows(["" if v is None else v for v in row] for row in rows)
        # The BOM lets Excel open the UTF-8 file with Chinese names intact.
        return ("\ufeff" + buffer.getvalue()).encode("utf-8")
    if fmt == "xlsx":
        from openpyxl import Workbook

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet()
        sheet.append(list(columns))
        for row in rows:
            sheet.append(list(row))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
    raise ValueError(f"unknown export format {fmt!r}")
