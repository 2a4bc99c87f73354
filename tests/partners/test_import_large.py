"""Imports of whole files at an administration's volume (issue 12): past the old limit of
20,000 rows, all or nothing, duplicates found by the database, the row limit."""

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from partners.models import CooperationEvent
from partners.services import import_store
from partners.services.imports import (
    IMPORT_COLUMNS,
    EventRow,
    ImportRejected,
    events_import,
)
from portal.models import AuditEntry
from tests.factories import EnterpriseFactory, EventFactory

pytestmark = pytest.mark.django_db
Status = CooperationEvent.Status
ALREADY_RECORDED = "This event is already recorded (same enterprise, date, type and title)."


@pytest.fixture
def enterprises(db):
    return [EnterpriseFactory(br_number=f"4010{n:04d}") for n in range(20)]


def _csv(rows: list[str]) -> bytes:
    return "\n".join([",".join(IMPORT_COLUMNS), *rows, ""]).encode("utf-8")


def _rows(count: int, enterprises) -> list[str]:
    """`count` distinct events, spread over the enterprises and the days of 2024."""
    types = list(CooperationEvent.EventType.values)
    return [
        f"{enterprises[n % len(enterprises)].br_number},{types[n % len(types)]},"
        f"2024-{1 + n % 12:02d}-{1 + n % 28:02d},notable,Container check {n} at Kwai Chung,"
        f"Manifest data shared,Case {n} (restricted),{n}.50,{n % 4}"
        for n in range(count)
    ]


def _counts() -> tuple[int, int]:
    # Not counting the security log: the test's own login is in it.
    return CooperationEvent.objects.count(), AuditEntry.objects.exclude(
        action__startswith="auth."
    ).count()


# More than the old limit of 20,000 rows


def test_a_file_of_25000_rows_is_imported_from_the_web_page_read_from_disk(
    client, settings, officer, enterprises
):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 64 * 1024  # the upload is spooled to disk
    client.force_login(officer)
    data = _csv(_rows(25_000, enterprises))

    response = client.post(
        reverse("partners:event-import"), {"file": SimpleUploadedFile("big.csv", data)}
    )

    assert response.status_code == 302
    assert _counts() == (25_000, 25_000)
    last = CooperationEvent.objects.order_by("pk").last()
    assert (
        last.enterprise,
        last.event_type,
        last.occurred_on,
        last.title,
        str(last.seizure_value_hkd),
        last.cases,
        last.status,
        last.logged_by,
    ) == (
        enterprises[24_999 % 20],
        CooperationEvent.EventType.values[24_999 % 7],
        datetime.date(2024, 1 + 24_999 % 12, 1 + 24_999 % 28),
        "Container check 24999 at Kwai Chung",
        "24999.50",
        3,
        Status.SUBMITTED,
        officer,
    )
    [entry] = AuditEntry.objects.for_object(last)
    assert (entry.action, entry.actor, entry.object_repr, entry.note, entry.changes) == (
        "partners.event.imported",
        officer,
        str(last),
        "big.csv",
        {},
    )


def test_a_file_of_25000_rows_with_one_bad_row_at_the_end_imports_nothing(officer, enterprises):
    rows = _rows(25_000, enterprises)
    rows[-1] = rows[-1].replace(",notable,", ",vital,", 1)

    with pytest.raises(ImportRejected) as rejected:
        events_import(data=_csv(rows), file_name="big.csv", user=officer)

    assert [(p.row, p.column) for p in rejected.value.problems] == [(25_001, "significance")]
    assert _counts() == (0, 0)


def test_historical_records_from_a_large_file_get_both_audit_entries(
    officer, verifier, enterprises
):
    events_import(
        data=_csv(_rows(3_000, enterprises)),
        file_name="2022.csv",
        user=officer,
        as_verified=True,
        verifier=verifier,
    )

    assert CooperationEvent.objects.filter(
        status=Status.VERIFIED, verified_by=verifier
    ).count() == (3_000)
    assert sorted(AuditEntry.objects.order_by().values_list("action", "actor").distinct()) == [
        ("partners.event.imported", officer.pk),
        ("partners.event.verified", verifier.pk),
    ]
    assert AuditEntry.objects.count() == 6_000


# Duplicates: against the recorded events and within the file, each with its row


def _recorded(enterprise, **fields):
    return EventFactory(
        enterprise=enterprise,
        event_type="training",
        occurred_on=datetime.date(2024, 3, 1),
        title="X-ray image course",
        **fields,
    )


@pytest.mark.smoke
def test_duplicates_are_reported_with_their_rows(officer, enterprises):
    """On PostgreSQL through the temporary table, on SQLite (make smoke) in batches."""
    first, second = enterprises[0], enterprises[1]
    _recorded(first, status=Status.SUBMITTED, submitted_at=timezone.now())
    _recorded(second, status=Status.WITHDRAWN)  # does not count
    rows = [
        f"{first.br_number},training,2024-03-01,,X-ray image course,,,,",  # recorded
        f"{second.br_number},training,2024-03-01,,X-ray image course,,,,",  # only withdrawn
        f"{first.br_number},training,2024-03-02,,X-ray image course,,,,",  # another day
        f"{second.br_number},training,2024-03-01,,X-ray image course,,,,",  # repeats row 3
        f"{first.br_number},facilitation,2024-03-01,,X-ray image course,,,,",  # another type
    ]

    with pytest.raises(ImportRejected) as rejected:
        events_import(data=_csv(rows), file_name="e.csv", user=officer)

    assert [(p.row, p.column, p.message) for p in rejected.value.problems] == [
        (2, "title", ALREADY_RECORDED),
        (5, "title", "Repeats row 3."),
    ]
    assert CooperationEvent.objects.count() == 2


def test_the_copied_and_the_batched_checks_find_the_same_recorded_rows(enterprises):
    recorded = [
        _recorded(enterprises[n], status=Status.SUBMITTED, submitted_at=timezone.now())
        for n in range(3)
    ]
    _recorded(enterprises[3], status=Status.WITHDRAWN)

    def row(number, enterprise, **changes):
        values = {
            "row": number,
            "enterprise": enterprise.pk,
            "event_type": "training",
            "occurred_on": datetime.date(2024, 3, 1),
            "significance": "routine",
            "title": "X-ray image course",
            "partner_summary": "",
            "restricted_details": "",
            "seizure_value_hkd": None,
            "cases": None,
            "arrests": None,
        }
        return EventRow(**{**values, **changes})

    rows = [
        row(2, recorded[0].enterprise),
        row(3, recorded[1].enterprise, title="X-ray image course (advanced)"),
        row(4, enterprises[3]),
        row(5, recorded[2].enterprise),
        row(6, recorded[1].enterprise, occurred_on=datetime.date(2024, 3, 2)),
        *[row(n, enterprises[10], title=f"Course {n}") for n in range(7, 700)],
    ]

    copied = import_store.CopiedRows(rows)
    assert copied.recorded_rows() == import_store.BatchedRows(rows).recorded_rows() == {2, 5}
    copied.drop()


# The row limit


def test_a_file_over_the_row_limit_is_refused_before_anything_is_checked(
    settings, officer, enterprises
):
    settings.IMPORT_MAX_ROWS = 3
    rows = _rows(4, enterprises)
    rows[0] = rows[0].replace(",notable,", ",vital,", 1)  # not reported: reading stopped

    with pytest.raises(ImportRejected) as rejected:
        events_import(data=_csv(["", *rows]), file_name="e.csv", user=officer)

    assert [(p.row, p.column, p.message) for p in rejected.value.problems] == [
        (
            None,
            "",
            "The file has more than 3 event rows, the most one import takes. "
            "Split it into files of at most 3 rows.",
        )
    ]
    assert _counts() == (0, 0)


@pytest.mark.smoke
def test_a_file_at_the_row_limit_is_imported(settings, officer, enterprises):
    settings.IMPORT_MAX_ROWS = 3
    # Empty rows do not count.
    assert events_import(
        data=_csv(["", *_rows(3, enterprises), ",,,,,,,,"]), file_name="e.csv", user=officer
    ).created == (3)


def test_the_default_limit_is_100000_rows(settings):
    assert settings.IMPORT_MAX_ROWS == 100_000


def test_the_web_page_shows_the_limit_refusal(client, settings, officer, enterprises):
    settings.IMPORT_MAX_ROWS = 2
    client.force_login(officer)
    response = client.post(
        reverse("partners:event-import"),
        {"file": SimpleUploadedFile("e.csv", _csv(_rows(3, enterprises)))},
    )
    assert response.status_code == 200
    assert "The file has more than 2 event rows" in response.text
    assert _counts() == (0, 0)


# A workbook, read as it is parsed


def test_a_workbook_from_disk_is_read_row_by_row(client, settings, officer, enterprises):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(IMPORT_COLUMNS)
    for n in range(500):
        sheet.append(
            [
                int(enterprises[n % 20].br_number),
                "data_sharing",
                datetime.date(2024, 6, 1 + n % 28),
                None,
                f"Manifest feed {n}",
                None,
                None,
                1500.5,
                2,
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    client.force_login(officer)

    response = client.post(
        reverse("partners:event-import"),
        {"file": SimpleUploadedFile("feed.xlsx", buffer.getvalue())},
    )

    assert response.status_code == 302
    assert CooperationEvent.objects.filter(seizure_value_hkd="1500.50", cases=2).count() == 500
