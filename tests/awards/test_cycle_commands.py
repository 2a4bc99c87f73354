"""export_cycle and import_cycle: the settings file, every bad key, and the round trip."""

import datetime
import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from awards.models import Cycle, EventTypeRule, PanelCriterion
from awards.services.cycles import DEFAULT_RULES
from portal.models import AuditEntry
from tests.awards.factories import CycleFactory

pytestmark = pytest.mark.django_db
D = Decimal

KEYS = [
    "year",
    "title_en",
    "title_zh",
    "window_start",
    "window_end",
    "cooperation_weight",
    "quorum",
    "awards_planned",
    "significance_multipliers",
    "event_types",
    "panel_criteria",
    "status",
    "finalised_at",
]


@pytest.fixture
def configured_cycle(secretariat):
    return CycleFactory(
        year=2024,
        window_start=datetime.date(2023, 7, 1),
        window_end=datetime.date(2024, 6, 30),
        cooperation_weight=D("0.55"),
        quorum=4,
        awards_planned=18,
        multiplier_major=D("3.5"),
        rules={**DEFAULT_RULES, "training": (D("1.25"), D("4"))},
        criteria=[("Impact on enforcement", D("2")), ("Commitment", D("1.5"))],
        status=Cycle.Status.FINALISED,
        finalised_at=datetime.datetime(2024, 9, 30, 8, 15, tzinfo=datetime.UTC),
        finalised_by=secretariat,
    )


def export(year) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("export_cycle", str(year), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def exported(year) -> dict:
    return json.loads(export(year)[0])


def import_file(tmp_path, data, *args) -> tuple[str, str]:
    path = tmp_path / "cycle.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("import_cycle", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


# export_cycle


def test_export_prints_the_settings_with_exactly_the_documented_keys(configured_cycle):
    out, err = export(2024)
    data = json.loads(out)
    assert list(data) == KEYS
    assert data == {
        "year": 2024,
        "title_en": "Elite Enterprise Partnership Award 2024",
        "title_zh": "2024年卓越企業夥伴嘉許計劃",
        "window_start": "2023-07-01",
        "window_end": "2024-06-30",
        "cooperation_weight": "0.55",
        "quorum": 4,
        "awards_planned": 18,
        "significance_multipliers": {"routine": "1.00", "notable": "2.00", "major": "3.50"},
        "event_types": {
            "controlled_delivery": {"points": "10.00", "cap": "30.00"},
            "intelligence_tip": {"points": "5.00", "cap": "20.00"},
            "detection_assistance": {"points": "5.00", "cap": "20.00"},
            "facilitation": {"points": "3.00", "cap": "12.00"},
            "data_sharing": {"points": "4.00", "cap": "16.00"},
            "security_practice": {"points": "2.00", "cap": "6.00"},
            "training": {"points": "1.25", "cap": "4.00"},
        },
        "panel_criteria": [
            {
                "name_en": "Impact on enforcement",
                "name_zh": "Impact on enforcement",
                "weight": "2.00",
            },
            {"name_en": "Commitment", "name_zh": "Commitment", "weight": "1.50"},
        ],
        "status": "finalised",
        "finalised_at": "2024-09-30T08:15:00+00:00",
    }
    assert out.endswith("}\n") and err == ""


def test_a_cycle_not_finalised_exports_a_null_finalised_at():
    CycleFactory(year=2026)
    data = exported(2026)
    assert (data["status"], data["finalised_at"]) == ("draft", None)


def test_export_of_an_unknown_year_says_so_and_prints_nothing():
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("export_cycle", "2031", stdout=out)
    assert str(refused.value) == "There is no cycle for 2031."
    assert out.getvalue() == ""


@pytest.mark.django_db(transaction=True)
def test_manage_py_export_cycle_prints_only_the_json(secretariat, configured_cycle):
    """The real standard output of a real process: one JSON document, nothing else."""
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "export_cycle", "2024"],
        cwd=Path(django_settings.BASE_DIR),
        env={**os.environ, "DEBUG": "true", "DATABASE_URL": url},
        capture_output=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout.decode("utf-8"))
    assert data["title_zh"] == "2024年卓越企業夥伴嘉許計劃"
    assert list(data) == KEYS


# import_cycle


def test_export_then_import_under_another_year_gives_the_same_settings(configured_cycle, tmp_path):
    original = exported(2024)
    out, err = import_file(tmp_path, original, "--year", "2031")
    assert out == "Cycle 2031 created as a draft: Elite Enterprise Partnership Award 2024.\n"
    assert err == ""
    copy = exported(2031)
    # A new cycle starts as a draft, whatever the file says.
    assert (copy.pop("status"), copy.pop("finalised_at")) == ("draft", None)
    assert copy.pop("year") == 2031
    for key in ("year", "status", "finalised_at"):
        del original[key]
    assert copy == original
    imported = Cycle.objects.get(year=2031)
    assert imported.finalised_by is None
    [entry] = AuditEntry.objects.for_object(imported)
    assert (entry.action, entry.actor, entry.note) == ("awards.cycle.created", None, "import_cycle")


def test_import_under_the_files_own_year(configured_cycle, tmp_path):
    data = exported(2024)
    data["year"] = 2025
    import_file(tmp_path, data)
    assert Cycle.objects.get(year=2025).status == "draft"


def test_import_accepts_decimals_written_as_numbers(configured_cycle, tmp_path):
    data = exported(2024)
    data["cooperation_weight"] = 0.6
    data["event_types"]["training"]["cap"] = 5
    import_file(tmp_path, data, "--year", "2031")
    imported = Cycle.objects.get(year=2031)
    assert imported.cooperation_weight == D("0.60")
    assert imported.event_rules.get(event_type="training").cap == D("5.00")


def _set(path, value):
    """A change to a settings file: set the value at `path`."""

    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        data[last] = value

    return change


def _delete(*path):
    def change(data):
        *parents, last = path
        for key in parents:
            data = data[key]
        del data[last]

    return change


BAD_FILES = [
    pytest.param(_delete("quorum"), ["quorum: missing."], id="missing-key"),
    pytest.param(_set(["colour"], "blue"), ["colour: unknown key."], id="unknown-key"),
    pytest.param(_set(["year"], "2025"), ["year: must be a whole number."], id="year-as-text"),
    pytest.param(
        _set(["year"], 1999),
        ["year: Ensure this value is greater than or equal to 2000."],
        id="year-too-early",
    ),
    pytest.param(
        _set(["year"], 2024), ["year: a cycle for 2024 exists already."], id="year-exists"
    ),
    pytest.param(_set(["title_en"], " "), ["title_en: must be a non-empty text."], id="no-title"),
    pytest.param(
        _set(["title_zh"], "長" * 101),
        ["title_zh: Ensure this value has at most 100 characters (it has 101)."],
        id="title-too-long",
    ),
    pytest.param(
        _set(["window_start"], "2024-13-01"),
        ["window_start: “2024-13-01” is not a date (YYYY-MM-DD)."],
        id="bad-date",
    ),
    pytest.param(
        _set(["window_end"], "30/06/2025"),
        ["window_end: “30/06/2025” is not a date (YYYY-MM-DD)."],
        id="date-not-iso",
    ),
    pytest.param(
        _set(["window_end"], "2023-06-30"),
        ["window_end: The assessment window cannot end before it starts."],
        id="window-out-of-order",
    ),
    pytest.param(
        _set(["cooperation_weight"], "1.5"),
        ["cooperation_weight: must be between 0 and 1."],
        id="alpha-above-1",
    ),
    pytest.param(
        _set(["cooperation_weight"], "-0.1"),
        ["cooperation_weight: must be between 0 and 1."],
        id="alpha-below-0",
    ),
    pytest.param(
        _set(["cooperation_weight"], "0.605"),
        ["cooperation_weight: Ensure that there are no more than 2 decimal places."],
        id="alpha-too-precise",
    ),
    pytest.param(
        _set(["cooperation_weight"], "sixty"),
        ["cooperation_weight: “sixty” is not a decimal number."],
        id="alpha-not-a-number",
    ),
    pytest.param(
        _set(["quorum"], 0),
        ["quorum: Ensure this value is greater than or equal to 1."],
        id="quorum-0",
    ),
    pytest.param(
        _set(["awards_planned"], 0), ["awards_planned: Plan at least one award."], id="no-awards"
    ),
    pytest.param(
        _set(["significance_multipliers", "major"], "0"),
        ["significance_multipliers.major: must be greater than 0."],
        id="multiplier-0",
    ),
    pytest.param(
        _delete("significance_multipliers", "notable"),
        ["significance_multipliers.notable: missing."],
        id="multiplier-missing",
    ),
    pytest.param(
        _set(["significance_multipliers"], [1, 2, 3]),
        ["significance_multipliers: must be an object."],
        id="multipliers-not-an-object",
    ),
    pytest.param(
        _set(["event_types", "smuggling"], {"points": "1", "cap": "1"}),
        ["event_types.smuggling: unknown event type."],
        id="unknown-event-type",
    ),
    pytest.param(
        _delete("event_types", "training"),
        ["event_types.training: missing."],
        id="event-type-missing",
    ),
    pytest.param(
        _set(["event_types", "training", "cap"], "0"),
        ["event_types.training.cap: must be greater than 0."],
        id="cap-0",
    ),
    pytest.param(
        _set(["event_types", "facilitation", "points"], "-3"),
        ["event_types.facilitation.points: must be greater than 0."],
        id="points-negative",
    ),
    pytest.param(
        _set(["event_types", "training", "bonus"], "1"),
        ["event_types.training.bonus: unknown key."],
        id="rule-unknown-key",
    ),
    pytest.param(
        _set(["panel_criteria"], []),
        ["panel_criteria: must be a list of at least one criterion."],
        id="no-criterion",
    ),
    pytest.param(
        _set(["panel_criteria", 1, "weight"], "0"),
        ["panel_criteria[2].weight: must be greater than 0."],
        id="weight-0",
    ),
    pytest.param(
        _delete("panel_criteria", 0, "name_zh"),
        ["panel_criteria[1].name_zh: missing."],
        id="criterion-name-missing",
    ),
    pytest.param(
        _set(["panel_criteria", 0, "description_en"], "Seizures"),
        ["panel_criteria[1].description_en: unknown key."],
        id="criterion-unknown-key",
    ),
    pytest.param(
        _set(["status"], "archived"),
        ["status: must be one of draft, nominations, review, finalised, published."],
        id="unknown-status",
    ),
    pytest.param(
        _set(["finalised_at"], "yesterday"),
        ["finalised_at: must be null or a date and time in ISO 8601."],
        id="bad-finalised-at",
    ),
]


@pytest.mark.parametrize(("change", "problems"), BAD_FILES)
def test_import_names_each_bad_key_and_creates_nothing(
    configured_cycle, tmp_path, change, problems
):
    data = exported(2024)
    data["year"] = 2031  # a free year, unless the case changes it
    change(data)
    _assert_refused(tmp_path, data, problems)


def _assert_refused(tmp_path, data, problems):
    before = (Cycle.objects.count(), EventTypeRule.objects.count(), PanelCriterion.objects.count())
    path = tmp_path / "cycle.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("import_cycle", str(path), stdout=out, stderr=err)
    count = len(problems)
    assert str(refused.value) == (
        f"{path}: {count} problem{'s' if count != 1 else ''}; no cycle was created."
    )
    assert err.getvalue().splitlines() == problems
    assert out.getvalue() == ""
    after = (Cycle.objects.count(), EventTypeRule.objects.count(), PanelCriterion.objects.count())
    assert after == before


def test_import_lists_every_problem_at_once(configured_cycle, tmp_path):
    data = exported(2024)
    data["cooperation_weight"] = "2"
    data["event_types"]["training"]["cap"] = "0"
    data["panel_criteria"] = []
    del data["quorum"]
    data["extra"] = 1
    _assert_refused(
        tmp_path,
        data,
        [
            "extra: unknown key.",
            "quorum: missing.",
            "cooperation_weight: must be between 0 and 1.",
            "event_types.training.cap: must be greater than 0.",
            "panel_criteria: must be a list of at least one criterion.",
            "year: a cycle for 2024 exists already.",
        ],
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (
            "{not json",
            "The file is not JSON: Expecting property name enclosed in double quotes: "
            "line 1 column 2 (char 1).",
        ),
        ("[1, 2]", "the file: must be an object."),
    ],
)
def test_import_refuses_a_file_that_is_not_a_settings_object(tmp_path, content, problem):
    path = tmp_path / "cycle.json"
    path.write_text(content, encoding="utf-8")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_cycle", str(path), stderr=err)
    assert err.getvalue().splitlines() == [problem]
    assert not Cycle.objects.exists()


def test_import_says_when_the_file_cannot_be_read(tmp_path):
    with pytest.raises(CommandError) as refused:
        call_command("import_cycle", str(tmp_path / "missing.json"))
    assert str(refused.value).startswith(f"Cannot read {tmp_path / 'missing.json'}:")


def test_import_reads_standard_input(configured_cycle, monkeypatch):
    data = exported(2024)
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(data)))
    call_command("import_cycle", "-", "--year", "2030", stdout=io.StringIO())
    assert Cycle.objects.get(year=2030).quorum == 4


def test_the_help_says_the_new_cycle_starts_as_a_draft():
    from awards.management.commands.import_cycle import Command

    assert "always starts as a draft" in Command.help
    assert "status and finalised_at must be valid but are ignored" in Command.help
