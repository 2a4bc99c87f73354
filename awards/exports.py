"""The ranking export (one row per nomination, the frozen snapshot once the cycle is
finalised) and the ZIP of a cycle's certificates."""

import time
import zipfile
from collections.abc import Iterator

from django.utils.text import slugify
from django.utils.translation import gettext as _

from awards.models import EventType
from awards.selectors.ranking import Ranking

# The columns' keys, in order, which head the command's file (docs/award-cycles.md);
# ranking_headers() heads a download, in the language of the person who asked. The cells keep
# codes and plain numbers in both.
RANKING_COLUMNS = [
    "rank",
    "br_number",
    "enterprise_en",
    "enterprise_zh",
    "sector",
    *[f"points_{code}" for code in EventType.values],
    "cooperation_score",
    "panel_score",
    "reviews",
    "final_score",
    "awarded",
    "streak",
]


def ranking_headers() -> list[str]:
    return [
        _("Rank"),
        _("BR number"),
        _("Enterprise (English)"),
        _("Enterprise (Chinese)"),
        _("Sector"),
        *[_("%(type)s: category points") % {"type": label} for label in EventType.labels],
        _("Cooperation score"),
        _("Panel score"),
        _("Reviews"),
        _("Final score"),
        _("Awarded"),
        _("Streak"),
    ]


def _cents(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _yes_no(awarded) -> str:
    # An open cycle's undecided nominee is neither.
    return "" if awarded is None else ("yes" if awarded else "no")


def ranking_export_rows(ranking: Ranking) -> Iterator[list]:
    """Ranked rows in rank order, then the pending ones with an empty rank. A type without a
    rule in the cycle has an empty points cell. Made one by one as the export writes them."""
    for row in ranking.rows:
        yield [
            "" if row.rank is None else row.rank,
            row.enterprise.br_number,
            row.enterprise.name_en,
            row.enterprise.name_zh,
            row.enterprise.sector,
            *[_cents(row.category_points.get(code)) for code in EventType.values],
            _cents(row.cooperation_score),
            _cents(row.panel_score),
            row.reviews,
            _cents(row.final_score),
            _yes_no(row.awarded),
            row.streak,
        ]


def certificate_zip_name(certificate) -> str:
    enterprise = certificate.result.nomination.enterprise
    return f"{certificate.serial}-{slugify(enterprise.name_en)}.pdf"


def write_certificates_zip(certificates, archive) -> None:
    """Write the certificates' PDFs into `archive` (a binary file) as a ZIP, with a SHA256SUMS
    file that `sha256sum -c` checks."""
    # PDFs are compressed already: storing them is as small, and much faster.
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_STORED) as zip_file:
        for certificate in certificates:
            with certificate.pdf.open("rb") as pdf:
                zip_file.writestr(_readable(certificate_zip_name(certificate)), pdf.read())
        zip_file.writestr(
            _readable("SHA256SUMS"),
            "".join(f"{c.sha256}  {certificate_zip_name(c)}\n" for c in certificates),
        )


def _readable(name: str) -> zipfile.ZipInfo:
    """An entry extracted readable by all (rw-r--r--), dated now; writestr's default is 0600."""
    info = zipfile.ZipInfo(name, date_time=time.localtime()[:6])
    info.external_attr = 0o644 << 16
    return info
