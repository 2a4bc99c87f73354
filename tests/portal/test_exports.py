import csv
import io

import pytest
from openpyxl import load_workbook

from portal.exports import render_table

pytestmark = pytest.mark.smoke

ROWS = [['=HYPERLINK("http://evil.example","x")', "+1", "-2", "@SUM(A1)", "plain", 7, None]]
COLUMNS = ["a", "b", "c", "d", "e", "f", "g"]


def test_csv_export_neutralises_text_that_a_spreadsheet_would_run_as_a_formula():
    text = render_table(COLUMNS, ROWS, "csv").decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == COLUMNS
    assert row == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "plain",
        "7",
        "",
    ]


def test_xlsx_export_stores_formula_like_text_as_text():
    sheet = load_workbook(io.BytesIO(render_table(COLUMNS, ROWS, "xlsx"))).worksheets[0]
    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert cells[0].value == '=HYPERLINK("http://evil.example","x")'
    assert cells[0].data_type == "s"
    assert [c.data_type for c in cells[:5]] == ["s"] * 5
    assert cells[5].value == 7
