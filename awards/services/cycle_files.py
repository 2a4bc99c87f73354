"""The settings file of a cycle, as export_cycle writes it and import_cycle reads it: JSON with
exactly the keys of SETTINGS_KEYS, decimals as strings, dates and times in ISO 8601."""

import datetime
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from awards.models import Cycle, EventType, EventTypeRule, PanelCriterion

Status = Cycle.Status

SETTINGS_KEYS = [
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
MULTIPLIER_FIELDS = {
    "routine": "multiplier_routine",
    "notable": "multiplier_notable",
    "major": "multiplier_major",
}
CRITERION_KEYS = ["name_en", "name_zh", "weight"]


def cycle_export(cycle: Cycle) -> dict:
    """The cycle's settings as JSON-ready values: decimals as strings, dates and times in
    ISO 8601."""
    rules = {rule.event_type: rule for rule in cycle.event_rules.all()}
    return {
        "year": cycle.year,
        "title_en": cycle.title_en,
        "title_zh": cycle.title_zh,
        "window_start": cycle.window_start.isoformat(),
        "window_end": cycle.window_end.isoformat(),
        "cooperation_weight": str(cycle.cooperation_weight),
        "quorum": cycle.quorum,
        "awards_planned": cycle.awards_planned,
        "significance_multipliers": {
            key: str(getattr(cycle, name)) for key, name in MULTIPLIER_FIELDS.items()
        },
        "event_types": {
            code: {"points": str(rules[code].points), "cap": str(rules[code].cap)}
            for code in EventType.values
            if code in rules
        },
        "panel_criteria": [
            {"name_en": c.name_en, "name_zh": c.name_zh, "weight": str(c.weight)}
            for c in cycle.criteria.all()
        ],
        "status": cycle.status,
        "finalised_at": cycle.finalised_at.isoformat() if cycle.finalised_at else None,
    }


class CycleFileInvalid(Exception):
    """A settings file that cannot be imported; `problems` says why, one line per key."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def read_settings(text: str, year: int | None = None) -> tuple[dict, dict, list[dict]]:
    """(cycle fields, rules, criteria) for cycle_create from the text of a settings file,
    under `year` if given. Raises CycleFileInvalid listing every problem found."""
    reader = _SettingsReader()
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise CycleFileInvalid([_("The file is not JSON: %(error)s.") % {"error": exc}]) from exc
    data = reader.obj(data, "", SETTINGS_KEYS)
    if data is None:
        raise CycleFileInvalid(reader.problems)
    if year is not None:
        data["year"] = year
    fields = {
        "year": reader.integer(data.get("year"), "year", Cycle, "year"),
        "title_en": reader.text(data.get("title_en"), "title_en", Cycle, "title_en"),
        "title_zh": reader.text(data.get("title_zh"), "title_zh", Cycle, "title_zh"),
        "window_start": reader.date(data.get("window_start"), "window_start"),
        "window_end": reader.date(data.get("window_end"), "window_end"),
        "cooperation_weight": reader.decimal(
            data.get("cooperation_weight"),
            "cooperation_weight",
            Cycle,
            "cooperation_weight",
            between=(Decimal(0), Decimal(1)),
        ),
        "quorum": reader.integer(data.get("quorum"), "quorum", Cycle, "quorum"),
        "awards_planned": reader.integer(
            data.get("awards_planned"), "awards_planned", Cycle, "awards_planned"
        ),
    }
    multipliers = reader.obj(
        data.get("significance_multipliers"), "significance_multipliers", list(MULTIPLIER_FIELDS)
    )
    for key, name in MULTIPLIER_FIELDS.items():
        value = (multipliers or {}).get(key)  # a missing one is reported by obj()
        path = f"significance_multipliers.{key}"
        fields[name] = reader.decimal(value, path, Cycle, name, positive=True)
    rules = _read_rules(reader, data.get("event_types"))
    criteria = _read_criteria(reader, data.get("panel_criteria"))
    if "status" in data and data["status"] not in Status.values:
        reader.problem("status", _("must be one of %(values)s.") % {"values": ", ".join(Status)})
    finalised_at = data.get("finalised_at")
    if finalised_at is not None and not _parses(parse_datetime, finalised_at):
        reader.problem("finalised_at", _("must be null or a date and time in ISO 8601."))
    if fields["year"] is not None and Cycle.objects.filter(year=fields["year"]).exists():
        reader.problem("year", _("a cycle for %(year)s exists already.") % {"year": fields["year"]})
    if not reader.problems:
        # What the settings must satisfy together: the window in order, and so on.
        try:
            Cycle(**fields).clean()
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    reader.problem(_settings_key(name), message)
    if reader.problems:
        raise CycleFileInvalid(reader.problems)
    return fields, rules, criteria


def _read_rules(reader: "_SettingsReader", value) -> dict:
    event_types = reader.obj(
        value, "event_types", EventType.values, unknown=_("unknown event type.")
    )
    rules = {}
    for code in EventType.values:
        if event_types is None or code not in event_types:
            continue  # reported by obj()
        path = f"event_types.{code}"
        rule = reader.obj(event_types[code], path, ["points", "cap"])
        if rule is None:
            continue
        points = reader.decimal(
            rule.get("points"), f"{path}.points", EventTypeRule, "points", positive=True
        )
        cap = reader.decimal(rule.get("cap"), f"{path}.cap", EventTypeRule, "cap", positive=True)
        rules[code] = (points, cap)
    return rules


def _read_criteria(reader: "_SettingsReader", value) -> list[dict]:
    if not isinstance(value, list) or not value:
        reader.problem(
            "panel_criteria",
            _("missing.") if value is None else _("must be a list of at least one criterion."),
        )
        return []
    criteria = []
    for position, item in enumerate(value, start=1):
        path = f"panel_criteria[{position}]"
        item = reader.obj(item, path, CRITERION_KEYS)
        if item is None:
            continue
        criteria.append(
            {
                name: read(item.get(name), f"{path}.{name}", PanelCriterion, name, **options)
                for name, read, options in (
                    ("name_en", reader.text, {}),
                    ("name_zh", reader.text, {}),
                    ("weight", reader.decimal, {"positive": True}),
                )
            }
        )
    return criteria


@dataclass
class _SettingsReader:
    """Reads the values of a settings file, noting a problem per bad key instead of stopping
    at the first, so that one run of import_cycle lists everything to fix."""

    problems: list[str] = field(default_factory=list)

    def problem(self, key: str, message: str) -> None:
        self.problems.append(f"{key}: {message}")

    def obj(self, value, key: str, keys: Sequence[str], unknown: str = "") -> dict | None:
        """`value` if it is an object with exactly `keys`, else None (problems noted)."""
        label = key or _("the file")
        if value is None and key:
            self.problem(key, _("missing."))
            return None
        if not isinstance(value, dict):
            self.problem(label, _("must be an object."))
            return None
        for name in value:
            if name not in keys:
                self.problem(_join(key, name), unknown or _("unknown key."))
        for name in keys:
            if name not in value:
                self.problem(_join(key, name), _("missing."))
        if any(name not in keys for name in value):
            # Name the stray keys, and still check the expected ones.
            return {name: value[name] for name in keys if name in value}
        return value

    def text(self, value, key, model, name) -> str | None:
        if value is None:
            return None  # reported as missing by obj()
        if not isinstance(value, str) or not value.strip():
            self.problem(key, _("must be a non-empty text."))
            return None
        return self._clean(value.strip(), key, model, name)

    def integer(self, value, key, model, name) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(key, _("must be a whole number."))
            return None
        return self._clean(value, key, model, name)

    def decimal(self, value, key, model, name, positive=False, between=None) -> Decimal | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.problem(key, _('must be a decimal number written as text, e.g. "2.50".'))
            return None
        try:
            number = Decimal(str(value))
        except InvalidOperation:
            self.problem(key, _("“%(value)s” is not a decimal number.") % {"value": value})
            return None
        if not number.is_finite():
            self.problem(key, _("“%(value)s” is not a decimal number.") % {"value": value})
            return None
        if positive and number <= 0:
            self.problem(key, _("must be greater than 0."))
            return None
        if between and not between[0] <= number <= between[1]:
            self.problem(
                key,
                _("must be between %(low)s and %(high)s.")
                % {"low": between[0], "high": between[1]},
            )
            return None
        return self._clean(number, key, model, name)

    def date(self, value, key) -> datetime.date | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _parses(parse_date, value):
            self.problem(key, _("“%(value)s” is not a date (YYYY-MM-DD).") % {"value": value})
            return None
        return parse_date(value)

    def _clean(self, value, key, model, name):
        """The model field's own checks: lengths, digits, ranges."""
        try:
            return model._meta.get_field(name).clean(value, None)
        except ValidationError as exc:
            for message in exc.messages:
                self.problem(key, message)
            return None


def _join(key: str, name: str) -> str:
    return f"{key}.{name}" if key else name


def _parses(parser, value) -> bool:
    try:
        return isinstance(value, str) and parser(value) is not None
    except ValueError:
        return False


def _settings_key(field_name: str) -> str:
    """The settings file's key for a Cycle field."""
    for key, name in MULTIPLIER_FIELDS.items():
        if name == field_name:
            return f"significance_multipliers.{key}"
    return field_name
