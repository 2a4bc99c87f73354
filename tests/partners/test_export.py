import csv
import datetime
import io
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.db import connection
from django.http import FileResponse
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from partners.exports import EXPORT_COLUMNS
from partners.models import CooperationEvent
from portal.exports import CSV_CHUNK_BYTES
from tests.factories import EnterpriseFactory, EventFactory

pytestmark = pytest.mark.django_db
Status = CooperationEvent.Status
SECRET = "Informant HK-0042 met officer at pier 7"
# 23:30 UTC on 3 June is 4 June in Hong Kong: the export gives the local date.
VERIFIED_AT = datetime.datetime(2024, 6, 3, 23, 30, tzinfo=datetime.UTC)
# The command's file is headed by the columns' keys (for programs); a download by headings in
# the language of the person who asked.
KEYS = list(EXPORT_COLUMNS)
HEADINGS = [
    "ID",
    "BR number",
    "Enterprise (English)",
    "Event type",
    "Date it occurred",
    "Significance",
    "Status",
    "Title",
    "Seizure value (HK$)",
    "Verified on",
]


@pytest.fixture
def events(officer, officer2, verifier2):
    """One event in each status that matters, all carrying restricted details."""
    terminal = EnterpriseFactory(
        br_number="01234567", name_en="Kwai Chung Terminals", name_zh="葵涌碼頭"
    )
    common = {"enterprise": terminal, "restricted_details": SECRET}
    return {
        "verified": EventFactory(
            **common,
            logged_by=officer,
            title="Tip on container MSKU 1234567",
            event_type="intelligence_tip",
            occurred_on=datetime.date(2024, 5, 17),
            significance="major",
            seizure_value_hkd=Decimal("1500000"),
            status=Status.VERIFIED,
            submitted_at=VERIFIED_AT,
            verified_by=verifier2,
            verified_at=VERIFIED_AT,
        ),
        "submitted": EventFactory(
            **common,
            logged_by=officer,
            title="Staff attended the X-ray course",
            event_type="training",
            occurred_on=datetime.date(2024, 3, 1),
            submitted=True,
        ),
        "my_draft": EventFactory(
            **common, logged_by=officer, title="My draft", occurred_on=datetime.date(2024, 2, 1)
        ),
        "their_draft": EventFactory(
            **common,
            logged_by=officer2,
            title="Another officer's draft",
            occurred_on=datetime.date(2024, 1, 1),
        ),
    }


def _row(event, **overrides) -> list[str]:
    row = {
        "id": str(event.pk),
        "br_number": "01234567",
        "enterprise_en": "Kwai Chung Terminals",
        "event_type": event.event_type,
        "occurred_on": event.occurred_on.isoformat(),
        "significance": event.significance,
        "status": event.status,
        "title": event.title,
        "seizure_value_hkd": "",
        "verified_on": "",
    }
    row.update(overrides)
    return [row[column] for column in EXPORT_COLUMNS]


def _verified_row(events) -> list[str]:
    return _row(events["verified"], seizure_value_hkd="1500000.00", verified_on="2024-06-04")


def _parse_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for Chinese names
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _parse_xlsx(content: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(content), read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


# The command


@pytest.mark.smoke
def test_the_command_writes_csv_to_standard_output_and_nothing_else(events, capsysbinary):
    call_command("export_events")

    captured = capsysbinary.readouterr()
    assert _parse_csv(captured.out) == [
        KEYS,
        _row(events["their_draft"]),
        _row(events["my_draft"]),
        _row(events["submitted"]),
        _verified_row(events),
    ]
    assert SECRET.encode() not in captured.out
    assert captured.err == b"4 events exported as csv.\n"


def test_the_command_writes_xlsx_to_standard_output(events, capsysbinary):
    call_command("export_events", "--format", "xlsx")

    captured = capsysbinary.readouterr()
    rows = _parse_xlsx(captured.out)
    assert rows[0] == KEYS
    assert rows[-1] == [
        events["verified"].pk,
        "01234567",
        "Kwai Chung Terminals",
        "intelligence_tip",
        "2024-05-17",
        "major",
        "verified",
        "Tip on container MSKU 1234567",
        "1500000.00",
        "2024-06-04",
    ]
    assert len(rows) == 5
    assert all(SECRET not in str(value) for row in rows for value in row)
    assert captured.err == b"4 events exported as xlsx.\n"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_command_writes_to_a_file(events, tmp_path, capsysbinary, fmt):
    path = tmp_path / f"events.{fmt}"

    call_command("export_events", "--format", fmt, "--output", str(path))

    content = path.read_bytes()
    rows = _parse_csv(content) if fmt == "csv" else _parse_xlsx(content)
    assert rows[0] == KEYS
    assert len(rows) == 5
    assert SECRET.encode() not in content
    captured = capsysbinary.readouterr()
    assert captured.out == b""
    assert captured.err == f"4 events exported as {fmt}.\n".encode()


def test_the_command_exports_a_header_when_there_are_no_events(capsysbinary):
    call_command("export_events")
    assert _parse_csv(capsysbinary.readouterr().out) == [KEYS]


def test_the_command_refuses_a_text_only_output(events):
    with pytest.raises(CommandError) as refused:
        call_command("export_events", stdout=io.StringIO())
    assert str(refused.value) == "Standard output does not accept bytes; use --output FILE."


def test_the_command_refuses_an_unknown_format():
    with pytest.raises(CommandError):
        call_command("export_events", "--format", "pdf")


def test_the_command_says_when_the_file_cannot_be_written(events, tmp_path):
    path = tmp_path / "no-such-directory" / "events.csv"
    with pytest.raises(CommandError) as refused:
        call_command("export_events", "--output", str(path))
    assert str(refused.value) == f"Cannot write {path}: No such file or directory."


@pytest.mark.django_db(transaction=True)
def test_manage_py_export_events_prints_only_the_file(events):
    """The real standard output of a real process: nothing but the CSV."""
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "export_events"],
        cwd=Path(django_settings.BASE_DIR),
        env={**os.environ, "DEBUG": "true", "DATABASE_URL": url},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    rows = _parse_csv(result.stdout)
    assert rows[0] == KEYS
    assert [row[0] for row in rows[1:]] == [
        str(events[name].pk) for name in ("their_draft", "my_draft", "submitted", "verified")
    ]
    assert SECRET.encode() not in result.stdout


# The download on the list page


def _download(client, user, query: str):
    client.force_login(user)
    return client.get(f"{reverse('partners:event-export')}?{query}")


def test_the_download_honours_the_status_filter(client, officer, events):
    response = _download(client, officer, "status=verified&format=csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="cooperation-events.csv"'
    assert _parse_csv(response.getvalue()) == [HEADINGS, _verified_row(events)]


def test_the_download_honours_search_type_and_dates(client, verifier, events):
    response = _download(
        client, verifier, "q=x-ray&event_type=training&occurred_from=2024-01-01&format=csv"
    )
    assert _parse_csv(response.getvalue()) == [HEADINGS, _row(events["submitted"])]


def test_the_download_honours_logged_by_me(client, officer, events):
    response = _download(client, officer, "mine=on&format=csv")
    assert [row[0] for row in _parse_csv(response.getvalue())[1:]] == [
        str(events[name].pk) for name in ("my_draft", "submitted", "verified")
    ]


def test_the_download_shows_what_the_list_shows_never_other_officers_drafts(
    client, officer, events
):
    rows = _parse_csv(_download(client, officer, "format=csv").getvalue())
    assert [row[0] for row in rows[1:]] == [
        str(events[name].pk) for name in ("my_draft", "submitted", "verified")
    ]


def test_the_download_as_xlsx(client, secretariat, events):
    response = _download(client, secretariat, "status=submitted&format=xlsx")

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="cooperation-events.xlsx"'
    rows = _parse_xlsx(response.getvalue())
    assert rows == [
        HEADINGS,
        [events["submitted"].pk, *_row(events["submitted"])[1:8]]
        + [
            None,
            None,
        ],
    ]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_download_is_headed_in_the_language_of_the_person_who_asked(
    client, compiled_catalogue, verifier, events, fmt
):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    content = _download(client, verifier, f"format={fmt}").getvalue()
    header = (_parse_csv(content) if fmt == "csv" else _parse_xlsx(content))[0]
    with translation.override("zh-hant"):
        assert header == [translation.gettext(heading) for heading in HEADINGS]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_never_contains_the_restricted_details(client, verifier, events, fmt):
    response = _download(client, verifier, f"format={fmt}")
    content = response.getvalue()
    assert SECRET.encode() not in content
    if fmt == "xlsx":
        assert all(SECRET not in str(v) for row in _parse_xlsx(content) for v in row)


def test_an_unknown_format_falls_back_to_csv(client, officer, events):
    response = _download(client, officer, "format=exe")
    assert response["Content-Disposition"] == 'attachment; filename="cooperation-events.csv"'


@pytest.mark.parametrize("who", ["partner_user", "panel_member"])
def test_partners_and_the_panel_cannot_download(client, events, who, request):
    assert _download(client, request.getfixturevalue(who), "format=csv").status_code == 403


def test_an_anonymous_user_is_sent_to_log_in(client, events):
    response = client.get(f"{reverse('partners:event-export')}?format=csv")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Streamed, never built whole in memory (issue 12)


@pytest.fixture
def many_events(officer):
    """1,200 events, about 300 kB of CSV: several chunks."""
    terminal = EnterpriseFactory(br_number="01234567", name_en="Kwai Chung Terminals")
    CooperationEvent.objects.bulk_create(
        CooperationEvent(
            enterprise=terminal,
            logged_by=officer,
            event_type="training",
            occurred_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=n % 300),
            title=f"Staff of the terminal attended customs training session {n} " + "x" * 120,
            restricted_details=SECRET,
            status=Status.SUBMITTED,
            submitted_at=VERIFIED_AT,
        )
        for n in range(1_200)
    )


class _BinaryStandardOutput:
    """A standard output that keeps each write to its byte stream apart."""

    def __init__(self):
        self.buffer = self
        self.writes = []

    def write(self, data):
        self.writes.append(bytes(data))

    def flush(self):
        pass


def test_the_csv_download_is_streamed_in_chunks(client, officer, many_events):
    response = _download(client, officer, "format=csv")

    assert response.streaming
    chunks = list(response.streaming_content)
    assert len(chunks) >= 4
    assert all(len(chunk) < CSV_CHUNK_BYTES + 1_000 for chunk in chunks)
    rows = _parse_csv(b"".join(chunks))
    assert (rows[0], len(rows)) == (HEADINGS, 1 + 1_200)
    assert SECRET not in "".join(",".join(row) for row in rows)


def test_the_xlsx_download_is_streamed_from_a_temporary_file(client, officer, many_events):
    response = _download(client, officer, "format=xlsx")

    assert response.streaming
    assert isinstance(response, FileResponse)
    rows = _parse_xlsx(response.getvalue())
    assert (rows[0], len(rows)) == (HEADINGS, 1 + 1_200)


def test_the_command_writes_the_csv_in_chunks(many_events):
    stdout = _BinaryStandardOutput()

    call_command("export_events", stdout=stdout, stderr=io.StringIO())

    assert len(stdout.writes) >= 4
    assert all(len(chunk) < CSV_CHUNK_BYTES + 1_000 for chunk in stdout.writes)
    assert len(_parse_csv(b"".join(stdout.writes))) == 1 + 1_200


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_neutralises_formulas_in_names_and_titles(client, officer, fmt):
    enterprise = EnterpriseFactory(name_en='=HYPERLINK("http://evil.example","Terminal")')
    EventFactory(enterprise=enterprise, logged_by=officer, title="@SUM(1+1)", status="submitted")

    response = _download(client, officer, f"format={fmt}")

    content = response.getvalue()
    rows = _parse_csv(content) if fmt == "csv" else _parse_xlsx(content)
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example","Terminal")'
    assert rows[1][7] == "'@SUM(1+1)"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"
