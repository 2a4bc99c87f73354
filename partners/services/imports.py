"""Bulk import of cooperation events from CSV or XLSX.

The whole file is read and validated first; only a file without a single problem is written,
in one transaction. Problems name the row as a spreadsheet numbers it (the header is row 1).

The file is read row by row, and each valid row kept as a compact tuple (`EventRow`), never as
a model instance: a file of 100,000 rows is checked in well under 250 MB, whatever the number of
events already recorded. The duplicate check and the write are the database's work
(`partners.services.import_store`).
"""

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import BinaryIO, NamedTuple

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import CooperationEvent, Enterprise
from partners.services import counts, import_files, import_store
from partners.services.import_files import (  # noqa: F401 (imported from here elsewhere)
    CELL_MAX_CHARS,
    ImportProblem,
    ImportRejected,
)
from portal import clock
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
    "arrests",
]
# Every column must be present (optional ones may be empty), but `arrests`, which the template
# gained later: a file made from an older template still imports.
REQUIRED_COLUMNS = [column for column in IMPORT_COLUMNS if column != "arrests"]
TITLE_MAX = CooperationEvent._meta.get_field("title").max_length
STRAY_CELLS = "__stray_cells__"  # marks a row with values under no import column
PROBLEMS_LISTED = 1_000  # a longer list helps nobody, and costs its size on the page
MULTILINE_COLUMNS = {"partner_summary", "restricted_details"}
# C0 controls but tab and line breaks, and DEL: PostgreSQL refuses NUL, and none has a place in
# a record.
CONTROL_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
CASES_MAX = 2_147_483_647  # the largest PositiveIntegerField value every database accepts
# The codes as the rows keep them: one string object for all the rows that name it.
EVENT_TYPES = {code: code for code in CooperationEvent.EventType.values}
SIGNIFICANCES = {code: code for code in CooperationEvent.Significance.values}
Status = CooperationEvent.Status


@dataclass(frozen=True)
class ImportResult:
    created: int
    status: str


class EventRow(NamedTuple):
    """One valid row of a file, as compact as the values allow until it is written."""

    row: int  # as the spreadsheet numbers it
    enterprise: int | str  # the BR number as read, then the enterprise's id
    event_type: str
    occurred_on: date
    significance: str
    title: str
    partner_summary: str
    restricted_details: str
    seizure_value_hkd: Decimal | None
    cases: int | None
    arrests: int | None

    def key(self) -> tuple:
        """What makes two rows the same event (docs/import.md)."""
        return (self.enterprise, self.occurred_on, self.event_type, self.title)


def events_import(
    *, data: bytes | BinaryIO, file_name: str, user, as_verified: bool = False, verifier=None
) -> ImportResult:
    """Validate every row, then write all of them or none. Raises ImportRejected.

    `data` is the file's content, or the file itself open for reading in binary (an upload, a
    file on disk): it is read row by row, never whole."""
    if as_verified:
        # Four eyes hold for historical records too (the database refuses a self-verified
        # event, but only after the whole file has been checked).
        if verifier is None or not has_role(verifier, Role.VERIFIER):
            raise PermissionDenied(_("Historical records need a verifier with the Verifier role."))
        if verifier.pk == user.pk:
            raise PermissionDenied(_("Nobody can verify events they logged."))
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    status = Status.VERIFIED if as_verified else Status.SUBMITTED
    with transaction.atomic():
        rows, problems = validate_rows(read_table(source, file_name), today=clock.today())
        # Lock the enterprises the file names, so two officers importing the same rows at the
        # same moment cannot both pass the duplicate check.
        _lock_enterprises({row.enterprise for row in rows})
        with import_store.staged(rows) as staged:
            problems += _duplicates(rows, staged.recorded_rows())
            if problems:
                raise ImportRejected(_listed(problems))
            now = timezone.now()
            created = staged.write(
                logged_by=user,
                status=status,
                submitted_at=now,
                verified_by=verifier if as_verified else None,
                verified_at=now if as_verified else None,
            )
        # `created`: the ids of the new events, in the file's order, written in this
        # transaction; whatever must change with them is written here too: the kept counts
        # (bulk writes send no post_save) and the audit.
        for ids in import_store.chunked(created, 10_000):
            counts.events_created(ids)
        import_store.audit_created(user, "partners.event.imported", created, note=file_name)
        if as_verified:
            import_store.audit_created(verifier, "partners.event.verified", created, note=file_name)
    return ImportResult(created=len(created), status=status)


def _lock_enterprises(ids: set[int]) -> None:
    # Always in the same order, so that two imports cannot deadlock each other.
    for batch in import_store.chunked(sorted(ids), 10_000):
        list(
            Enterprise.objects.select_for_update()
            .filter(pk__in=batch)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def read_table(source: BinaryIO, file_name: str) -> Iterator[tuple[int, dict[str, object]]]:
    """(spreadsheet row number, {column: raw value}) for each row that is not empty, read one
    by one after checking the header; refused past the row limit, without reading further.
    Reading the file is bounded whatever it holds (`partners.services.import_files`)."""
    header, records = import_files.read_rows(source, file_name)
    _check_header(header)
    limit = settings.IMPORT_MAX_ROWS
    count = 0
    for number, values in records:
        if all(blank_cell(v) for v in values):
            continue  # spreadsheets often end with empty rows
        count += 1
        if count > limit:
            raise ImportRejected(
                [
                    ImportProblem(
                        None,
                        "",
                        _(
                            "The file has more than %(n)s event rows, the most one import "
                            "takes. Split it into files of at most %(n)s rows."
                        )
                        % {"n": f"{limit:,}"},
                    )
                ]
            )
        padded = list(values[: len(header)]) + [None] * (len(header) - len(values))
        row = dict(zip(header, padded, strict=True))
        # A value beyond the header or under a blank heading would vanish without a word. In a
        # CSV even an empty extra field counts: an unquoted comma shifted the row's columns.
        unnamed = (value for heading, value in zip(header, values, strict=False) if not heading)
        row[STRAY_CELLS] = any(value is not None for value in values[len(header) :]) or any(
            not blank_cell(value) for value in unnamed
        )
        yield number, row
    if not count:
        raise ImportRejected([ImportProblem(None, "", _("The file has no event rows."))])


def _check_header(header: list[str]) -> None:
    problems = []
    for column in REQUIRED_COLUMNS:
        if column not in header:
            problems.append(ImportProblem(1, column, _("Missing column.")))
    seen = set()
    for column in header:
        # A heading is shown as the problem's column: the start of it is enough.
        shown = column if len(column) <= 60 else f"{column[:60]}…"
        if column and column not in IMPORT_COLUMNS:
            problems.append(ImportProblem(1, shown, _("Unknown column.")))
        elif column and column in seen:
            problems.append(ImportProblem(1, shown, _("Column appears twice.")))
        seen.add(column)
    if len(problems) > PROBLEMS_LISTED:
        problems = [more_problems(), *problems[:PROBLEMS_LISTED]]
    if problems:
        raise ImportRejected(problems)


def validate_rows(records, *, today: date) -> tuple[list[EventRow], list[ImportProblem]]:
    """The valid rows of `records` with their enterprise's id, and the problems of the others.
    Duplicates are checked afterwards, against the database."""
    rows: list[EventRow] = []
    problems: list[ImportProblem] = []
    named: list[tuple[int, str]] = []  # the BR numbers of the rows with other problems
    dates: dict = {}  # one date object per day, shared by the rows
    for number, raw in records:
        row, row_problems = _parse_row(number, raw, today, dates)
        if row is not None:
            rows.append(row)
        else:
            problems += row_problems
            if not _unstorable(raw["br_number"], "br_number") and (
                br_number := _br_number(raw["br_number"])
            ):
                named.append((number, br_number))
            if len(problems) >= PROBLEMS_LISTED:
                # The file is refused already: reading on would only make a longer list (a
                # 1.7 MB file of bad rows made 700,000 problems, a page of 600 MB).
                problems.append(more_problems())
                break
    enterprises = _enterprise_ids({row.enterprise for row in rows} | {br for _, br in named})

    def unknown(number, br_number):
        message = _("No enterprise has BR number %(br)s.") % {"br": br_number}
        return ImportProblem(number, "br_number", message)

    problems += [unknown(number, br) for number, br in named if br not in enterprises]
    valid = []
    for row in rows:
        if row.enterprise in enterprises:
            valid.append(row._replace(enterprise=enterprises[row.enterprise]))
        else:
            problems.append(unknown(row.row, row.enterprise))
    return valid, problems


def _enterprise_ids(br_numbers: set[str]) -> dict[str, int]:
    ids = {}
    for batch in import_store.chunked(sorted(br_numbers), 5_000):
        ids.update(Enterprise.objects.filter(br_number__in=batch).values_list("br_number", "pk"))
    return ids


def more_problems() -> ImportProblem:
    return ImportProblem(
        None,
        "",
        _(
            "Only the first %(n)s problems are listed (the file may have more). Fix them and "
            "import the file again."
        )
        % {"n": f"{PROBLEMS_LISTED:,}"},
    )


def _listed(problems: list[ImportProblem]) -> list[ImportProblem]:
    """The problems in row, then column order: the first PROBLEMS_LISTED of them."""
    ordered = sorted(problems, key=_problem_order)
    if len(ordered) <= PROBLEMS_LISTED + 1:
        return ordered
    note = more_problems()
    return [note, *[problem for problem in ordered if problem != note][:PROBLEMS_LISTED]]


def _problem_order(problem: ImportProblem):
    return (problem.row or 0, _column_order(problem))


def _column_order(problem: ImportProblem) -> int:
    return IMPORT_COLUMNS.index(problem.column) if problem.column in IMPORT_COLUMNS else -1


def _parse_row(number, raw, today, dates) -> tuple[EventRow | None, list[ImportProblem]]:
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

    unstorable = [(column, _unstorable(raw.get(column), column)) for column in IMPORT_COLUMNS]
    for column, message in unstorable:
        if message:
            problem(column, message)
    if problems and any(message for _column, message in unstorable):
        # Nothing more is said of a row with a value that cannot be kept: what else is wrong
        # with it may be the same missing quote.
        return None, problems

    fields = {"row": number, "seizure_value_hkd": None, "cases": None, "arrests": None}
    br_number = _br_number(raw["br_number"])
    if not br_number:
        problem("br_number", _("Required."))
    else:
        fields["enterprise"] = br_number  # its id once the file is read (validate_rows)

    event_type = EVENT_TYPES.get(cell_text(raw["event_type"]).lower())
    if event_type is None:
        event_type = cell_text(raw["event_type"]).lower()
        problem(
            "event_type",
            _('Unknown type "%(value)s"; use one of: %(codes)s.')
            % {"value": event_type, "codes": ", ".join(CooperationEvent.EventType.values)},
        )
    else:
        fields["event_type"] = event_type

    occurred_on = _date(raw["occurred_on"], dates)
    if occurred_on is None:
        problem("occurred_on", _("Not a date; write it as YYYY-MM-DD."))
    elif occurred_on > today:
        problem("occurred_on", _("The date %(date)s is in the future.") % {"date": occurred_on})
    else:
        fields["occurred_on"] = occurred_on

    significance = cell_text(raw["significance"]).lower() or CooperationEvent.Significance.ROUTINE
    significance = SIGNIFICANCES.get(significance, significance)
    if significance not in SIGNIFICANCES:
        problem(
            "significance",
            _('Unknown significance "%(value)s"; use routine, notable or major.')
            % {"value": significance},
        )
    else:
        fields["significance"] = significance

    title = cell_text(raw["title"])
    if not title:
        problem("title", _("A title is required."))
    elif len(title) > TITLE_MAX:
        problem(
            "title",
            _("At most %(limit)d characters (it has %(length)d).")
            % {"limit": TITLE_MAX, "length": len(title)},
        )
    else:
        fields["title"] = title

    fields["partner_summary"] = cell_text(raw["partner_summary"])
    fields["restricted_details"] = cell_text(raw["restricted_details"])

    value = cell_text(raw["seizure_value_hkd"]).replace(",", "").removeprefix("HK$")
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

    for column in ("cases", "arrests"):
        count, message = _count(raw.get(column))
        if message:
            problem(column, message)
        else:
            fields[column] = count
    return (None if problems else EventRow(**fields)), problems


def _count(value) -> tuple[int | None, str]:
    """A whole number ≥ 0 (None when empty), or why the value is not one."""
    text = cell_text(value)
    if not text:
        return None, ""
    try:
        whole = Decimal(text)
        # Size first: int() of 1E999999999 would build a number of a billion digits.
        if whole.is_finite() and whole.adjusted() > 12:
            whole = Decimal(CASES_MAX + 1)
        count = int(whole) if whole == whole.to_integral_value() else None
    except (InvalidOperation, ValueError, OverflowError):
        count = None
    if count is None:
        return None, _("Not a whole number.")
    if count < 0:
        return None, _("Cannot be negative.")
    if count > CASES_MAX:
        return None, _("At most %(n)d.") % {"n": CASES_MAX}
    return count, ""


def _duplicates(rows: list[EventRow], recorded: set[int]) -> list[ImportProblem]:
    """Rows that repeat an existing event (`recorded`: their numbers, found by the database), or
    an earlier row, with the same enterprise, date, type and title (withdrawn events do not
    count)."""
    problems, first_row = [], {}
    for row in rows:
        key = row.key()
        if row.row in recorded:
            problems.append(
                ImportProblem(
                    row.row,
                    "title",
                    _("This event is already recorded (same enterprise, date, type and title)."),
                )
            )
        elif key in first_row:
            problems.append(
                ImportProblem(row.row, "title", _("Repeats row %(row)d.") % {"row": first_row[key]})
            )
        else:
            first_row[key] = row.row
    return problems


def _unstorable(value, column: str) -> str | None:
    """Why `value` cannot be kept in `column` whatever it says, if it cannot."""
    if not isinstance(value, str):
        return None
    if isinstance(value, import_files.TooLong) or len(value) > CELL_MAX_CHARS:
        return _(
            "At most %(n)s characters (the most a spreadsheet cell holds): is a quote missing "
            "its closing quote?"
        ) % {"n": f"{CELL_MAX_CHARS:,}"}
    if control := CONTROL_CHARACTER.search(value):
        return _("Contains a control character (U+%(code)04X), which cannot be stored.") % {
            "code": ord(control.group())
        }
    text = value.strip()
    if "\n" in text or "\r" in text:
        if column not in MULTILINE_COLUMNS:
            return _("A line break in a one-line value: is a quote missing its closing quote?")
        # As many commas as a row has, of a file with or without the optional column.
        row_commas = len(REQUIRED_COLUMNS) - 1
        if any(line.count(",") >= row_commas for line in text.splitlines()[1:]):
            return _(
                "This value runs over lines that look like rows of the file: a quote is "
                "probably missing its closing quote."
            )
    return None


def _br_number(value) -> str:
    # A spreadsheet that typed the column as a number has dropped the leading zeros.
    text = cell_text(value)
    return text.zfill(8) if isinstance(value, int | float) and text.isdigit() else text


def blank_cell(value) -> bool:
    """An empty cell: none, or only spaces (the manifests' import reads cells the same way)."""
    return value is None or (isinstance(value, str) and not value.strip())


def cell_text(value) -> str:
    """A cell as text: a spreadsheet's whole number without its ".0", spaces trimmed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return str(value)
    return str(value).strip()


def _date(value, dates: dict) -> date | None:
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return dates.setdefault(value, value)
    text = cell_text(value)
    if text not in dates:
        try:
            dates[text] = date.fromisoformat(text)
        except ValueError:
            dates[text] = None
    return dates[text]
