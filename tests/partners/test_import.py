import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import Workbook

from partners.models import CooperationEvent
from partners.services.imports import IMPORT_COLUMNS, ImportProblem, ImportRejected, events_import
from portal.models import AuditEntry
from tests.concurrency import run_at_once
from tests.factories import EnterpriseFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = CooperationEvent.Status
HEADER = ",".join(IMPORT_COLUMNS)
ROW_A = (
    "30100001,intelligence_tip,2024-05-17,major,Tip on container MSKU 1234567,"
    "Helped detect a shipment.,Case HK-24-0117 (restricted),1500000.00,1"
)
ROW_B = "01234567,training,2023-11-02,,Staff attended the X-ray image course,,,,"


@pytest.fixture
def terminal(db):
    return EnterpriseFactory(br_number="30100001", name_en="Kwai Chung Container Terminal")


@pytest.fixture
def courier(db):
    # A leading zero, which Excel drops when it takes the column for numbers.
    return EnterpriseFactory(br_number="01234567", name_en="Tsing Yi Express Courier")


def _csv(*rows: str, header: str = HEADER) -> bytes:
    return "\n".join([header, *rows, ""]).encode("utf-8")


def _xlsx(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(IMPORT_COLUMNS)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _counts() -> tuple[int, int]:
    # Not counting the security log: the test's own login is in it.
    return CooperationEvent.objects.count(), AuditEntry.objects.exclude(
        action__startswith="auth."
    ).count()


def _problems(data: bytes, user, file_name: str = "events.csv") -> list[tuple]:
    """The problems an import of `data` reports, having checked it wrote nothing."""
    before = _counts()
    with pytest.raises(ImportRejected) as rejected:
        events_import(data=data, file_name=file_name, user=user)
    assert _counts() == before
    return [(p.row, p.column, p.message) for p in rejected.value.problems]


# A good file


def test_a_valid_csv_creates_submitted_events_logged_by_the_officer(terminal, courier, officer):
    result = events_import(data=_csv(ROW_A, ROW_B), file_name="events.csv", user=officer)

    assert (result.created, result.status) == (2, Status.SUBMITTED)
    tip = CooperationEvent.objects.get(enterprise=terminal)
    assert (
        tip.event_type,
        tip.occurred_on,
        tip.significance,
        tip.title,
        tip.partner_summary,
        tip.restricted_details,
        tip.seizure_value_hkd,
        tip.cases,
    ) == (
        "intelligence_tip",
        datetime.date(2024, 5, 17),
        "major",
        "Tip on container MSKU 1234567",
        "Helped detect a shipment.",
        "Case HK-24-0117 (restricted)",
        Decimal("1500000.00"),
        1,
    )
    training = CooperationEvent.objects.get(enterprise=courier)
    assert (training.significance, training.seizure_value_hkd, training.cases) == (
        "routine",
        None,
        None,
    )
    for event in (tip, training):
        assert (event.status, event.logged_by, event.verified_by) == (
            Status.SUBMITTED,
            officer,
            None,
        )
        assert event.submitted_at is not None
        [entry] = AuditEntry.objects.for_object(event)
        assert (entry.action, entry.actor, entry.note) == (
            "partners.event.imported",
            officer,
            "events.csv",
        )


def test_a_valid_xlsx_creates_the_events(terminal, courier, officer):
    data = _xlsx(
        [
            [
                "30100001",
                "data_sharing",
                datetime.date(2024, 2, 29),
                "notable",
                "Real-time manifest feed",
                "",
                None,
                2500.5,
                3,
            ],
            [
                "01234567",
                "training",
                "2022-07-01",
                None,
                "Customs IPR seminar",
                None,
                None,
                None,
                None,
            ],
        ]
    )

    result = events_import(data=data, file_name="events.xlsx", user=officer)

    assert result.created == 2
    feed = CooperationEvent.objects.get(enterprise=terminal)
    assert (feed.occurred_on, feed.significance, feed.seizure_value_hkd, feed.cases) == (
        datetime.date(2024, 2, 29),
        "notable",
        Decimal("2500.50"),
        3,
    )
    seminar = CooperationEvent.objects.get(enterprise=courier)
    assert (seminar.occurred_on, seminar.title, seminar.status) == (
        datetime.date(2022, 7, 1),
        "Customs IPR seminar",
        Status.SUBMITTED,
    )
    assert AuditEntry.objects.filter(action="partners.event.imported", actor=officer).count() == 2


def test_an_excel_br_number_stored_as_a_number_gets_its_leading_zero_back(courier, officer):
    data = _xlsx([[1234567, "training", "2024-01-05", "", "Forwarder training", "", "", "", ""]])
    events_import(data=data, file_name="events.xlsx", user=officer)
    assert CooperationEvent.objects.get().enterprise == courier


def test_historical_records_import_as_verified_by_the_verifier(terminal, officer, verifier):
    result = events_import(
        data=_csv(ROW_A), file_name="2022.csv", user=officer, as_verified=True, verifier=verifier
    )

    assert (result.created, result.status) == (1, Status.VERIFIED)
    event = CooperationEvent.objects.get()
    assert (event.status, event.logged_by, event.verified_by) == (
        Status.VERIFIED,
        officer,
        verifier,
    )
    assert event.verified_at is not None
    entries = AuditEntry.objects.for_object(event).order_by("pk")
    assert [(e.action, e.actor, e.note) for e in entries] == [
        ("partners.event.imported", officer, "2022.csv"),
        ("partners.event.verified", verifier, "2022.csv"),
    ]


def test_historical_records_need_an_independent_verifier(terminal, officer, verifier):
    both = UserFactory(username="both", roles=["Officer", "Verifier"])
    for user, checker in [(officer, None), (officer, officer), (both, both)]:
        with pytest.raises(PermissionDenied):
            events_import(
                data=_csv(ROW_A),
                file_name="2022.csv",
                user=user,
                as_verified=True,
                verifier=checker,
            )
    assert _counts() == (0, 0)


def test_empty_rows_are_skipped(terminal, officer):
    result = events_import(data=_csv("", ROW_A, ",,,,,,,,"), file_name="e.csv", user=officer)
    assert result.created == 1


def test_columns_may_come_in_any_order_with_a_bom_and_blank_trailing_cells(terminal, officer):
    header = (
        "title,br_number,occurred_on,event_type,significance,cases,seizure_value_hkd,"
        "partner_summary,restricted_details,,"
    )
    row = "Manifest data for a flagged box,30100001,2024-03-04,data_sharing,,2,,,,,"
    data = "\ufeff" + f"{header}\n{row}\n"
    events_import(data=data.encode("utf-8"), file_name="e.csv", user=officer)
    event = CooperationEvent.objects.get()
    assert (event.title, event.cases) == ("Manifest data for a flagged box", 2)


def test_a_withdrawn_event_does_not_block_a_new_import_of_it(terminal, officer):
    EventFactory(
        enterprise=terminal,
        event_type="intelligence_tip",
        occurred_on=datetime.date(2024, 5, 17),
        title="Tip on container MSKU 1234567",
        status=Status.WITHDRAWN,
    )
    assert events_import(data=_csv(ROW_A), file_name="e.csv", user=officer).created == 1


# Bad input: exact row and column, and nothing written


def test_an_unknown_br_number(terminal, officer):
    assert _problems(_csv(ROW_A, ROW_A.replace("30100001", "99999999", 1)), officer) == [
        (3, "br_number", "No enterprise has BR number 99999999."),
    ]


def test_a_missing_br_number(terminal, officer):
    assert _problems(_csv(ROW_A.replace("30100001", "", 1)), officer) == [
        (2, "br_number", "Required."),
    ]


def test_an_unknown_type(terminal, officer):
    assert _problems(_csv(ROW_A.replace("intelligence_tip", "bribe", 1)), officer) == [
        (
            2,
            "event_type",
            'Unknown type "bribe"; use one of: controlled_delivery, intelligence_tip, '
            "detection_assistance, facilitation, data_sharing, security_practice, training.",
        ),
    ]


def test_a_date_in_the_future(terminal, officer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    row = ROW_A.replace("2024-05-17", tomorrow.isoformat(), 1)
    assert _problems(_csv(row), officer) == [
        (2, "occurred_on", f"The date {tomorrow.isoformat()} is in the future."),
    ]


@pytest.mark.parametrize("value", ["17/05/2024", "2024-02-30", "yesterday", ""])
def test_not_a_date(terminal, officer, value):
    row = ROW_A.replace("2024-05-17", value, 1)
    assert _problems(_csv(ROW_A, row), officer) == [
        (3, "occurred_on", "Not a date; write it as YYYY-MM-DD."),
    ]


def test_an_unknown_significance(terminal, officer):
    assert _problems(_csv(ROW_A.replace(",major,", ",huge,", 1)), officer) == [
        (2, "significance", 'Unknown significance "huge"; use routine, notable or major.'),
    ]


def test_a_negative_seizure_value(terminal, officer):
    assert _problems(_csv(ROW_A.replace("1500000.00", "-1", 1)), officer) == [
        (2, "seizure_value_hkd", "Cannot be negative."),
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("lots", "Not a number."),
        ("NaN", "Not a number."),
        ("12.345", "At most 12 digits and 2 decimals."),
        ("1000000000000", "At most 12 digits and 2 decimals."),
        ("1e30", "At most 12 digits and 2 decimals."),
    ],
)
def test_a_seizure_value_that_is_not_an_amount(terminal, officer, value, message):
    assert _problems(_csv(ROW_A.replace("1500000.00", value, 1)), officer) == [
        (2, "seizure_value_hkd", message),
    ]


def test_a_seizure_value_may_carry_hk_dollars_and_separators(terminal, officer):
    row = ROW_A.replace("1500000.00", '"HK$1,500,000.50"', 1)
    events_import(data=_csv(row), file_name="e.csv", user=officer)
    assert CooperationEvent.objects.get().seizure_value_hkd == Decimal("1500000.50")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-2", "Cannot be negative."),
        ("1.5", "Not a whole number."),
        ("two", "Not a whole number."),
        ("Infinity", "Not a whole number."),
        ("3000000000", "At most 2147483647."),
    ],
)
def test_cases_that_are_not_a_count(terminal, officer, value, message):
    row = ROW_A.removesuffix(",1") + f",{value}"
    assert _problems(_csv(row), officer) == [(2, "cases", message)]


def test_a_missing_title(terminal, officer):
    row = ROW_A.replace("Tip on container MSKU 1234567", "  ", 1)
    assert _problems(_csv(ROW_A, ROW_B.replace("01234567", "30100001"), row), officer) == [
        (4, "title", "A title is required."),
    ]


def test_a_title_too_long_is_refused_with_its_length_never_cut(terminal, officer):
    row = ROW_A.replace("Tip on container MSKU 1234567", "x" * 201, 1)
    assert _problems(_csv(row), officer) == [(2, "title", "At most 200 characters (it has 201).")]


STRAY = (
    "This row has values outside the header's columns. "
    "Put a value that contains a comma in double quotes."
)


def test_an_unquoted_comma_that_shifts_the_columns(terminal, officer):
    # Without the check, "urgent" became the partner summary and the summary the restricted
    # details, silently.
    row = "30100001,intelligence_tip,2024-05-17,major,Tip, urgent,A summary,,,,"
    assert _problems(_csv(row), officer) == [(2, "", STRAY)]


def test_a_quoted_comma_is_part_of_the_value(terminal, officer):
    row = '30100001,intelligence_tip,2024-05-17,major,"Tip, urgent",A summary,,,'
    events_import(data=_csv(row), file_name="e.csv", user=officer)
    event = CooperationEvent.objects.get()
    assert (event.title, event.partner_summary, event.restricted_details) == (
        "Tip, urgent",
        "A summary",
        "",
    )


def test_a_value_in_a_workbook_column_without_a_heading(terminal, officer):
    row = ["30100001", "training", "2024-01-02", "", "Course", "", "", "", "", "", "note"]
    assert _problems(_xlsx([row]), officer, "events.xlsx") == [(2, "", STRAY)]


def test_a_missing_header_column(terminal, officer):
    header = HEADER.replace(",cases", "")
    row = ROW_A.removesuffix(",1")
    assert _problems(_csv(row, header=header), officer) == [(1, "cases", "Missing column.")]


def test_arrests_are_imported_like_cases(terminal, officer):
    # Issue 14: the form has the field, the template had no column for it.
    events_import(data=_csv(ROW_A + ",3"), file_name="e.csv", user=officer)
    assert CooperationEvent.objects.values_list("cases", "arrests").get() == (1, 3)


def test_a_file_of_the_older_template_without_arrests_still_imports(terminal, officer):
    header = HEADER.removesuffix(",arrests")
    events_import(data=_csv(ROW_A, header=header), file_name="e.csv", user=officer)
    assert CooperationEvent.objects.values_list("cases", "arrests").get() == (1, None)


@pytest.mark.parametrize(
    ("value", "message"),
    [("-1", "Cannot be negative."), ("two", "Not a whole number."), ("1.5", "Not a whole number.")],
)
def test_arrests_that_are_not_a_count(terminal, officer, value, message):
    assert _problems(_csv(ROW_A + f",{value}"), officer) == [(2, "arrests", message)]


def test_an_unknown_header_column(terminal, officer):
    header = HEADER + ",remarks"
    assert _problems(_csv(ROW_A + ",urgent", header=header), officer) == [
        (1, "remarks", "Unknown column."),
    ]


def test_a_file_without_the_header(terminal, officer):
    problems = _problems(_csv(ROW_A, header=ROW_A), officer)
    assert [(row, message) for row, _, message in problems] == [(1, "Missing column.")] * 9 + [
        (1, "Unknown column.")
    ] * 9


def test_a_column_twice(terminal, officer):
    assert _problems(_csv(ROW_A + ",x", header=HEADER + ",title"), officer) == [
        (1, "title", "Column appears twice."),
    ]


def test_an_empty_file(officer):
    assert _problems(b"", officer) == [(1, "", "The file is empty.")]


def test_an_empty_workbook(officer):
    buffer = io.BytesIO()
    Workbook().save(buffer)
    assert _problems(buffer.getvalue(), officer, "events.xlsx") == [(1, "", "The file is empty.")]


def test_a_header_without_rows(officer):
    assert _problems(_csv(), officer) == [(None, "", "The file has no event rows.")]


def test_a_damaged_workbook(officer):
    assert _problems(b"PK\x03\x04 not really a workbook", officer, "events.xlsx") == [
        (None, "", "The file is not a readable XLSX workbook.")
    ]


NOT_UTF8 = 'The file is not UTF-8 text (first bad byte on line 3). Save it as "CSV UTF-8".'


def test_a_file_that_is_not_utf8(terminal, officer):
    latin1 = _csv(ROW_A, "30100001,training,2024-01-02,,Café staff training,,,,")
    data = latin1.replace("Café".encode(), "Café".encode("latin-1"))
    assert _problems(data, officer) == [(3, "", NOT_UTF8)]


def test_a_file_that_is_not_utf8_after_a_bom_names_the_right_line(terminal, officer):
    # The bad byte opens line 3: the BOM must not shift the count back to line 2.
    data = b"\xef\xbb\xbf" + _csv(ROW_A, "Xte training,,,,,,,,").replace(b"Xte", b"\xe9t\xe9")
    assert _problems(data, officer) == [(3, "", NOT_UTF8)]


def test_a_duplicate_of_an_existing_event(terminal, officer):
    EventFactory(
        enterprise=terminal,
        event_type="intelligence_tip",
        occurred_on=datetime.date(2024, 5, 17),
        title="Tip on container MSKU 1234567",
        status=Status.VERIFIED,
        verified_by=UserFactory(roles=["Verifier"]),
        verified_at=timezone.now(),
    )
    other_title = ROW_A.replace("MSKU 1234567", "MSKU 7654321", 1)
    assert _problems(_csv(other_title, ROW_A), officer) == [
        (
            3,
            "title",
            "This event is already recorded (same enterprise, date, type and title).",
        ),
    ]


def test_a_duplicate_within_the_file(terminal, courier, officer):
    assert _problems(_csv(ROW_A, ROW_B, ROW_A), officer) == [(4, "title", "Repeats row 2.")]


def test_one_bad_row_among_many_good_ones_imports_nothing(terminal, officer):
    rows = [
        f"30100001,training,2024-01-{day:02d},,Training session {day},,,," for day in range(1, 29)
    ]
    rows[16] = rows[16].replace("training", "trainning", 1)
    problems = _problems(_csv(*rows), officer)
    assert [(row, column) for row, column, _ in problems] == [(18, "event_type")]


def test_every_problem_is_listed_in_row_then_column_order(terminal, officer):
    rows = [
        "99999999,bribe,2024-01-01,,,,,,",
        ROW_A,
        "30100001,training,someday,,Fine title,,,-5,x",
    ]
    problems = _problems(_csv(*rows), officer)
    assert [(row, column) for row, column, _ in problems] == [
        (2, "br_number"),
        (2, "event_type"),
        (2, "title"),
        (4, "occurred_on"),
        (4, "seizure_value_hkd"),
        (4, "cases"),
    ]


def test_xlsx_problems_use_the_spreadsheets_row_numbers(terminal, officer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(IMPORT_COLUMNS)
    sheet.append(["30100001", "training", "2024-01-02", "", "Good row", "", "", "", ""])
    # Row 3 left empty; the bad row is row 4 on screen.
    sheet["A4"], sheet["B4"], sheet["C4"], sheet["E4"] = "30100001", "training", "2024-01-03", ""
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert _problems(buffer.getvalue(), officer, "events.xlsx") == [
        (4, "title", "A title is required.")
    ]


# The command


def _write(tmp_path, data: bytes, name: str = "events.csv"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_the_command_imports_as_the_command_line_account(terminal, courier, tmp_path):
    out = io.StringIO()
    call_command("import_events", _write(tmp_path, _csv(ROW_A, ROW_B)), stdout=out)

    assert out.getvalue() == "2 events imported as submitted.\n"
    account = get_user_model().objects.get(username="records-import")
    assert (account.is_active, account.has_usable_password()) == (False, False)
    assert set(CooperationEvent.objects.values_list("status", "logged_by")) == {
        (Status.SUBMITTED, account.pk)
    }
    assert set(AuditEntry.objects.values_list("action", "actor", "note")) == {
        ("partners.event.imported", account.pk, "events.csv")
    }


def test_the_command_line_account_is_created_once(terminal, courier, tmp_path):
    call_command("import_events", _write(tmp_path, _csv(ROW_A), "a.csv"), stdout=io.StringIO())
    call_command("import_events", _write(tmp_path, _csv(ROW_B), "b.csv"), stdout=io.StringIO())
    assert get_user_model().objects.filter(username="records-import").count() == 1
    assert CooperationEvent.objects.values("logged_by").distinct().count() == 1


def test_the_command_records_the_officer_given(terminal, officer, tmp_path):
    call_command(
        "import_events", _write(tmp_path, _csv(ROW_A)), "--officer", "officer", stdout=io.StringIO()
    )
    assert CooperationEvent.objects.get().logged_by == officer


@pytest.mark.smoke
def test_the_command_imports_historical_records_as_verified(terminal, verifier, tmp_path):
    out = io.StringIO()
    path = _write(tmp_path, _csv(ROW_A), "history-2022.csv")
    call_command("import_events", path, "--as-verified", "--verifier", "verifier", stdout=out)

    assert out.getvalue() == "1 events imported as verified.\n"
    event = CooperationEvent.objects.get()
    assert (event.status, event.verified_by, event.logged_by.username) == (
        Status.VERIFIED,
        verifier,
        "records-import",
    )


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--as-verified"], "--as-verified needs --verifier USERNAME."),
        (["--verifier", "verifier"], "--verifier is only used with --as-verified."),
        (
            ["--as-verified", "--verifier", "nobody"],
            "--verifier: there is no user named 'nobody'.",
        ),
        (
            ["--as-verified", "--verifier", "officer"],
            "--verifier: 'officer' does not hold the Verifier role.",
        ),
        (
            ["--as-verified", "--verifier", "retired"],
            "--verifier: the account 'retired' is inactive.",
        ),
        (["--officer", "verifier"], "--officer: 'verifier' does not hold the Officer role."),
        (
            ["--as-verified", "--verifier", "both", "--officer", "both"],
            "The verifier must be someone other than the officer who logs the events.",
        ),
    ],
)
def test_the_command_refuses_bad_people(terminal, officer, verifier, tmp_path, options, message):
    UserFactory(username="both", roles=["Officer", "Verifier"])
    UserFactory(username="retired", roles=["Verifier"], is_active=False)
    users = get_user_model().objects.count()

    with pytest.raises(CommandError) as refused:
        call_command("import_events", _write(tmp_path, _csv(ROW_A)), *options)

    assert str(refused.value) == message
    assert _counts() == (0, 0)
    assert get_user_model().objects.count() == users


def test_the_command_prints_every_problem_and_writes_nothing(terminal, tmp_path):
    path = _write(
        tmp_path,
        _csv(ROW_A.replace("30100001", "99999999", 1), ROW_A.replace("-05-17", "-05-32", 1)),
    )
    err, out = io.StringIO(), io.StringIO()

    with pytest.raises(CommandError) as refused:
        call_command("import_events", path, stdout=out, stderr=err)

    assert str(refused.value) == "2 problem(s) in events.csv; nothing was imported."
    assert err.getvalue() == (
        "row 2, column br_number: No enterprise has BR number 99999999.\n"
        "row 3, column occurred_on: Not a date; write it as YYYY-MM-DD.\n"
    )
    assert out.getvalue() == ""
    assert _counts() == (0, 0)
    # Not even the command-line account is left behind.
    assert not get_user_model().objects.filter(username="records-import").exists()


def test_the_command_prints_whole_file_problems_with_dashes(tmp_path):
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_events", _write(tmp_path, _csv()), stderr=err)
    assert err.getvalue() == "row —, column —: The file has no event rows.\n"


def test_the_command_says_when_the_file_cannot_be_read(tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("import_events", tmp_path / "missing.csv")
    assert (
        str(refused.value) == f"Cannot read {tmp_path / 'missing.csv'}: No such file or directory."
    )


# The web page


def _upload(client, data: bytes, name: str = "events.csv"):
    return client.post(reverse("partners:event-import"), {"file": SimpleUploadedFile(name, data)})


def test_an_officer_sees_every_problem_and_nothing_is_imported(client, officer, terminal):
    client.force_login(officer)
    data = _csv(ROW_A, ROW_A.replace("30100001", "99999999", 1), ROW_A)

    response = _upload(client, data)

    assert response.status_code == 200
    assert response.context["problems"] == [
        ImportProblem(3, "br_number", "No enterprise has BR number 99999999."),
        ImportProblem(4, "title", "Repeats row 2."),
    ]
    html = response.content.decode()
    assert "Nothing was imported: the file has 2 problems." in html
    assert (
        "<tr><td>3</td><td>br_number</td><td>No enterprise has BR number 99999999.</td></tr>"
        in html
    )
    assert "<tr><td>4</td><td>title</td><td>Repeats row 2.</td></tr>" in html
    assert _counts() == (0, 0)


def test_an_officer_sees_file_problems_without_a_row(client, officer):
    client.force_login(officer)
    # Excel's "Unicode text" is UTF-16.
    response = _upload(client, _csv(ROW_A).decode().encode("utf-16"))
    message = 'The file is not UTF-8 text (first bad byte on line 1). Save it as "CSV UTF-8".'
    assert f"<tr><td>1</td><td>—</td><td>{escape(message)}</td></tr>" in response.content.decode()


@pytest.mark.smoke
def test_an_officer_imports_a_good_file(client, officer, terminal, courier):
    client.force_login(officer)

    response = _upload(client, _csv(ROW_A, ROW_B))

    assert response.status_code == 302
    # The officer's submitted events, the newest logged first: the rows just imported on top.
    assert response["Location"] == (
        reverse("partners:event-list") + "?mine=on&status=submitted&ordering=-created_at"
    )
    assert set(CooperationEvent.objects.values_list("enterprise", "status", "logged_by")) == {
        (terminal.pk, Status.SUBMITTED, officer.pk),
        (courier.pk, Status.SUBMITTED, officer.pk),
    }
    assert AuditEntry.objects.filter(action="partners.event.imported", actor=officer).count() == 2


def test_after_an_import_the_officer_sees_the_new_events_at_the_top(
    client, officer, officer2, terminal, courier
):
    # Submitted before, and occurred later than anything in the file.
    earlier = EventFactory(
        logged_by=officer, submitted=True, occurred_on=datetime.date(2024, 12, 1)
    )
    CooperationEvent.objects.filter(pk=earlier.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=1)
    )
    EventFactory(logged_by=officer2, submitted=True)
    client.force_login(officer)

    response = client.post(
        reverse("partners:event-import"),
        {"file": SimpleUploadedFile("events.csv", _csv(ROW_A, ROW_B))},
        follow=True,
    )

    imported = set(
        CooperationEvent.objects.filter(
            title__in=["Tip on container MSKU 1234567", "Staff attended the X-ray image course"]
        ).values_list("pk", flat=True)
    )
    pks = [event.pk for event in response.context["page"].object_list]
    assert (set(pks[:2]), pks[2:]) == (imported, [earlier.pk])
    assert [str(m) for m in response.context["messages"]] == [
        "2 events imported and submitted for verification."
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_downloadable_template_imports_as_it_is(client, officer, fmt):
    EnterpriseFactory(br_number="12345678")
    client.force_login(officer)
    template = client.get(reverse(f"partners:import-template-{fmt}"))
    assert template.status_code == 200

    response = _upload(client, template.content, f"template.{fmt}")

    assert response.status_code == 302
    event = CooperationEvent.objects.get()
    assert (
        event.event_type,
        event.occurred_on,
        event.seizure_value_hkd,
        event.cases,
        event.arrests,
    ) == ("data_sharing", datetime.date(2024, 5, 17), Decimal("1500000.00"), 1, 2)


def test_the_csv_template_has_every_column_of_the_form_arrests_included(client, officer):
    client.force_login(officer)
    template = client.get(reverse("partners:import-template-csv")).content.decode("utf-8-sig")
    assert template.splitlines()[0].split(",") == [
        "br_number",
        "event_type",
        "occurred_on",
        "significance",
        "title",
        "partner_summary",
        "restricted_details",
        "seizure_value_hkd",
        "cases",
        "arrests",
    ]


def test_an_officer_imports_a_good_workbook(client, officer, courier):
    client.force_login(officer)
    data = _xlsx([[1234567, "training", datetime.date(2024, 1, 5), "", "Course", "", "", "", ""]])
    response = _upload(client, data, "events.xlsx")
    assert response.status_code == 302
    assert CooperationEvent.objects.get().enterprise == courier


def test_the_page_only_takes_csv_or_xlsx(client, officer, terminal):
    client.force_login(officer)
    response = _upload(client, _csv(ROW_A), "events.txt")
    assert response.status_code == 200
    assert response.context["form"].errors == {"file": ["Upload a .csv or .xlsx file."]}
    assert _counts() == (0, 0)


def test_a_verifier_cannot_import(client, verifier, terminal):
    client.force_login(verifier)
    assert _upload(client, _csv(ROW_A)).status_code == 403
    assert _counts() == (0, 0)


def test_an_anonymous_user_is_sent_to_log_in(client, terminal):
    response = _upload(client, _csv(ROW_A))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert _counts() == (0, 0)


# Two officers importing the same file at once


@pytest.mark.django_db(transaction=True)
def test_the_same_file_imported_twice_at_once_is_written_once(terminal, officer, officer2):
    data = _csv(ROW_A)
    outcomes = run_at_once(
        lambda: events_import(data=data, file_name="a.csv", user=officer),
        lambda: events_import(data=data, file_name="b.csv", user=officer2),
    )

    assert [outcome == "ok" for outcome in outcomes].count(True) == 1
    [refusal] = [outcome for outcome in outcomes if outcome != "ok"]
    assert isinstance(refusal, ImportRejected)
    assert [(p.row, p.column) for p in refusal.problems] == [(2, "title")]
    assert CooperationEvent.objects.count() == 1
