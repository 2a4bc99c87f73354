"""Files that must not hurt the import (issue 13, the findings): each is refused with a problem
naming its row, column and cause, cheaply, writing nothing; through the service, the web page
(never a 500) and the command (an exit status and a message, never a traceback)."""

import io
import os
import subprocess
import sys
import time
import tracemalloc

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from partners.models import CooperationEvent
from partners.services import import_files
from partners.services.imports import IMPORT_COLUMNS, ImportRejected, events_import
from portal.models import AuditEntry
from tests.factories import EnterpriseFactory
from tests.partners import workbooks

pytestmark = pytest.mark.django_db
HEADER = ",".join(IMPORT_COLUMNS)
GOOD = "30100001,training,2024-01-02,,Staff training,,,,"
NOT_A_WORKBOOK = "The file is not a readable XLSX workbook."
CELL_TOO_LONG = (
    "At most 32,767 characters (the most a spreadsheet cell holds): is a quote missing its "
    "closing quote?"
)


@pytest.fixture
def terminal(db):
    return EnterpriseFactory(br_number="30100001")


def _csv(*rows: str | bytes) -> bytes:
    lines = [row if isinstance(row, bytes) else row.encode() for row in (HEADER, *rows)]
    return b"\n".join(lines) + b"\n"


def _counts() -> tuple[int, int]:
    return CooperationEvent.objects.count(), AuditEntry.objects.count()


def _problems(data: bytes, user, file_name: str = "events.csv") -> list[tuple]:
    before = _counts()
    with pytest.raises(ImportRejected) as rejected:
        events_import(data=data, file_name=file_name, user=user)
    assert _counts() == before
    return [(p.row, p.column, p.message) for p in rejected.value.problems]


# The findings, one by one


def test_the_dimension_bomb_is_read_as_the_two_rows_it_holds(terminal, officer):
    data = workbooks.dimension_bomb()
    assert len(data) < 5_000
    started = time.process_time()

    problems = _problems(data, officer, "bomb.xlsx")

    # It took 13 minutes of CPU when the declared dimension was believed.
    assert time.process_time() - started < 5
    assert problems[0] == (
        1_048_576,
        "",
        "This row has values outside the header's columns. "
        "Put a value that contains a comma in double quotes.",
    )
    assert [column for _row, column, _message in problems[1:]] == [
        "br_number",
        "event_type",
        "occurred_on",
        "title",
    ]


def test_a_value_far_right_of_the_header_is_a_stray_value(terminal, officer):
    row = workbooks.event_row(2)[: -len("</row>")] + workbooks.text_cell("XFD2", "x") + "</row>"
    assert _problems(workbooks.workbook(row), officer, "events.xlsx") == [
        (
            2,
            "",
            "This row has values outside the header's columns. "
            "Put a value that contains a comma in double quotes.",
        )
    ]


def test_empty_csv_rows_are_skipped_without_being_kept(terminal, officer):
    data = _csv(*[""] * 100_000, GOOD)
    tracemalloc.start()
    try:
        result = events_import(data=data, file_name="events.csv", user=officer)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.created == 1
    assert CooperationEvent.objects.get().title == "Staff training"
    # The file is 100 KB; the rows it skipped were not held (it took 120 times its size).
    assert peak < 1024 * 1024


def test_more_rows_than_a_worksheet_holds_are_refused_even_empty(terminal, officer, monkeypatch):
    monkeypatch.setattr(import_files, "ROWS_MAX", 1_000)  # 1,048,576 takes seconds
    # The header, an event and 999 empty rows: 1,001 rows.
    assert _problems(_csv(GOOD, *[""] * 999), officer) == [
        (
            None,
            "",
            "The file has more than 1,000 rows, empty ones included (the most a worksheet "
            "holds). Delete the empty rows at its end.",
        )
    ]
    assert events_import(data=_csv(GOOD, *[""] * 998), file_name="e.csv", user=officer).created == 1


def test_a_field_of_128_kb_is_a_row_problem(terminal, officer):
    data = _csv(GOOD, f'30100001,training,2024-01-03,,"{"x" * (128 * 1024 + 1)}",,,,')
    assert _problems(data, officer) == [
        (
            3,
            "",
            "A value on this row is longer than 131,072 characters, the most a value may hold, "
            "or a quote opened on this row is never closed.",
        )
    ]


def test_a_value_over_the_cell_limit_names_its_column(terminal, officer):
    data = _csv(GOOD, f"30100001,training,2024-01-03,,Title,{'x' * 40_000},,,")
    assert _problems(data, officer) == [(3, "partner_summary", CELL_TOO_LONG)]


def test_a_workbook_cell_over_the_cell_limit_names_its_column(terminal, officer):
    row = workbooks.event_row(2, title="x" * 40_000)
    assert _problems(workbooks.workbook(row), officer, "events.xlsx") == [
        (2, "title", CELL_TOO_LONG)
    ]


def test_a_row_longer_than_a_megabyte_is_refused_on_its_row(terminal, officer):
    data = _csv(GOOD, "x" * (import_files.ROW_MAX_CHARS + 10))
    assert _problems(data, officer) == [
        (
            3,
            "",
            "This row is longer than 1,048,576 characters, the most a row may hold: a quote "
            "opened on it is probably never closed.",
        )
    ]


@pytest.mark.parametrize(
    ("value", "code"), [("Ti\x00tle", "0000"), ("Title\x1b", "001B"), ("\x7fTitle", "007F")]
)
def test_a_control_character_is_a_problem_of_its_cell(terminal, officer, value, code):
    data = _csv(f"30100001,training,2024-01-02,,{value},,,,".encode())
    assert _problems(data, officer) == [
        (2, "title", f"Contains a control character (U+{code}), which cannot be stored.")
    ]


def test_an_unterminated_quote_at_the_end_imports_nothing(terminal, officer):
    data = _csv(GOOD, '30100001,training,2024-01-03,,"Title,,,,', GOOD.replace("01-02", "01-04"))
    assert _problems(data, officer) == [
        (
            3,
            "",
            "A quote opened on this row is never closed: the rest of the file would be read "
            "as one value.",
        )
    ]


def test_a_quote_closed_rows_later_makes_a_title_with_line_breaks(terminal, officer):
    data = _csv(
        '30100001,training,2024-01-03,,"Title,,,,',
        GOOD.replace("01-02", "01-04"),
        '30100001,training,2024-01-05,,Other",,,,',
    )
    problems = _problems(data, officer)
    assert (
        2,
        "title",
        "A line break in a one-line value: is a quote missing its closing quote?",
    ) in (problems)


def test_a_summary_swallowing_rows_is_reported(terminal, officer):
    data = _csv(
        '30100001,training,2024-01-03,,Title,"Summary,,,',
        GOOD.replace("01-02", "01-04"),
        'The end",,,',
    )
    assert _problems(data, officer) == [
        (
            2,
            "partner_summary",
            "This value runs over lines that look like rows of the file: a quote is probably "
            "missing its closing quote.",
        )
    ]


def test_a_quoted_summary_on_several_lines_is_imported(terminal, officer):
    data = _csv('30100001,training,2024-01-03,,Title,"First line,\nsecond line",,,')
    events_import(data=data, file_name="events.csv", user=officer)
    assert CooperationEvent.objects.get().partner_summary == "First line,\nsecond line"


def test_text_after_a_closing_quote_is_a_row_problem(terminal, officer):
    data = _csv(GOOD, '30100001,training,2024-01-03,,"Title" more,,,,')
    assert _problems(data, officer) == [
        (
            3,
            "",
            "A quoted value is followed by more text before the next comma. Inside a quoted "
            'value, write a quote as two quotes ("").',
        )
    ]


def test_a_latin1_file_names_the_line_to_fix(terminal, officer):
    data = _csv(GOOD, "30100001,training,2024-01-03,,Café visit,,,,".encode("latin-1"))
    assert _problems(data, officer) == [
        (
            3,
            "",
            'The file is not UTF-8 text (first bad byte on line 3). Save it as "CSV UTF-8".',
        )
    ]


def test_a_huge_number_of_cases_is_refused_at_once(terminal, officer):
    started = time.process_time()
    problems = _problems(_csv("30100001,training,2024-01-02,,Title,,,,1E999999999"), officer)
    assert time.process_time() - started < 2
    assert problems == [(2, "cases", "At most 2147483647.")]


# Workbooks: zip bombs, XML tricks, damage


def test_a_zip_bomb_is_refused_before_it_is_inflated(officer):
    data = workbooks.zip_bomb(20)
    started = time.process_time()
    problems = _problems(data, officer, "bomb.xlsx")
    assert time.process_time() - started < 1
    assert problems == [
        (
            None,
            "",
            "The workbook is too large once uncompressed (xl/worksheets/sheet1.xml: 20 MB), or "
            "compressed beyond what a spreadsheet program writes. Save the rows in a new "
            "workbook, or as CSV.",
        )
    ]


def test_a_sheet_over_the_size_limit_is_refused(officer, monkeypatch):
    monkeypatch.setattr(import_files, "XLSX_PART_MAX", 1_000)
    rows = "".join(workbooks.event_row(n) for n in range(2, 20))
    assert _problems(workbooks.workbook(rows), officer, "events.xlsx")[0][2].startswith(
        "The workbook is too large once uncompressed (xl/worksheets/sheet1.xml: 0 MB)"
    )


def test_a_sheet_lying_about_its_size_is_not_inflated_past_it(officer):
    data = bytearray(workbooks.workbook(workbooks.event_row(2)))
    # The central directory's uncompressed size of the sheet, made smaller than the sheet.
    entry = data.rfind(b"PK\x01\x02", 0, data.rfind(b"xl/worksheets/sheet1.xml"))
    data[entry + 24 : entry + 28] = (100).to_bytes(4, "little")
    assert _problems(bytes(data), officer, "events.xlsx") == [(None, "", NOT_A_WORKBOOK)]


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
)


@pytest.mark.parametrize("part", ["sheet", "strings", "workbook", "external"])
def test_xml_entities_are_refused(terminal, officer, part):
    sst = f'<sst xmlns="{workbooks.MAIN}"><si><t>&lol3;</t></si></sst>'
    if part == "sheet":
        rows = '<row r="2"><c r="A2" t="inlineStr"><is><t>&lol3;</t></is></c></row>'
        data = workbooks.workbook(sheet=workbooks.sheet_xml(rows, prolog=BILLION_LAUGHS[21:]))
    elif part == "strings":
        data = workbooks.workbook(
            '<row r="2"><c r="E2" t="s"><v>0</v></c></row>', strings_xml=BILLION_LAUGHS + sst
        )
    elif part == "workbook":
        data = workbooks.workbook(
            workbooks.event_row(2),
            parts={
                "xl/workbook.xml": BILLION_LAUGHS
                + f'<workbook xmlns="{workbooks.MAIN}"><sheets>&lol3;</sheets></workbook>'
            },
        )
    else:
        external = '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        data = workbooks.workbook(
            '<row r="2"><c r="E2" t="s"><v>0</v></c></row>',
            strings_xml=external + f'<sst xmlns="{workbooks.MAIN}"><si><t>&x;</t></si></sst>',
        )
    assert _problems(data, officer, "events.xlsx") == [(None, "", NOT_A_WORKBOOK)]


def test_a_workbook_with_shared_strings_is_read(terminal, officer):
    # As Excel writes it: texts in the shared strings, cells naming them by index.
    strings = [*IMPORT_COLUMNS, "30100001", "training", "2024-01-02", "Staff training"]
    width = len(IMPORT_COLUMNS)
    header = "".join(f'<c r="{chr(65 + n)}1" t="s"><v>{n}</v></c>' for n in range(width))
    row = "".join(
        f'<c r="{column}2" t="s"><v>{width + n}</v></c>' for n, column in enumerate("ABCE")
    )
    sheet = (
        f'<worksheet xmlns="{workbooks.MAIN}"><sheetData><row r="1">{header}</row>'
        f'<row r="2">{row}<c r="I2"><v>3</v></c></row></sheetData></worksheet>'
    )
    result = events_import(
        data=workbooks.workbook(sheet=sheet, strings=strings), file_name="e.xlsx", user=officer
    )
    assert result.created == 1
    assert CooperationEvent.objects.values_list("title", "cases").get() == ("Staff training", 3)


@pytest.mark.parametrize(
    "rows",
    [
        workbooks.event_row(3) + workbooks.event_row(2),  # rows out of order
        '<row r="2"><c r="B2"/><c r="A2"/></row>',  # cells out of order
        '<row r="2"><c r="2A"/></row>',  # not a cell reference
        '<row r="x"/>',
        '<row r="2"><c r="A2" t="s"><v>7</v></c></row>',  # no such shared string
        '<row r="2"><c r="A2"><v>twelve</v></c></row>',
        '<row r="1048577"/>',
        "<row",
    ],
)
def test_a_damaged_sheet_is_not_a_readable_workbook(terminal, officer, rows):
    assert _problems(workbooks.workbook(rows), officer, "events.xlsx") == [
        (None, "", NOT_A_WORKBOOK)
    ]


def test_a_sheet_of_too_many_rows_is_refused_at_the_limit(terminal, officer, monkeypatch):
    monkeypatch.setattr(import_files, "XLSX_ROWS_MAX", 100)
    rows = "".join(f'<row r="{n}"><c r="XFD{n}" s="1"/></row>' for n in range(2, 200))
    assert _problems(workbooks.workbook(rows), officer, "events.xlsx") == [
        (
            None,
            "",
            "The worksheet has more than 100 rows holding cells, empty ones included. Delete "
            "the empty rows at its end.",
        )
    ]


def test_a_sheet_of_too_many_cells_is_refused_at_the_limit(terminal, officer, monkeypatch):
    monkeypatch.setattr(import_files, "XLSX_CELLS_MAX", 100)
    rows = "".join(f'<row r="{n}"><c r="A{n}"/><c r="B{n}"/></row>' for n in range(2, 100))
    assert _problems(workbooks.workbook(rows), officer, "events.xlsx") == [
        (None, "", "The worksheet has more than 100 cells, empty ones included.")
    ]


@pytest.mark.parametrize("cut", [100, 1_000, -200, -22])
def test_a_truncated_workbook_is_not_a_readable_workbook(officer, cut):
    data = workbooks.workbook(workbooks.event_row(2))
    assert _problems(data[:cut], officer, "events.xlsx") == [(None, "", NOT_A_WORKBOOK)]


# Through the web page: never a 500, the problems shown, nothing written

FINDINGS = {
    "bomb.xlsx": workbooks.dimension_bomb,
    "empty-rows.csv": lambda: _csv(*[""] * 50_000),
    "field-128k.csv": lambda: _csv(f'30100001,training,2024-01-03,,"{"x" * 131_073}",,,,'),
    "nul.csv": lambda: _csv(b"30100001,training,2024-01-02,,Ti\x00tle,,,,"),
    "unterminated.csv": lambda: _csv('30100001,training,2024-01-03,,"Title,,,,', GOOD),
    "latin-1.csv": lambda: _csv("30100001,training,2024-01-03,,Café,,,,".encode("latin-1")),
    "zip-bomb.xlsx": workbooks.zip_bomb,
}
FIRST_MESSAGE = {
    "bomb.xlsx": "This row has values outside the header&#x27;s columns.",
    "empty-rows.csv": "The file has no event rows.",
    "field-128k.csv": "A value on this row is longer than 131,072 characters",
    "nul.csv": "Contains a control character (U+0000), which cannot be stored.",
    "unterminated.csv": "A quote opened on this row is never closed",
    "latin-1.csv": "The file is not UTF-8 text (first bad byte on line 2).",
    "zip-bomb.xlsx": "The workbook is too large once uncompressed",
}


@pytest.mark.parametrize("name", FINDINGS)
def test_the_web_page_shows_the_problem_of_each_finding(client, officer, terminal, name):
    client.force_login(officer)
    before = _counts()

    response = client.post(
        reverse("partners:event-import"), {"file": SimpleUploadedFile(name, FINDINGS[name]())}
    )

    assert response.status_code == 200
    assert FIRST_MESSAGE[name] in response.content.decode()
    assert _counts() == before


@pytest.mark.parametrize("name", FINDINGS)
def test_the_command_reports_each_finding(terminal, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(FINDINGS[name]())
    err = io.StringIO()
    before = _counts()

    with pytest.raises(CommandError) as refused:
        call_command("import_events", path, stderr=err)

    assert str(refused.value).endswith(f"problem(s) in {name}; nothing was imported.")
    assert FIRST_MESSAGE[name].replace("&#x27;", "'") in err.getvalue()
    assert _counts() == before


@pytest.mark.parametrize("name", ["bomb.xlsx", "nul.csv"])
def test_the_command_run_by_hand_exits_with_a_message_not_a_traceback(tmp_path, name):
    path = tmp_path / name
    path.write_bytes(FINDINGS[name]())
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}/{database['NAME']}"

    result = subprocess.run(
        [sys.executable, "manage.py", "import_events", str(path)],
        cwd=django_settings.BASE_DIR,
        env={**os.environ, "DATABASE_URL": url, "DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("row ")
    assert result.stderr.endswith(f"problem(s) in {name}; nothing was imported.\n")


# Many problems: a list of the first thousand, not of every one

MORE = (
    None,
    "",
    "Only the first 1,000 problems are listed (the file may have more). Fix them and import "
    "the file again.",
)


def test_a_file_of_bad_rows_lists_its_first_thousand_problems(terminal, officer):
    data = _csv(*["x,x,x,x,,x,x,x,x"] * 20_000)  # 7 problems a row
    started = time.process_time()
    problems = _problems(data, officer)
    # It listed 140,000 problems (a 1.7 MB file of such rows: 700,000, 600 MB, minutes).
    assert time.process_time() - started < 5
    assert problems[0] == MORE
    assert len(problems) == 1_001
    assert problems[1:3] == [
        (2, "br_number", "No enterprise has BR number x."),
        (2, "event_type", problems[2][2]),
    ]


def test_many_rows_naming_unknown_enterprises_list_the_first_thousand(terminal, officer):
    data = _csv(*[f"99999999,training,2024-01-02,,Course {n},,,," for n in range(1_500)])
    problems = _problems(data, officer)
    assert problems[0] == MORE
    assert problems[1:] == [
        (n, "br_number", "No enterprise has BR number 99999999.") for n in range(2, 1_002)
    ]


def test_a_header_of_a_thousand_headings_lists_the_first_problems(officer):
    header = ",".join(f"heading {n} {'x' * 100}" for n in range(2_000))
    problems = _problems(f"{header}\n{GOOD}\n".encode(), officer)
    assert problems[0] == MORE
    assert len(problems) == 1_001
    assert problems[1] == (1, "br_number", "Missing column.")
    assert problems[10] == (1, f"heading 0 {'x' * 50}…", "Unknown column.")
