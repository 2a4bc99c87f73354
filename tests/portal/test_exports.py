import csv
import io
import zipfile

import pytest
from openpyxl import load_workbook

from portal.exports import (
    CSV_CHUNK_BYTES,
    export_table,
    formula_safe_row,
    render_table,
    xlsx_file,
)

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


def test_xlsx_export_neutralises_formula_like_text_the_same_way():
    sheet = load_workbook(io.BytesIO(render_table(COLUMNS, ROWS, "xlsx"))).worksheets[0]
    cells = list(sheet.iter_rows(min_row=2, max_row=2))[0]
    assert [c.value for c in cells] == [
        '\'=HYPERLINK("http://evil.example","x")',
        "'+1",
        "'-2",
        "'@SUM(A1)",
        "plain",
        7,
        None,
    ]
    assert [c.data_type for c in cells[:5]] == ["s"] * 5


HOSTILE = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tTAB", "\rCR", "name", "－fullwidth"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_headers_and_every_trigger_are_neutralised(fmt):
    content = render_table(HOSTILE, [HOSTILE, [-5, 0, 3.5, None, "", "a=b", "x", "y"]], fmt)
    if fmt == "csv":
        header, first, second = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    else:
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        header, first, second = (list(row) for row in sheet.iter_rows(values_only=True))
    safe = ["'=1+1", "'+cmd", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR", "name", "－fullwidth"]
    if fmt == "xlsx":
        # (An XML reader reads a carriage return in a cell's text as a line feed.)
        safe[5] = "'\nCR"
    assert header == safe
    assert first == safe
    # Numbers stay numbers; text with a sign inside is left alone.
    assert second[:3] == (["-5", "0", "3.5"] if fmt == "csv" else [-5, 0, 3.5])
    assert second[5] == "a=b"


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
    safe = [formula_safe_row(row) for row in ROWS]
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [COLUMNS, *safe * 3]


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
