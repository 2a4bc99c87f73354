"""The ranking export: `export_ranking --cycle YEAR` and the download button, to the cent."""

import csv
import datetime
import io

import pytest
from django.conf import settings as django_settings
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from awards.exports import RANKING_COLUMNS
from awards.services.decisions import cycle_finalise, decisions_apply_suggestion
from tests.awards.factories import CycleFactory, NominationFactory, submitted_review
from tests.awards.ranking_world import simple_cycle, worked_example
from tests.factories import EnterpriseFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db

TYPES = [
    "controlled_delivery",
    "intelligence_tip",
    "detection_assistance",
    "facilitation",
    "data_sharing",
    "security_practice",
    "training",
]
HEADER = [
    "rank",
    "br_number",
    "enterprise_en",
    "enterprise_zh",
    "sector",
    *[f"points_{code}" for code in TYPES],
    "cooperation_score",
    "panel_score",
    "reviews",
    "final_score",
    "awarded",
    "streak",
]


# A download is headed in the language of the person who asked; the cells stay as above.
TYPE_LABELS = [
    "Controlled delivery",
    "Intelligence tip",
    "Detection assistance",
    "Facilitation and support",
    "Real-time data sharing",
    "Security practice",
    "Training programme",
]
HEADINGS = [
    "Rank",
    "BR number",
    "Enterprise (English)",
    "Enterprise (Chinese)",
    "Sector",
    *[f"{label}: category points" for label in TYPE_LABELS],
    "Cooperation score",
    "Panel score",
    "Reviews",
    "Final score",
    "Awarded",
    "Streak",
]


def _parse_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def _row(rank, br, delivery, training, coop, panel, reviews, final, awarded, streak):
    # The simple cycle has rules for two types only: the other points cells stay empty.
    return [
        rank,
        br,
        f"Enterprise {br} Limited",
        f"企業{br}有限公司",
        "cargo_terminal",
        delivery,
        "",
        "",
        "",
        "",
        "",
        training,
        coop,
        panel,
        reviews,
        final,
        awarded,
        streak,
    ]


@pytest.fixture
def decided_cycle(secretariat, cycle, nominees):
    """`cycle` with the worked example's nominees, the suggested decisions applied."""
    decisions_apply_suggestion(cycle=cycle, user=secretariat)
    return cycle


EXPECTED = [
    HEADER,
    _row("1", "10000002", "50.00", "0.00", "50.00", "55.00", "2", "52.00", "yes", "1"),
    _row("2", "10000001", "30.00", "10.00", "40.00", "70.00", "2", "52.00", "yes", "1"),
    _row("3", "10000003", "10.00", "0.00", "10.00", "93.33", "3", "43.33", "no", "0"),
    _row("", "10000004", "50.00", "5.00", "55.00", "70.00", "1", "61.00", "no", "0"),
]


def test_the_columns_are_those_of_the_issue():
    assert RANKING_COLUMNS == HEADER


@pytest.mark.smoke
def test_the_command_writes_csv_to_standard_output_and_nothing_else(decided_cycle, capsysbinary):
    call_command("export_ranking", "--cycle", "2024")

    captured = capsysbinary.readouterr()
    assert _parse_csv(captured.out) == EXPECTED
    assert captured.err == b"4 nominations of 2024 exported as csv (live ranking).\n"


def test_the_command_writes_xlsx_to_a_file(decided_cycle, tmp_path, capsysbinary):
    target = tmp_path / "ranking.xlsx"

    call_command("export_ranking", "--cycle", "2024", "--format", "xlsx", "--output", str(target))

    sheet = load_workbook(target, read_only=True).worksheets[0]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == HEADER
    # Numbers of places stay as written: scores are text with two decimals.
    assert rows[1] == [
        1,
        "10000002",
        "Enterprise 10000002 Limited",
        "企業10000002有限公司",
        "cargo_terminal",
        "50.00",
        None,
        None,
        None,
        None,
        None,
        "0.00",
        "50.00",
        "55.00",
        2,
        "52.00",
        "yes",
        1,
    ]
    assert rows[4][0] is None  # pending: no rank
    assert capsysbinary.readouterr().out == b""


def test_an_undecided_nominee_is_neither_yes_nor_no(secretariat, capsysbinary):
    worked_example(simple_cycle())

    call_command("export_ranking", "--cycle", "2024")

    rows = _parse_csv(capsysbinary.readouterr().out)
    assert [row[HEADER.index("awarded")] for row in rows[1:]] == ["", "", "", ""]


def test_a_finalised_cycle_exports_its_frozen_snapshot(
    decided_cycle, secretariat, officer, verifier, capsysbinary
):
    cycle_finalise(cycle=decided_cycle, user=secretariat)
    # Verified later, inside the window: live, C would gain 30 points.
    EventFactory(
        enterprise=decided_cycle.nominations.get(enterprise__br_number="10000003").enterprise,
        event_type="controlled_delivery",
        significance="major",
        occurred_on=datetime.date(2024, 12, 31),
        logged_by=officer,
        verified=True,
        verified_by=verifier,
    )

    call_command("export_ranking", "--cycle", "2024")

    captured = capsysbinary.readouterr()
    assert _parse_csv(captured.out) == EXPECTED
    assert captured.err == b"4 nominations of 2024 exported as csv (frozen snapshot).\n"


def test_the_worked_example_of_the_docs_to_the_cent(officer, verifier, capsysbinary):
    """docs/scoring.md: cooperation 36.11, panel 81.67, final 54.33."""
    cycle = CycleFactory(year=2024, quorum=2)
    terminal = EnterpriseFactory(
        br_number="61458302",
        name_en="Tsing Yi Terminal",
        name_zh="青衣碼頭",
        sector="cargo_terminal",
    )
    for event_type, significance, occurred_on in [
        ("controlled_delivery", "major", datetime.date(2024, 3, 14)),
        ("controlled_delivery", "notable", datetime.date(2024, 12, 31)),
        ("controlled_delivery", "major", datetime.date(2023, 12, 31)),
        ("training", "routine", datetime.date(2024, 1, 1)),
        ("data_sharing", "notable", datetime.date(2024, 5, 21)),
    ]:
        EventFactory(
            enterprise=terminal,
            event_type=event_type,
            significance=significance,
            occurred_on=occurred_on,
            logged_by=officer,
            verified=True,
            verified_by=verifier,
        )
    nomination = NominationFactory(cycle=cycle, enterprise=terminal)
    members = [UserFactory(username=f"panel{i}", roles=["Panel"]) for i in (1, 2, 3)]
    submitted_review(nomination, members[0], [8, 6])
    submitted_review(nomination, members[1], [9, 9])
    submitted_review(nomination, members[2], [2, 2], declaration="conflict")

    call_command("export_ranking", "--cycle", "2024")

    assert _parse_csv(capsysbinary.readouterr().out)[1] == [
        "1",
        "61458302",
        "Tsing Yi Terminal",
        "青衣碼頭",
        "cargo_terminal",
        "30.00",  # controlled delivery: 30 + 20, capped
        "0.00",
        "0.00",
        "0.00",
        "8.00",  # data sharing 4 × 2
        "0.00",
        "1.00",  # training, on the window's first day
        "36.11",
        "81.67",
        "2",
        "54.33",
        "",
        "0",
    ]


def test_an_unknown_cycle_is_an_error(capsysbinary):
    with pytest.raises(CommandError, match="There is no cycle 1999."):
        call_command("export_ranking", "--cycle", "1999")
    assert capsysbinary.readouterr().out == b""


def test_the_download_button_gives_the_same_rows_under_headings(client, secretariat, decided_cycle):
    client.force_login(secretariat)
    page = client.get(reverse("awards:ranking-detail", args=[2024]))
    url = reverse("awards:ranking-export", args=[2024])
    assert f"{url}?format=csv" in page.text and f"{url}?format=xlsx" in page.text

    response = client.get(url, {"format": "csv"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ranking-2024.csv"'
    assert _parse_csv(response.getvalue()) == [HEADINGS, *EXPECTED[1:]]
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx["Content-Disposition"] == 'attachment; filename="ranking-2024.xlsx"'
    assert load_workbook(io.BytesIO(xlsx.getvalue())).worksheets[0]["P2"].value == "52.00"


def test_a_download_is_headed_in_the_language_of_the_person_who_asked(
    client, compiled_catalogue, secretariat, decided_cycle
):
    client.force_login(secretariat)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    response = client.get(reverse("awards:ranking-export", args=[2024]), {"format": "xlsx"})
    header = [
        cell.value for cell in load_workbook(io.BytesIO(response.getvalue())).worksheets[0][1]
    ]
    with translation.override("zh-hant"):
        labels = [translation.gettext(label) for label in TYPE_LABELS]
        points = [translation.gettext("%(type)s: category points") % {"type": t} for t in labels]
        expected = [translation.gettext(heading) for heading in HEADINGS]
    assert header == expected[:5] + points + expected[5 + len(points) :]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_is_streamed(client, secretariat, decided_cycle, fmt):
    client.force_login(secretariat)
    response = client.get(reverse("awards:ranking-export", args=[2024]), {"format": fmt})
    assert response.streaming
    assert response.getvalue()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_download_neutralises_formulas_in_names(client, secretariat, decided_cycle, fmt):
    from partners.models import Enterprise

    Enterprise.objects.filter(br_number="10000002").update(
        name_en="=cmd|' /C calc'!A0", name_zh="+企業"
    )
    client.force_login(secretariat)

    response = client.get(reverse("awards:ranking-export", args=[2024]), {"format": fmt})

    content = response.getvalue()
    if fmt == "csv":
        rows = _parse_csv(content)
    else:
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[1][2:4] == ["'=cmd|' /C calc'!A0", "'+企業"]
