"""Malformed files, generated (hypothesis): mutations of a valid CSV and a valid XLSX. Whatever
the file, the import either imports it or rejects it with problems (rows, columns, messages),
never another exception; a rejected file leaves the events and the audit trail as they were."""

import io
import zipfile

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from partners.models import CooperationEvent
from partners.services.imports import ImportProblem, ImportRejected, events_import
from portal.models import AuditEntry
from tests.factories import EnterpriseFactory, UserFactory
from tests.partners import workbooks

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=100,
    deadline=None,  # a shared machine; the whole module is kept under a minute by max_examples
    derandomize=True,  # the same examples on every run: a failure is reproduced by a re-run
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
VALID_CSV = (
    b"br_number,event_type,occurred_on,significance,title,partner_summary,restricted_details,"
    b"seizure_value_hkd,cases\n"
    b'30100001,intelligence_tip,2024-05-17,major,Tip on container,"Helped, detect",Case,1500.00,1\n'
    b"30100001,training,2023-11-02,,Staff course,,,,\n"
)
VALID_XLSX = workbooks.workbook(workbooks.event_row(2) + workbooks.event_row(3, title="Course"))
NASTY = [b"\x00", b'"', b'""', b"\r", b"\n", b",", b"\x1b", b"\xff", b"\xef\xbb\xbf", b"'"]


@pytest.fixture
def people(db):
    EnterpriseFactory(br_number="30100001")
    return UserFactory(roles=["Officer"])


def _mutations(valid: bytes):
    """A valid file cut, overwritten, spliced with bytes or blown up at random places."""
    place = st.integers(min_value=0, max_value=len(valid))
    return st.one_of(
        place.map(lambda end: valid[:end]),
        st.tuples(place, st.binary(min_size=1, max_size=64)).map(
            lambda change: valid[: change[0]] + change[1] + valid[change[0] + len(change[1]) :]
        ),
        st.tuples(place, st.lists(st.sampled_from(NASTY), min_size=1, max_size=8)).map(
            lambda change: valid[: change[0]] + b"".join(change[1]) + valid[change[0] :]
        ),
        st.tuples(place, st.integers(min_value=1, max_value=200_000)).map(
            lambda change: valid[: change[0]] + b"x" * change[1] + valid[change[0] :]
        ),
    )


def _sheet_mutations():
    """Workbooks whose sheet or shared strings say odd things (the zip itself is sound)."""
    dimension = st.sampled_from(["A1:XFD1048576", "A1", "", "ZZZZ0:A-1", "A1:I2" * 1000])
    reference = st.one_of(
        st.sampled_from(["A2", "XFD2", "A1048577", "a2", "", "2", "AAAA2"]), st.text(max_size=6)
    )
    kind = st.sampled_from(["n", "s", "str", "inlineStr", "b", "d", "e", "bogus"])
    text = st.text(
        alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="<&"),
        max_size=40,
    )
    row_number = st.one_of(st.integers(min_value=-2, max_value=1_048_580), st.just("x"))

    def cell(parts):
        ref, kind, value = parts
        return f'<c r="{ref}" t="{kind}"><v>{value}</v></c>'

    def row(parts):
        number, cells = parts
        return f'<row r="{number}">{"".join(cells)}</row>'

    rows = st.lists(
        st.tuples(row_number, st.lists(st.tuples(reference, kind, text).map(cell), max_size=4)).map(
            row
        ),
        max_size=5,
    )
    return st.tuples(dimension, rows, st.lists(text, max_size=4)).map(
        lambda parts: workbooks.workbook(
            workbooks.event_row(2) + "".join(parts[1]), dimension=parts[0], strings=parts[2]
        )
    )


def _zip_mutations():
    """The parts of a valid workbook, some of them cut, swapped for noise or renamed."""
    with zipfile.ZipFile(io.BytesIO(VALID_XLSX)) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    change = st.tuples(
        st.sampled_from(sorted(parts)),
        st.sampled_from(["cut", "noise", "drop", "rename", "stored"]),
        st.binary(max_size=32),
    )

    def build(changes):
        files = dict(parts)
        stored = False
        for name, how, noise in changes:
            if name not in files:
                continue
            if how == "cut":
                files[name] = files[name][: len(files[name]) // 2]
            elif how == "noise":
                files[name] = noise
            elif how == "drop":
                del files[name]
            elif how == "rename":
                files[name + ".old"] = files.pop(name)
            else:
                stored = True
        buffer = io.BytesIO()
        method = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
        with zipfile.ZipFile(buffer, "w", method) as archive:
            for name, content in files.items():
                archive.writestr(name, content)
        return buffer.getvalue()

    return st.lists(change, min_size=1, max_size=3).map(build)


def _counts() -> tuple[int, int]:
    return CooperationEvent.objects.count(), AuditEntry.objects.count()


def _import_is_clean(data: bytes, file_name: str, user) -> None:
    before = _counts()
    try:
        # In a savepoint rolled back after a successful import, so that every example starts
        # from the same events (they are never deleted).
        with transaction.atomic():
            result = events_import(data=data, file_name=file_name, user=user)
            # A mutation may leave a valid file (a changed title...): then it is all imported.
            assert _counts() == (before[0] + result.created, before[1] + result.created)
            transaction.set_rollback(True)
    except ImportRejected as rejected:
        assert rejected.problems
        assert all(isinstance(problem, ImportProblem) for problem in rejected.problems)
        assert all(problem.message for problem in rejected.problems)
    assert _counts() == before


@FUZZ
@given(data=_mutations(VALID_CSV))
def test_a_mutated_csv_is_imported_or_rejected_cleanly(people, data):
    _import_is_clean(data, "events.csv", people)


@FUZZ
@given(data=_mutations(VALID_XLSX))
def test_a_mutated_workbook_is_imported_or_rejected_cleanly(people, data):
    _import_is_clean(data, "events.xlsx", people)


@FUZZ
@given(data=_sheet_mutations())
def test_a_workbook_with_bogus_cells_is_imported_or_rejected_cleanly(people, data):
    _import_is_clean(data, "events.xlsx", people)


@FUZZ
@given(data=_zip_mutations())
def test_a_workbook_with_broken_parts_is_imported_or_rejected_cleanly(people, data):
    _import_is_clean(data, "events.xlsx", people)
