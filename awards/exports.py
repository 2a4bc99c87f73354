"""The ranking export: one row per nomination, the frozen snapshot once the cycle is finalised."""

from awards.models import EventType
from awards.ranking import CycleRanking

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


def _cents(value) -> str:
    return "" if value is None else f"{value:.2f}"


def _yes_no(awarded) -> str:
    # An open cycle's undecided nominee is neither.
    return "" if awarded is None else ("yes" if awarded else "no")


def ranking_export_rows(ranking: CycleRanking) -> list[list]:
    """Ranked rows in rank order, then the pending ones with an empty rank. A type without a
    rule in the cycle has an empty points cell."""
    return [
        [
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
        for row in ranking.rows
    ]
