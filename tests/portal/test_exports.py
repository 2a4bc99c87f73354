import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from portal.exports import CSV_CHUNK_BYTES, export_table, render_table, xlsx_file

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


def test_a_csv_export_reads_its_rows_as_it_writes_them():
    pulled = 0

    def rows():
        nonlocal pulled
        for n in range(20_000):
            pulled += 1
            yield [n, f"Cooperation record {n}", "=1+1"]

    chunks = export_table(["id", "title", "formula"], rows(), "csv")
    first = next(chunks)

    # One chunk of about CSV_CHUNK_BYTES has been made, from the rows it needed, no more.
    assert first.startswith(b"\xef\xbb\xbfid,title,formula\r\n0,Cooperation record 0,'=1+1\r\n")
    assert CSV_CHUNK_BYTES <= len(first) < CSV_CHUNK_BYTES + 100
    assert pulled < 2_000
    rest = list(chunks)
    assert pulled == 20_000
    assert all(len(chunk) < CSV_CHUNK_BYTES + 100 for chunk in rest)
    text = b"".join([first, *rest]).decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(text)))) == 20_001


def test_a_csv_export_of_no_rows_is_its_header():
    assert list(export_table(COLUMNS, [], "csv")) == [b"\xef\xbb\xbfa,b,c,d,e,f,g\r\n"]


def test_an_xlsx_export_is_a_temporary_file_written_as_the_rows_come():
    with export_table(COLUMNS, iter(ROWS * 3), "xlsx") as file:
        sheet = load_workbook(file).worksheets[0]
    assert sheet.title == "Data"
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [COLUMNS, *ROWS * 3]


def test_an_xlsx_export_continues_on_another_sheet_past_the_rows_a_sheet_holds():
    rows = [[n, f"row {n}"] for n in range(5)]
    with xlsx_file(["n", "name"], rows, sheet_rows=3) as file:
        workbook = load_workbook(file)
    assert [sheet.title for sheet in workbook.worksheets] == ["Data", "Data 2", "Data 3"]
    assert [[list(row) for row in sheet.iter_rows(values_only=True)] for sheet in workbook] == [
        [["n", "name"], [0, "row 0"], [1, "row 1"]],
        [["n", "name"], [2, "row 2"], [3, "row 3"]],
        [["n", "name"], [4, "row 4"]],
    ]


def test_an_xlsx_export_of_no_rows_is_its_header():
    with export_table(COLUMNS, [], "xlsx") as file:
        sheet = load_workbook(file).worksheets[0]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [COLUMNS]


def test_an_xlsx_export_keeps_each_type_of_value():
    import datetime
    from decimal import Decimal

    from django.utils import timezone

    moment = timezone.make_aware(datetime.datetime(2024, 10, 3, 15, 30, 45))
    row = [
        "  padded ",
        "a < b & c > d",
        "bell\x07 and nul\x00 dropped",
        "二〇二四 年",
        Decimal("1500000000.50"),
        2.25,
        True,
        datetime.date(2024, 2, 29),
        moment,
        None,
        "",
        -3,
    ]
    with export_table([f"c{n}" for n in range(len(row))], [row], "xlsx") as file:
        sheet = load_workbook(file).worksheets[0]
    values = [cell.value for cell in next(sheet.iter_rows(min_row=2, max_row=2))]
    assert values == [
        "  padded ",
        "a < b & c > d",
        "bell and nul dropped",
        "二〇二四 年",
        1500000000.5,
        2.25,
        True,
        datetime.datetime(2024, 2, 29),
        timezone.localtime(moment).replace(tzinfo=None),
        None,
        None,
        -3,
    ]


def test_an_xlsx_export_has_no_formula_whatever_its_text_starts_with():
    with export_table(["=1+1"], [["=1+1"], ["+SUM(A1)"], ["@x"]], "xlsx") as file:
        package = zipfile.ZipFile(file)
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet and "<f " not in sheet
    assert sheet.count('t="inlineStr"') == 4
