"""Bulk import of cooperation events from CSV or XLSX.

The whole file is read and validated first; only a file without a single problem is written,
in one transaction. Problems name the row as a spreadsheet numbers it (the header is row 1).
"""

import codecs
import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import CooperationEvent, Enterprise
from partners.services import counts
from portal import clock
from portal.audit import audit_many
from portal.roles import Role, has_role

IMPORT_COLUMNS = [
    "br_number",
    "event_type",
    "occurred_on",
    "significance",
    "title",
    "partner_summary",
    "restricted_details",
    "seizure_value_hkd",
    "cases",
]
REQUIRED_COLUMNS = IMPORT_COLUMNS  # every column must be present; optional ones may be empty
MAX_ROWS = 20_000
TITLE_MAX = CooperationEvent._meta.get_field("title").max_length
STRAY_CELLS = "__stray_cells__"  # marks a row with values under no import column
CASES_MAX = 2_147_483_647  # the largest PositiveIntegerField value every database accepts
Status = CooperationEvent.Status


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # None: the file as a whole
    column: str
    message: str


class ImportRejected(Exception):
    def __init__(self, problems: list[ImportProblem]):
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass(frozen=True)
class ImportResult:
    created: int
    status: str


def events_import(
    *, data: bytes, file_name: str, user, as_verified: bool = False, verifier=None
) -> ImportResult:
    """Validate every row, then write all of them or none. Raises ImportRejected."""
    if as_verified:
        # Four eyes hold for historical records too (the database refuses a self-verified
        # event, but only after the whole file has been checked).
        if verifier is None or not has_role(verifier, Role.VERIFIER):
            raise PermissionDenied(_("Historical records need a verifier with the Verifier role."))
        if verifier.pk == user.pk:
            raise PermissionDenied(_("Nobody can verify events they logged."))
    rows = read_table(data, file_name)
    status = Status.VERIFIED if as_verified else Status.SUBMITTED
    with transaction.atomic():
        # Lock the enterprises the file names, so two officers importing the same rows at the
        # same moment cannot both pass the duplicate check.
        _lock_enterprises({_br_number(raw["br_number"]) for _, raw in rows})
        events = validate_rows(rows, today=clock.today())
        now = timezone.now()
        for event in events:
            event.logged_by = user
            event.status = status
            event.submitted_at = now
            if as_verified:
                event.verified_by, event.verified_at = verifier, now
        created = CooperationEvent.objects.bulk_create(events, batch_size=1000)
        counts.event_moves((None, event) for event in created)
        audit_many(user, "partners.event.imported", created, note=file_name[:200])
        if as_verified:
            audit_many(verifier, "partners.event.verified", created, note=file_name[:200])
    return ImportResult(created=len(created), status=status)


def _lock_enterprises(br_numbers: set[str]) -> None:
    # Always in the same order, so that two imports cannot deadlock each other.
    list(
        Enterprise.objects.select_for_update()
        .filter(br_number__in=br_numbers)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def read_table(data: bytes, file_name: str) -> list[tuple[int, dict[str, object]]]:
    """[(spreadsheet row number, {column: raw value})], after checking the header."""
    if file_name.lower().endswith(".xlsx") or data[:4] == b"PK\x03\x04":
        header, records = _read_xlsx(data)
    else:
        header, records = _read_csv(data)
    _check_header(header)
    rows = []
    for number, values in records:
        if all(_blank(v) for v in values):
            continue  # spreadsheets often end with empty rows
        padded = list(values) + [None] * (len(header) - len(values))
        row = dict(zip(header, padded, strict=False))
        # A value beyond the header or under a blank heading would vanish without a word. In a
        # CSV even an empty extra field counts: an unquoted comma shifted the row's columns.
        row[STRAY_CELLS] = any(value is not None for value in values[len(header) :]) or any(
            not _blank(value) for heading, value in zip(header, values, strict=False) if not heading
        )
        rows.append((number, row))
    if not rows:
        raise ImportRejected([ImportProblem(None, "", _("The file has no event rows."))])
    if len(rows) > MAX_ROWS:
        raise ImportRejected(
            [ImportProblem(None, "", _("At most %(n)d rows per file.") % {"n": MAX_ROWS})]
        )
    return rows


def _read_csv(data: bytes):
    # Strip the BOM first: decoding with "utf-8-sig" reports error offsets without it.
    data = data.removeprefix(codecs.BOM_UTF8)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportRejected(
            [
                ImportProblem(
                    line,
                    "",
                    _(
                        "The file is not UTF-8 text (first bad byte on line %(line)d). "
                        'Save it as "CSV UTF-8".'
                    )
                    % {"line": line},
                )
            ]
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise ImportRejected([ImportProblem(1, "", _("The file is empty."))]) from None
    return [h.strip().lower() for h in header], list(enumerate(reader, start=2))


def _read_xlsx(data: bytes):
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for a damaged file
        raise ImportRejected(
            [ImportProblem(None, "", _("The file is not a readable XLSX workbook."))]
        ) from exc
    sheet = workbook.worksheets[0]
    records = list(sheet.iter_rows(values_only=True))
    workbook.close()
    if not records:
        raise ImportRejected([ImportProblem(1, "", _("The file is empty."))])
    header = [str(h).strip().lower() if h is not None else "" for h in records[0]]
    return header, list(enumerate(records[1:], start=2))


def _check_header(header: list[str]) -> None:
    problems = []
    for column in REQUIRED_COLUMNS:
        if column not in header:
            problems.append(ImportProblem(1, column, _("Missing column.")))
    seen = set()
    for column in header:
        if column and column not in IMPORT_COLUMNS:
            problems.append(ImportProblem(1, column, _("Unknown column.")))
        elif column and column in seen:
            problems.append(ImportProblem(1, column, _("Column appears twice.")))
        seen.add(column)
    if problems:
        raise ImportRejected(problems)


def validate_rows(rows, *, today: date) -> list[CooperationEvent]:
    """Unsaved events for every row, or ImportRejected with every problem in the file."""
    enterprises = Enterprise.objects.in_bulk(
        {_br_number(r["br_number"]) for _, r in rows}, field_name="br_number"
    )
    problems: list[ImportProblem] = []
    events: list[tuple[int, CooperationEvent]] = []
    for number, raw in rows:
        fields, row_problems = _parse_row(number, raw, enterprises, today)
        problems += row_problems
        if not row_problems:
            events.append((number, CooperationEvent(**fields)))
    problems += _duplicates(events)
    if problems:
        raise ImportRejected(sorted(problems, key=lambda p: (p.row or 0, _column_order(p))))
    return [event for _, event in events]


def _column_order(problem: ImportProblem) -> int:
    return IMPORT_COLUMNS.index(problem.column) if problem.column in IMPORT_COLUMNS else -1


def _parse_row(number, raw, enterprises, today):
    problems = []

    def problem(column, message):
        problems.append(ImportProblem(number, column, message))

    if raw.get(STRAY_CELLS):
        problem(
            "",
            _(
                "This row has values outside the header's columns. "
                "Put a value that contains a comma in double quotes."
            ),
        )

    fields = {}
    br_number = _br_number(raw["br_number"])
    if not br_number:
        problem("br_number", _("Required."))
    elif br_number not in enterprises:
        problem("br_number", _("No enterprise has BR number %(br)s.") % {"br": br_number})
    else:
        fields["enterprise"] = enterprises[br_number]

    event_type = _text(raw["event_type"]).lower()
    if event_type not in CooperationEvent.EventType.values:
        problem(
            "event_type",
            _('Unknown type "%(value)s"; use one of: %(codes)s.')
            % {"value": event_type, "codes": ", ".join(CooperationEvent.EventType.values)},
        )
    else:
        fields["event_type"] = event_type

    occurred_on = _date(raw["occurred_on"])
    if occurred_on is None:
        problem("occurred_on", _("Not a date; write it as YYYY-MM-DD."))
    elif occurred_on > today:
        problem("occurred_on", _("The date %(date)s is in the future.") % {"date": occurred_on})
    else:
        fields["occurred_on"] = occurred_on

    significance = _text(raw["significance"]).lower() or CooperationEvent.Significance.ROUTINE
    if significance not in CooperationEvent.Significance.values:
        problem(
            "significance",
            _('Unknown significance "%(value)s"; use routine, notable or major.')
            % {"value": significance},
        )
    else:
        fields["significance"] = significance

    title = _text(raw["title"])
    if not title:
        problem("title", _("A title is required."))
    elif len(title) > TITLE_MAX:
        problem("title", _("At most %(n)d characters.") % {"n": TITLE_MAX})
    else:
        fields["title"] = title

    fields["partner_summary"] = _text(raw["partner_summary"])
    fields["restricted_details"] = _text(raw["restricted_details"])

    value = _text(raw["seizure_value_hkd"]).replace(",", "").removeprefix("HK$")
    if value:
        try:
            amount = Decimal(value)
            if not amount.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            problem("seizure_value_hkd", _("Not a number."))
        else:
            if amount < 0:
                problem("seizure_value_hkd", _("Cannot be negative."))
            # Size first: quantize() itself fails on numbers beyond the decimal precision.
            elif amount >= Decimal("1e12") or amount != amount.quantize(Decimal("0.01")):
                problem("seizure_value_hkd", _("At most 12 digits and 2 decimals."))
            else:
                fields["seizure_value_hkd"] = amount

    cases = _text(raw["cases"])
    if cases:
        try:
            count = int(Decimal(cases)) if Decimal(cases) == int(Decimal(cases)) else None
        except (InvalidOperation, ValueError, OverflowError):
            count = None
        if count is None:
            problem("cases", _("Not a whole number."))
        elif count < 0:
            problem("cases", _("Cannot be negative."))
        elif count > CASES_MAX:
            problem("cases", _("At most %(n)d.") % {"n": CASES_MAX})
        else:
            fields["cases"] = count
    return fields, problems


def _duplicates(events: list[tuple[int, CooperationEvent]]) -> list[ImportProblem]:
    """Rows that repeat an existing event, or an earlier row, with the same
    enterprise, date, type and title (withdrawn events do not count)."""
    if not events:
        return []
    existing = set(
        CooperationEvent.objects.exclude(status=Status.WITHDRAWN)
        .filter(
            enterprise__in={e.enterprise_id for _, e in events},
            occurred_on__in={e.occurred_on for _, e in events},
        )
        .values_list("enterprise_id", "occurred_on", "event_type", "title")
    )
    problems, first_row = [], {}
    for number, event in events:
        key = (event.enterprise_id, event.occurred_on, event.event_type, event.title)
        if key in existing:
            problems.append(
                ImportProblem(
                    number,
                    "title",
                    _("This event is already recorded (same enterprise, date, type and title)."),
                )
            )
        elif key in first_row:
            problems.append(
                ImportProblem(number, "title", _("Repeats row %(row)d.") % {"row": first_row[key]})
            )
        else:
            first_row[key] = number
    return problems


def _br_number(value) -> str:
    # A spreadsheet that typed the column as a number has dropped the leading zeros.
    text = _text(value)
    return text.zfill(8) if isinstance(value, int | float) and text.isdigit() else text


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def _date(value) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(_text(value))
    except ValueError:
        return None
