"""The ceremony list exported: the bilingual run sheet for the master of ceremonies (PDF,
rendered by WeasyPrint from templates/awards/pdf/run_sheet.html) and the table as CSV or XLSX.

Import weasyprint inside the function: the import is slow, and most processes never render."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from awards.models import CeremonyEntry, Cycle
from awards.services.ceremony import ceremony_entries
from partners.models import Sector
from portal.exports import CONTENT_TYPES, render_table

RUN_SHEET_TEMPLATE = "awards/pdf/run_sheet.html"
RUN_SHEET_CSS = Path(settings.BASE_DIR) / "templates" / "awards" / "pdf" / "run_sheet.css"
EXPORT_FORMATS = ("pdf", "csv", "xlsx")
EXPORT_CONTENT_TYPES = {**CONTENT_TYPES, "pdf": "application/pdf"}


def export_filename(cycle: Cycle, fmt: str) -> str:
    return f"run-sheet-{cycle.year}.pdf" if fmt == "pdf" else f"ceremony-{cycle.year}.{fmt}"


# The table (CSV, XLSX), headed in the active language


def ceremony_columns() -> list[str]:
    return [
        _("Presentation order"),
        _("BR number"),
        _("Enterprise (English)"),
        _("Enterprise (Chinese)"),
        _("Sector"),
        _("Consecutive years awarded"),
        _("Representative"),
        _("Representative's title"),
        _("Pronunciation note"),
        _("Table"),
    ]


def ceremony_rows(entries: list[CeremonyEntry]) -> list[list]:
    rows = []
    for entry in entries:
        enterprise = entry.result.nomination.enterprise
        rows.append(
            [
                entry.position,
                enterprise.br_number,
                enterprise.name_en,
                enterprise.name_zh,
                enterprise.get_sector_display(),
                entry.result.streak,
                entry.representative_name,
                entry.representative_title,
                entry.pronunciation_note,
                entry.table_number,
            ]
        )
    return rows


# The run sheet (PDF), in both languages whatever the reader's


def _sector_labels(code: str) -> tuple[str, str]:
    label = Sector(code).label if code in Sector.values else code
    with translation.override("en"):
        english = str(label)
    with translation.override("zh-hant"):
        chinese = str(label)
    return english, chinese


def run_sheet_html(cycle: Cycle, entries: list[CeremonyEntry]) -> str:
    ceremony = cycle.ceremony_date
    sectors = {}
    rows = []
    for entry in entries:
        enterprise = entry.result.nomination.enterprise
        if enterprise.sector not in sectors:
            sectors[enterprise.sector] = _sector_labels(enterprise.sector)
        rows.append(
            {
                "entry": entry,
                "enterprise": enterprise,
                "sector_en": sectors[enterprise.sector][0],
                "sector_zh": sectors[enterprise.sector][1],
                # A first award (or a first after a gap) is not a streak worth announcing.
                "streak": entry.result.streak if entry.result.streak >= 2 else None,
            }
        )
    return render_to_string(
        RUN_SHEET_TEMPLATE,
        {
            "cycle": cycle,
            "rows": rows,
            # Both languages' formats whatever the active language, as on the certificates.
            "ceremony_en": f"{ceremony.day} {ceremony:%B %Y}" if ceremony else "",
            "ceremony_zh": (
                f"{ceremony.year}年{ceremony.month}月{ceremony.day}日" if ceremony else ""
            ),
        },
    )


def render_run_sheet(cycle: Cycle, entries: list[CeremonyEntry]) -> bytes:
    """A4 portrait, one row per awardee in the running order, never split across pages."""
    from weasyprint import CSS, HTML

    # The certificates' process-wide font configuration and its lock (awards/pdf.py): the
    # run sheet uses the same CJK fonts, loaded once per process.
    from awards.pdf import _font_configuration, _render_lock

    html = run_sheet_html(cycle, entries)
    with _render_lock:
        fonts = _font_configuration()
        return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(
            stylesheets=[CSS(filename=RUN_SHEET_CSS, font_config=fonts)], font_config=fonts
        )


def ceremony_export(cycle: Cycle, fmt: str) -> bytes:
    """The ceremony list of a finalised cycle as a run sheet (pdf) or a table (csv, xlsx)."""
    entries = ceremony_entries(cycle)
    if fmt == "pdf":
        return render_run_sheet(cycle, entries)
    return render_table(ceremony_columns(), ceremony_rows(entries), fmt)
