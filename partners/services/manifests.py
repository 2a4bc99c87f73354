"""Manifests: the import (all or nothing, like the events' import) and the matching of their
lines with partners' reports, both ways: a new manifest against the references already
reported, a new report against the lines already imported. Each side is an index lookup on
a normalised reference column (ShipmentReference.reference, ManifestLine.reference), in
batches, never a scan of the other table."""

from collections.abc import Iterable, Iterator
from typing import BinaryIO

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners import rules
from partners.models import Manifest, ManifestLine, ManifestMatch, PartnerReport, ShipmentReference
from partners.services import import_files
from partners.services.import_files import ImportProblem, ImportRejected
from partners.services.imports import (
    CONTROL_CHARACTER,
    PROBLEMS_LISTED,
    blank_cell,
    cell_text,
    more_problems,
)
from partners.shipments import normalise_port, normalise_reference
from portal.audit import audit
from portal.rules import require

MANIFEST_COLUMNS = [
    "reference",
    "vessel_or_flight",
    "voyage",
    "port_of_loading",
    "port_of_discharge",
    "declared_goods",
    "consignee",
]
REQUIRED_COLUMNS = ["reference", "declared_goods"]
MANIFEST_MAX_ROWS = 200_000
LOOKUP_BATCH = 5_000  # references per query of the matching (one = ANY(array) parameter)
WRITE_BATCH = 2_000
_FIELD = ManifestLine._meta.get_field
LIMITS = {name: _FIELD(name).max_length for name in ("vessel_or_flight", "voyage", "consignee")}
GOODS_MAX = 2_000


def chunked(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# The import


def manifest_import(*, data: BinaryIO, file_name: str, user) -> Manifest:
    """Check every row, then write the manifest with all its lines, or nothing (raises
    ImportRejected with each row's problems). Its lines are matched with the reports at once."""
    require(rules.may_import_manifests(user))
    header, records = import_files.read_rows(data, file_name)
    _check_header(header)
    lines, problems = [], []
    for number, values in records:
        if all(blank_cell(value) for value in values):
            continue
        if len(lines) + len(problems) >= MANIFEST_MAX_ROWS:
            raise import_files.file_problem(
                _("The file has more than %(n)s lines, the most one import takes; split it.")
                % {"n": f"{MANIFEST_MAX_ROWS:,}"}
            )
        row = dict(zip(header, list(values) + [None] * (len(header) - len(values)), strict=False))
        line, row_problems = _parse_row(number, row)
        if line is None:
            problems += row_problems
            if len(problems) >= PROBLEMS_LISTED:
                problems.append(more_problems())
                break
        else:
            lines.append(line)
    if problems:
        raise ImportRejected(problems)
    if not lines:
        raise import_files.file_problem(_("The file has no manifest lines."))
    with transaction.atomic():
        manifest = Manifest.objects.create(
            file_name=file_name[:200], imported_by=user, line_count=len(lines)
        )
        for batch in chunked(lines, WRITE_BATCH):
            for line in batch:
                line.manifest = manifest
            ManifestLine.objects.bulk_create(batch)
        audit(user, "partners.manifest.imported", manifest, {"line_count": ["", str(len(lines))]})
        manifest.matched = match_lines(manifest)
    return manifest


def _check_header(header: list) -> None:
    problems = [
        ImportProblem(1, column, _("Missing column."))
        for column in REQUIRED_COLUMNS
        if column not in header
    ]
    seen = set()
    for column in header:
        shown = column if len(column) <= 60 else f"{column[:60]}…"
        if column and column not in MANIFEST_COLUMNS:
            problems.append(ImportProblem(1, shown, _("Unknown column.")))
        elif column and column in seen:
            problems.append(ImportProblem(1, shown, _("Column appears twice.")))
        seen.add(column)
    if problems:
        raise ImportRejected(problems[:PROBLEMS_LISTED])


def _parse_row(number: int, row: dict) -> tuple[ManifestLine | None, list[ImportProblem]]:
    problems = []

    def problem(column, message):
        problems.append(ImportProblem(number, column, message))

    values = {}
    for column in MANIFEST_COLUMNS:
        text = cell_text(row.get(column))
        if isinstance(row.get(column), import_files.TooLong):
            problem(column, _("This cell is too long."))
            continue
        if control := CONTROL_CHARACTER.search(text):
            problem(
                column,
                _("Contains a control character (U+%(code)04X), which cannot be stored.")
                % {"code": ord(control.group())},
            )
            continue
        if column != "declared_goods" and ("\n" in text or "\r" in text):
            problem(column, _("A line break in a one-line value."))
            continue
        values[column] = text
    if "reference" in values:
        if not values["reference"]:
            problem("reference", _("Required."))
        else:
            try:
                values["reference"] = normalise_reference(values["reference"])
            except ValidationError as error:
                for message in error.messages:
                    problem("reference", message)
    for column in ("port_of_loading", "port_of_discharge"):
        if values.get(column):
            try:
                values[column] = normalise_port(values[column])
            except ValidationError as error:
                problem(column, error.messages[0])
    if "declared_goods" in values:
        if not values["declared_goods"]:
            problem("declared_goods", _("Required."))
        elif len(values["declared_goods"]) > GOODS_MAX:
            problem("declared_goods", _("At most %(n)d characters.") % {"n": GOODS_MAX})
    for column, limit in LIMITS.items():
        if len(values.get(column, "")) > limit:
            problem(column, _("At most %(n)d characters.") % {"n": limit})
    if problems:
        return None, problems
    return ManifestLine(row=number, **values), []


# The matching


def _record(pairs: Iterable[tuple[int, int, str]]) -> int:
    """Write the (report, line, reference) matches not yet recorded and mark their reports;
    the number of reports that matched a manifest for the first time."""
    matches = [
        ManifestMatch(report_id=report, line_id=line, reference=reference)
        for report, line, reference in pairs
    ]
    if not matches:
        return 0
    ManifestMatch.objects.bulk_create(matches, ignore_conflicts=True, batch_size=WRITE_BATCH)
    reports = sorted({match.report_id for match in matches})
    marked = 0
    for batch in chunked(reports, LOOKUP_BATCH):
        marked += PartnerReport.objects.filter(pk__in=batch, matched_at__isnull=True).update(
            matched_at=timezone.now()
        )
    return marked


def match_lines(manifest: Manifest) -> int:
    """Match a new manifest's lines with the references already reported. Returns the number
    of reports that matched for the first time."""
    by_reference: dict[str, list[int]] = {}
    for pk, reference in ManifestLine.objects.filter(manifest=manifest).values_list(
        "pk", "reference"
    ):
        by_reference.setdefault(reference, []).append(pk)
    pairs = []
    for batch in chunked(sorted(by_reference), LOOKUP_BATCH):
        for report, reference in ShipmentReference.objects.filter(reference__in=batch).values_list(
            "report_id", "reference"
        ):
            pairs += [(report, line, reference) for line in by_reference[reference]]
    return _record(pairs)


def match_reports(references: dict[int, list[str]]) -> int:
    """Match new reports' references ({report id: [reference, ...]}) with the manifest lines
    already imported: one indexed lookup per batch of references. Returns the number of
    reports that matched."""
    by_reference: dict[str, list[int]] = {}
    for report, refs in references.items():
        for reference in refs:
            by_reference.setdefault(reference, []).append(report)
    pairs = []
    for batch in chunked(sorted(by_reference), LOOKUP_BATCH):
        for line, reference in lines_matching(batch).values_list("pk", "reference"):
            pairs += [(report, line, reference) for report in by_reference[reference]]
    return _record(pairs)


def lines_matching(references: list[str]):
    """The manifest lines of these normalised references (the matching's one query, in
    EXPLAIN by the benchmark: an index scan on manifest_line_reference_idx)."""
    return ManifestLine.objects.filter(reference__in=references).order_by()


def references_record(reports: Iterable[PartnerReport]) -> dict[int, list[str]]:
    """Keep each report's references in the indexed table; {report id: references}."""
    references = {report.pk: list(report.shipment_references) for report in reports}
    ShipmentReference.objects.bulk_create(
        [
            ShipmentReference(report_id=pk, reference=reference)
            for pk, refs in references.items()
            for reference in refs
        ],
        batch_size=WRITE_BATCH,
    )
    return references
