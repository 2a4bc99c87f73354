"""The ceremony list: the default order, moves (also two at once), reset, the representatives'
details, the audit trail, the page, and the exports (run sheet PDF, CSV, XLSX, command)."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from awards.models import CeremonyEntry, Cycle
from awards.run_sheet import ceremony_export
from awards.services.ceremony import (
    ceremony_entries,
    ceremony_entry_move,
    ceremony_entry_update,
    ceremony_list_discard,
    ceremony_list_fill,
    ceremony_list_reset,
)
from portal.models import AuditEntry
from tests.awards.ceremony_data import (
    DEFAULT_ORDER,
    add_awardee,
    awardees,
    finalised_cycle,
)
from tests.awards.factories import CycleFactory
from tests.concurrency import run_at_once

pytestmark = pytest.mark.django_db

STONECUTTERS = "Stonecutters Gateway Terminals Limited"
APEX = "Apex Cargo Terminals Limited"
KWAI_CHUNG = "Kwai Chung Container Terminals Limited"
HARBOUR = "Harbour Melody Shipping Limited"
LION_ROCK = "Lion Rock Express Limited"
BRAND = "Brand Guardians Association"


@pytest.fixture
def ceremony_cycle():
    return finalised_cycle()


@pytest.fixture
def results(ceremony_cycle, secretariat):
    return awardees(ceremony_cycle, secretariat)


def order(cycle) -> list[str]:
    return [e.result.nomination.enterprise.name_en for e in ceremony_entries(cycle)]


def saved_order(cycle) -> list[tuple[int, str]]:
    return list(
        CeremonyEntry.objects.filter(result__nomination__cycle=cycle)
        .order_by("position")
        .values_list("position", "result__nomination__enterprise__name_en")
    )


def numbered(names) -> list[tuple[int, str]]:
    return list(enumerate(names, start=1))


def actions(action) -> list[tuple[str, dict, str]]:
    """(object, changes, the note as an English reader reads it) of each entry of `action`."""
    with translation.override("en"):
        return [
            (entry.object_repr, entry.changes, str(entry.note_for_display))
            for entry in AuditEntry.objects.filter(action=action).order_by("pk")
        ]


# The default order


@pytest.mark.smoke
def test_the_list_shows_the_awardees_in_the_default_order_before_anything_is_saved(
    ceremony_cycle, results
):
    entries = ceremony_entries(ceremony_cycle)

    assert [e.result.nomination.enterprise.name_en for e in entries] == DEFAULT_ORDER
    assert [e.position for e in entries] == [1, 2, 3, 4, 5, 6]
    assert [e.pk for e in entries] == [None] * 6
    assert not CeremonyEntry.objects.exists()


def test_a_cycle_not_finalised_has_no_list(secretariat):
    cycle = CycleFactory(year=2025, status=Cycle.Status.REVIEW)

    assert ceremony_entries(cycle) == []
    with pytest.raises(ValidationError) as refused:
        ceremony_list_fill(cycle=cycle, user=secretariat)
    assert refused.value.messages == [
        "The ceremony list is drawn up once the cycle is finalised; Elite Enterprise "
        "Partnership Award 2025 is still in panel review."
    ]


def test_filling_saves_the_default_order_and_records_each_awardee(
    ceremony_cycle, results, secretariat
):
    assert ceremony_list_fill(cycle=ceremony_cycle, user=secretariat) == 6

    assert saved_order(ceremony_cycle) == numbered(DEFAULT_ORDER)
    assert [repr_ for repr_, _, _ in actions("awards.ceremony.entry_added")] == [
        f"{n}. {results[name].nomination.enterprise}" for n, name in numbered(DEFAULT_ORDER)
    ]
    # A second fill finds nothing to add.
    assert ceremony_list_fill(cycle=ceremony_cycle, user=secretariat) == 0
    assert AuditEntry.objects.filter(action="awards.ceremony.entry_added").count() == 6


def test_a_published_cycle_has_its_list_too(secretariat):
    cycle = finalised_cycle(status=Cycle.Status.PUBLISHED)
    awardees(cycle, secretariat, count=2)

    assert ceremony_list_fill(cycle=cycle, user=secretariat) == 2


def test_an_awardee_appearing_later_goes_to_the_end_and_the_arranged_order_stays(
    ceremony_cycle, results, secretariat
):
    ceremony_entry_move(result=results[BRAND], user=secretariat, direction="up")
    arranged = [STONECUTTERS, APEX, KWAI_CHUNG, HARBOUR, BRAND, LION_ROCK]
    # As after a reopening: a cargo terminal, which by default would come first.
    late = add_awardee(
        ceremony_cycle, secretariat, "Aardvark Terminals Limited", "穿山甲碼頭", "cargo_terminal", 9
    )

    entries = ceremony_entries(ceremony_cycle)
    assert order(ceremony_cycle) == [*arranged, "Aardvark Terminals Limited"]
    assert (entries[-1].pk, entries[-1].position) == (None, 7)

    assert ceremony_list_fill(cycle=ceremony_cycle, user=secretariat) == 1
    assert saved_order(ceremony_cycle) == numbered([*arranged, "Aardvark Terminals Limited"])
    assert CeremonyEntry.objects.get(result=late).position == 7


# Moving


@pytest.mark.smoke
def test_moving_up_and_down_swaps_with_the_neighbour_and_is_audited(
    ceremony_cycle, results, secretariat
):
    moved = ceremony_entry_move(result=results[HARBOUR], user=secretariat, direction="up")

    assert moved.position == 3
    assert saved_order(ceremony_cycle) == numbered(
        [STONECUTTERS, APEX, HARBOUR, KWAI_CHUNG, LION_ROCK, BRAND]
    )
    assert actions("awards.ceremony.moved") == [
        (
            f"3. {results[HARBOUR].nomination.enterprise}",
            {"position": ["4", "3"]},
            f"Swapped with {KWAI_CHUNG}",
        )
    ]

    ceremony_entry_move(result=results[STONECUTTERS], user=secretariat, direction="down")

    assert saved_order(ceremony_cycle) == numbered(
        [APEX, STONECUTTERS, HARBOUR, KWAI_CHUNG, LION_ROCK, BRAND]
    )
    # The first move saved the list (six entries added); the second added nothing.
    assert AuditEntry.objects.filter(action="awards.ceremony.entry_added").count() == 6
    assert AuditEntry.objects.filter(action="awards.ceremony.moved").count() == 2


def test_the_first_cannot_move_up_nor_the_last_down(ceremony_cycle, results, secretariat):
    with pytest.raises(ValidationError) as first:
        ceremony_entry_move(result=results[STONECUTTERS], user=secretariat, direction="up")
    with pytest.raises(ValidationError) as last:
        ceremony_entry_move(result=results[BRAND], user=secretariat, direction="down")
    with pytest.raises(ValidationError) as sideways:
        ceremony_entry_move(result=results[APEX], user=secretariat, direction="left")

    assert first.value.messages == [f"{STONECUTTERS} is already first."]
    assert last.value.messages == [f"{BRAND} is already last."]
    assert sideways.value.messages == ["Move up or down."]
    assert not AuditEntry.objects.filter(action="awards.ceremony.moved").exists()


def test_a_nominee_not_awarded_cannot_be_moved(ceremony_cycle, results, secretariat):
    not_awarded = ceremony_cycle.nominations.get(
        enterprise__name_en="Also Ran Forwarding Limited"
    ).result

    with pytest.raises(ValidationError) as refused:
        ceremony_entry_move(result=not_awarded, user=secretariat, direction="up")

    assert refused.value.messages == [
        "Also Ran Forwarding Limited is not an awardee of this cycle."
    ]
    assert not CeremonyEntry.objects.filter(result=not_awarded).exists()


@pytest.mark.django_db(transaction=True)
def test_two_moves_at_once_neither_duplicate_nor_lose_a_position(secretariat, secretariat2):
    cycle = finalised_cycle()
    results = awardees(cycle, secretariat)

    # Both click "up" on the same awardee while the list is not even saved yet: one goes
    # first (saving the list), the other waits for the cycle's lock, then moves it again.
    outcomes = run_at_once(
        lambda: ceremony_entry_move(result=results[LION_ROCK], user=secretariat, direction="up"),
        lambda: ceremony_entry_move(result=results[LION_ROCK], user=secretariat2, direction="up"),
    )

    assert outcomes == ["ok", "ok"]
    assert saved_order(cycle) == numbered(
        [STONECUTTERS, APEX, LION_ROCK, KWAI_CHUNG, HARBOUR, BRAND]
    )
    assert AuditEntry.objects.filter(action="awards.ceremony.entry_added").count() == 6

    # Neighbours moving towards each other: still one awardee per position.
    outcomes = run_at_once(
        lambda: ceremony_entry_move(result=results[APEX], user=secretariat, direction="down"),
        lambda: ceremony_entry_move(result=results[LION_ROCK], user=secretariat2, direction="up"),
    )

    assert outcomes == ["ok", "ok"]
    positions = [position for position, _ in saved_order(cycle)]
    assert positions == [1, 2, 3, 4, 5, 6]
    assert sorted(name for _, name in saved_order(cycle)) == sorted(DEFAULT_ORDER)
    assert AuditEntry.objects.filter(action="awards.ceremony.moved").count() == 4


# Reset


def test_reset_puts_the_default_order_back(ceremony_cycle, results, secretariat):
    ceremony_entry_move(result=results[BRAND], user=secretariat, direction="up")
    ceremony_entry_move(result=results[BRAND], user=secretariat, direction="up")

    assert ceremony_list_reset(cycle=ceremony_cycle, user=secretariat) == 3

    assert saved_order(ceremony_cycle) == numbered(DEFAULT_ORDER)
    assert actions("awards.ceremony.reset") == [
        ("Elite Enterprise Partnership Award 2024", {}, "3 awardees changed place")
    ]
    # Already in the default order: nothing changes, nothing is recorded.
    assert ceremony_list_reset(cycle=ceremony_cycle, user=secretariat) == 0
    assert AuditEntry.objects.filter(action="awards.ceremony.reset").count() == 1


# The representatives' details


@pytest.mark.smoke
def test_the_representatives_details_are_saved_and_audited(ceremony_cycle, results, secretariat):
    entry = ceremony_entry_update(
        result=results[HARBOUR],
        user=secretariat,
        representative_name="  Ms Chan Wing-yan ",
        representative_title="Director of Operations",
        pronunciation_note="Wing-yan: 'wing-yun'",
        table_number=4,
    )

    entry.refresh_from_db()
    assert (
        entry.position,
        entry.representative_name,
        entry.representative_title,
        entry.pronunciation_note,
        entry.table_number,
    ) == (4, "Ms Chan Wing-yan", "Director of Operations", "Wing-yan: 'wing-yun'", 4)
    assert actions("awards.ceremony.entry_updated") == [
        (
            f"4. {results[HARBOUR].nomination.enterprise}",
            {
                "representative_name": ["", "Ms Chan Wing-yan"],
                "representative_title": ["", "Director of Operations"],
                "pronunciation_note": ["", "Wing-yan: 'wing-yun'"],
                "table_number": ["", "4"],
            },
            "",
        )
    ]

    # The same again changes nothing and records nothing.
    ceremony_entry_update(
        result=results[HARBOUR],
        user=secretariat,
        representative_name="Ms Chan Wing-yan",
        representative_title="Director of Operations",
        pronunciation_note="Wing-yan: 'wing-yun'",
        table_number=4,
    )
    assert AuditEntry.objects.filter(action="awards.ceremony.entry_updated").count() == 1


@pytest.mark.parametrize(
    ("details", "errors"),
    [
        ({"table_number": 0}, {"table_number": ["A table number is from 1 to 999."]}),
        ({"table_number": 1000}, {"table_number": ["A table number is from 1 to 999."]}),
        (
            {"representative_name": "N" * 121, "pronunciation_note": "p" * 201},
            {
                "representative_name": ["At most 120 characters (it has 121)."],
                "pronunciation_note": ["At most 200 characters (it has 201)."],
            },
        ),
    ],
)
def test_details_out_of_bounds_are_refused_and_nothing_is_saved(
    ceremony_cycle, results, secretariat, details, errors
):
    with pytest.raises(ValidationError) as refused:
        ceremony_entry_update(result=results[APEX], user=secretariat, **details)

    assert refused.value.message_dict == errors
    assert not CeremonyEntry.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="awards.ceremony.").exists()


@pytest.mark.parametrize("role", ["officer", "verifier", "panel_member", "partner_user"])
def test_only_the_secretariat_changes_the_list(request, ceremony_cycle, results, role):
    user = request.getfixturevalue(role)
    attempts = [
        lambda: ceremony_list_fill(cycle=ceremony_cycle, user=user),
        lambda: ceremony_list_reset(cycle=ceremony_cycle, user=user),
        lambda: ceremony_entry_move(result=results[APEX], user=user, direction="up"),
        lambda: ceremony_entry_update(result=results[APEX], user=user, table_number=1),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDenied) as refused:
            attempt()
        assert str(refused.value) == "Only the secretariat arranges the ceremony list."
    assert not CeremonyEntry.objects.exists()


def test_a_reopening_discards_the_list_and_gets_it_as_text(ceremony_cycle, results, secretariat):
    ceremony_entry_update(
        result=results[STONECUTTERS],
        user=secretariat,
        representative_name="Mr Lee Siu-fung",
        representative_title="Managing Director",
        table_number=1,
    )

    text = ceremony_list_discard(ceremony_cycle)

    assert text.split("; ")[:2] == [
        f"1. {STONECUTTERS} · Mr Lee Siu-fung · Managing Director · 1",
        f"2. {APEX}",
    ]
    assert not CeremonyEntry.objects.exists()


# The page


def list_url(cycle) -> str:
    return reverse("awards:ceremony-list", args=[cycle.year])


def test_the_page_lists_the_awardees_with_labelled_buttons(
    client, ceremony_cycle, results, secretariat
):
    client.force_login(secretariat)

    response = client.get(list_url(ceremony_cycle))

    assert [e.result.nomination.enterprise.name_en for e in response.context["entries"]] == (
        DEFAULT_ORDER
    )
    move = reverse("awards:ceremony-move", args=[ceremony_cycle.year, results[STONECUTTERS].pk])
    assert f'action="{move}"' in response.text
    assert f'aria-label="Move {STONECUTTERS} up" disabled>' in response.text
    assert f'aria-label="Move {STONECUTTERS} down">' in response.text
    assert f'aria-label="Move {BRAND} down" disabled>' in response.text
    assert f'aria-label="Edit the details of {APEX}"' in response.text
    assert "This is the default order: nothing has been saved yet." in response.text
    assert "?format=pdf" in response.text


def test_moving_on_the_page_comes_back_to_the_row_with_a_message(
    client, ceremony_cycle, results, secretariat
):
    client.force_login(secretariat)
    url = reverse("awards:ceremony-move", args=[ceremony_cycle.year, results[HARBOUR].pk])

    response = client.post(url, {"direction": "up"}, follow=True)

    assert response.redirect_chain == [
        (f"{list_url(ceremony_cycle)}#entry-{results[HARBOUR].pk}", 302)
    ]
    assert [str(m) for m in response.context["messages"]] == [f"{HARBOUR} is now number 3."]
    assert order(ceremony_cycle)[2] == HARBOUR

    response = client.post(
        reverse("awards:ceremony-move", args=[ceremony_cycle.year, results[STONECUTTERS].pk]),
        {"direction": "up"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == [f"{STONECUTTERS} is already first."]


def test_reset_on_the_page(client, ceremony_cycle, results, secretariat):
    ceremony_entry_move(result=results[BRAND], user=secretariat, direction="up")
    client.force_login(secretariat)

    response = client.post(
        reverse("awards:ceremony-reset", args=[ceremony_cycle.year]),
        {"confirmed": "1"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "The list is back in the default order: 2 awardees changed place."
    ]
    assert order(ceremony_cycle) == DEFAULT_ORDER


def test_the_edit_form_saves_and_shows_the_errors(client, ceremony_cycle, results, secretariat):
    client.force_login(secretariat)
    url = reverse("awards:ceremony-entry-update", args=[ceremony_cycle.year, results[APEX].pk])

    response = client.post(url, {"representative_name": "Ms Ho Suet-man", "table_number": "1000"})

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "table_number": ["Ensure this value is less than or equal to 999."]
    }
    assert not CeremonyEntry.objects.exists()

    response = client.post(
        url,
        {
            "representative_name": "Ms Ho Suet-man",
            "representative_title": "Head of Security",
            "pronunciation_note": "",
            "table_number": "2",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"{list_url(ceremony_cycle)}#entry-{results[APEX].pk}"
    entry = CeremonyEntry.objects.get(result=results[APEX])
    assert (entry.representative_name, entry.representative_title, entry.table_number) == (
        "Ms Ho Suet-man",
        "Head of Security",
        2,
    )
    page = client.get(url)
    assert "Ceremony details changed" in page.text  # the entry's audit trail


def test_a_cycle_not_finalised_shows_why_there_is_no_list(client, secretariat):
    cycle = CycleFactory(year=2025, status=Cycle.Status.REVIEW)
    client.force_login(secretariat)

    response = client.get(list_url(cycle))

    assert response.context["entries"] == []
    assert (
        "The ceremony list is drawn up once the cycle is finalised, when its awardees are known. "
        "This cycle is in the “panel review” stage."
    ) in response.text
    assert 'id="ceremony-list"' not in response.text


def test_the_cycle_page_links_to_the_list_once_finalised(client, ceremony_cycle, secretariat):
    open_cycle = CycleFactory(year=2025, status=Cycle.Status.REVIEW)
    client.force_login(secretariat)

    assert (
        f'href="{list_url(ceremony_cycle)}"' in client.get(ceremony_cycle.get_absolute_url()).text
    )
    assert f'href="{list_url(open_cycle)}"' not in client.get(open_cycle.get_absolute_url()).text


@pytest.mark.parametrize("count", [1, 3])
@pytest.mark.parametrize("saved", [False, True])
def test_the_page_takes_a_fixed_number_of_queries(
    client, ceremony_cycle, secretariat, count, saved, django_assert_num_queries
):
    awardees(ceremony_cycle, secretariat, count=count)
    if saved:
        ceremony_list_fill(cycle=ceremony_cycle, user=secretariat)
    client.force_login(secretariat)

    # Session, user, roles, cycle, the awardees with their entries and enterprises.
    with django_assert_num_queries(5):
        response = client.get(list_url(ceremony_cycle))

    assert len(response.context["entries"]) == count


# The exports


@pytest.fixture
def arranged(ceremony_cycle, results, secretariat):
    """Harbour Melody moved up to 3, with its representative; a name that looks like a
    formula; Brand Guardians' table."""
    ceremony_entry_move(result=results[HARBOUR], user=secretariat, direction="up")
    ceremony_entry_update(
        result=results[HARBOUR],
        user=secretariat,
        representative_name="Ms Chan Wing-yan",
        representative_title="Director of Operations",
        pronunciation_note="Wing-yan: 'wing-yun'",
        table_number=4,
    )
    ceremony_entry_update(
        result=results[BRAND],
        user=secretariat,
        representative_name='=HYPERLINK("http://evil.example")',
        table_number=12,
    )
    return ceremony_cycle


HEADER = [
    "Presentation order",
    "BR number",
    "Enterprise (English)",
    "Enterprise (Chinese)",
    "Sector",
    "Consecutive years awarded",
    "Representative",
    "Representative's title",
    "Pronunciation note",
    "Table",
]


def parse_csv(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_the_csv_has_the_running_order_and_neutralises_formulas(arranged, results):
    rows = parse_csv(ceremony_export(arranged, "csv"))

    assert rows[0] == HEADER
    assert [row[2] for row in rows[1:]] == [
        STONECUTTERS,
        APEX,
        HARBOUR,
        KWAI_CHUNG,
        LION_ROCK,
        BRAND,
    ]
    harbour = results[HARBOUR].nomination.enterprise
    assert rows[3] == [
        "3",
        harbour.br_number,
        HARBOUR,
        "海韻航運有限公司",
        "Shipping line",
        "2",
        "Ms Chan Wing-yan",
        "Director of Operations",
        "Wing-yan: 'wing-yun'",
        "4",
    ]
    assert rows[6][6] == '\'=HYPERLINK("http://evil.example")'
    assert rows[1][6:] == ["", "", "", ""]


def test_the_xlsx_has_the_same_rows_as_text_and_numbers(arranged):
    sheet = load_workbook(io.BytesIO(ceremony_export(arranged, "xlsx")), read_only=True).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]

    assert rows[0] == HEADER
    assert rows[3][:3] == [3, rows[3][1], HARBOUR]
    assert rows[3][5:] == [
        2,
        "Ms Chan Wing-yan",
        "Director of Operations",
        "Wing-yan: 'wing-yun'",
        4,
    ]
    # Neutralised as in the CSV: never run as a formula.
    assert rows[6][6] == '\'=HYPERLINK("http://evil.example")'
    assert rows[6][9] == 12


def test_the_headers_follow_the_language(arranged, compiled_catalogue):
    from django.utils import translation

    with translation.override("zh-hant"):
        rows = parse_csv(ceremony_export(arranged, "csv"))

    assert (rows[0][1], rows[0][4]) == ("商業登記號碼", "行業")
    assert rows[1][4] == "貨櫃碼頭營運商"  # Stonecutters' sector


def pdf_text(pdf: bytes) -> tuple[PdfReader, str]:
    """The reader, and the text of every page with runs of white space as one space (long
    names wrap)."""
    reader = PdfReader(io.BytesIO(pdf))
    return reader, " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_the_run_sheet_is_bilingual_a4_portrait_in_the_running_order(arranged):
    reader, text = pdf_text(ceremony_export(arranged, "pdf"))

    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    assert "Elite Enterprise Partnership Award 2024" in text
    assert "2024年卓越企業夥伴嘉許計劃" in text
    assert "24 October 2024" in text
    assert "2024年10月24日" in text
    for name in (HARBOUR, "海韻航運有限公司", "Ms Chan Wing-yan", "Director of Operations"):
        assert name in text
    assert "Wing-yan:'wing-yun'" in text.replace(" ", "")  # it may wrap at the hyphen
    assert "2 consecutive years" in text and "連續2年" in text
    assert "5 consecutive years" in text and "連續5年" in text
    assert "1 consecutive years" not in text  # a first award is not announced as a streak
    assert "Shipping line" in text
    # The running order: Harbour Melody third, after the two terminals.
    assert text.index(APEX) < text.index(HARBOUR) < text.index(KWAI_CHUNG)


def test_many_awardees_run_over_pages_with_the_header_repeated(secretariat):
    cycle = finalised_cycle()
    for n in range(30):
        add_awardee(
            cycle, secretariat, f"Awardee {n:02d} Limited", f"得獎{n:02d}有限公司", "air_cargo", 1
        )

    reader, _ = pdf_text(ceremony_export(cycle, "pdf"))

    assert len(reader.pages) >= 2
    for page in reader.pages:
        assert "領獎代表" in page.extract_text()
    assert "Page 1 of" in reader.pages[0].extract_text()


def test_the_download_gives_each_format_with_its_file_name(client, arranged, secretariat):
    client.force_login(secretariat)
    url = reverse("awards:ceremony-download", args=[arranged.year])

    for query, content_type, filename in [
        ("", "text/csv; charset=utf-8", "ceremony-2024.csv"),
        (
            "?format=xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "ceremony-2024.xlsx",
        ),
        ("?format=pdf", "application/pdf", "run-sheet-2024.pdf"),
        ("?format=exe", "text/csv; charset=utf-8", "ceremony-2024.csv"),
    ]:
        response = client.get(url + query)
        assert response["Content-Type"] == content_type
        assert response["Content-Disposition"] == f'attachment; filename="{filename}"'
    assert response.content.startswith(b"\xef\xbb\xbf")


# The command


def test_the_command_writes_csv_to_standard_output_and_nothing_else(arranged, capsysbinary):
    call_command("export_ceremony", "--cycle", "2024")

    captured = capsysbinary.readouterr()
    assert parse_csv(captured.out) == parse_csv(ceremony_export(arranged, "csv"))
    assert captured.err == b"6 awardees of 2024 exported as csv.\n"


def test_the_command_writes_the_run_sheet_to_a_file(arranged, tmp_path, capsysbinary):
    target = tmp_path / "run-sheet.pdf"

    call_command("export_ceremony", "--cycle", "2024", "--format", "pdf", "--output", str(target))

    _, text = pdf_text(target.read_bytes())
    assert "Ms Chan Wing-yan" in text and "海韻航運有限公司" in text
    assert capsysbinary.readouterr().out == b""


def test_the_command_refuses_an_unknown_year_and_an_open_cycle(capsysbinary):
    CycleFactory(year=2025, status=Cycle.Status.REVIEW)

    with pytest.raises(CommandError) as unknown:
        call_command("export_ceremony", "--cycle", "2031")
    with pytest.raises(CommandError) as open_cycle:
        call_command("export_ceremony", "--cycle", "2025")

    assert str(unknown.value) == "There is no cycle 2031."
    assert str(open_cycle.value) == (
        "The 2025 cycle is still in panel review: its ceremony list is drawn up once it is "
        "finalised."
    )
    assert capsysbinary.readouterr().out == b""


def _manage(*args) -> subprocess.CompletedProcess:
    database = connection.settings_dict
    url = (
        f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:"
        f"{database['PORT'] or 5432}/{database['NAME']}"
    )
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=Path(django_settings.BASE_DIR),
        env={**os.environ, "DEBUG": "true", "DATABASE_URL": url},
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.mark.django_db(transaction=True)
def test_manage_py_export_ceremony_prints_only_the_file(secretariat):
    """The real standard output of a real process: the CSV, then the PDF, and nothing else."""
    cycle = finalised_cycle()
    results = awardees(cycle, secretariat, count=2)
    ceremony_entry_update(
        result=results[KWAI_CHUNG], user=secretariat, representative_name="Mr Kwok Chi-wai"
    )

    result = _manage("export_ceremony", "--cycle", "2024")

    assert result.returncode == 0, result.stderr.decode()
    rows = parse_csv(result.stdout)
    assert [row[2] for row in rows[1:]] == [KWAI_CHUNG, LION_ROCK]
    assert rows[1][6] == "Mr Kwok Chi-wai"
    assert result.stderr.decode().strip() == "2 awardees of 2024 exported as csv."

    result = _manage("export_ceremony", "--cycle", "2024", "--format", "pdf")

    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.startswith(b"%PDF-")
    _, text = pdf_text(result.stdout)
    assert "Mr Kwok Chi-wai" in text and "葵涌貨櫃碼頭有限公司" in text

    result = _manage("export_ceremony", "--cycle", "2031")
    assert result.returncode == 1
    assert result.stdout == b""
    assert b"There is no cycle 2031." in result.stderr


def test_the_secretariat_sets_the_ceremony_date_after_finalisation(client, secretariat):
    cycle = CycleFactory(year=2030, status=Cycle.Status.FINALISED, ceremony_date=None)
    client.force_login(secretariat)
    url = reverse("awards:ceremony-date", args=[2030])

    response = client.post(url, {"ceremony_date": "not a date"}, follow=True)
    assert "Give the date of the ceremony as a date" in response.text
    response = client.post(url, {"ceremony_date": "2030-10-24"}, follow=True)
    assert "The date of the ceremony is saved." in response.text
    assert 'value="2030-10-24"' in response.text
    cycle.refresh_from_db()
    assert cycle.ceremony_date.isoformat() == "2030-10-24"
    entry = AuditEntry.objects.get(action="awards.cycle.ceremony_date_set")
    assert entry.changes["ceremony_date"] == ["", "2030-10-24"]
