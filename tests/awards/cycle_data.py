"""What the cycle settings page posts, for the view and access tests."""

from awards.services.cycles import DEFAULT_RULES


def cycle_form_data(year=2026, criteria=None, rules=None, **overrides) -> dict:
    """A valid settings form for a new cycle of `year`: default rules and two criteria.
    `criteria` is a list of dicts of the criterion fields (with "pk" for existing ones)."""
    criteria = (
        [
            {"name_en": "Impact on enforcement", "name_zh": "執法成效", "weight": "2"},
            {"name_en": "Commitment", "name_zh": "承擔", "weight": "1"},
        ]
        if criteria is None
        else criteria
    )
    data = {
        "year": year,
        "title_en": f"Elite Enterprise Partnership Award {year}",
        "title_zh": f"{year}年卓越企業夥伴嘉許計劃",
        "window_start": f"{year}-01-01",
        "window_end": f"{year}-12-31",
        "nomination_deadline": "",
        "scoring_deadline": "",
        "quorum": "3",
        "cooperation_weight": "0.60",
        "awards_planned": "10",
        "multiplier_routine": "1",
        "multiplier_notable": "2",
        "multiplier_major": "3",
        "criteria-TOTAL_FORMS": str(len(criteria)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "1000",
    }
    for code, (points, cap) in (rules or DEFAULT_RULES).items():
        data[f"rules-points_{code}"] = str(points)
        data[f"rules-cap_{code}"] = str(cap)
    for index, criterion in enumerate(criteria):
        for name in ("pk", "name_en", "name_zh", "description_en", "description_zh", "weight"):
            data[f"criteria-{index}-{name}"] = criterion.get(name, "")
        if criterion.get("DELETE"):
            data[f"criteria-{index}-DELETE"] = "on"
    data.update(overrides)
    return data


def locked_cycle_form_data(cycle, **overrides) -> dict:
    """The settings form of a cycle in review: only the fields that may still change."""
    data = {
        "year": cycle.year,
        "title_en": cycle.title_en,
        "title_zh": cycle.title_zh,
        "nomination_deadline": "",
        "scoring_deadline": "",
        "quorum": str(cycle.quorum),
        "cooperation_weight": str(cycle.cooperation_weight),
        "awards_planned": str(cycle.awards_planned),
    }
    data.update(overrides)
    return data
