"""Dates and amounts as each language writes them (portal/formats, the hkd filter)."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from tests.conftest import BASE_DIR

DAY = datetime.date(2026, 9, 5)
# 12:45 UTC is 20:45 in Hong Kong.
MOMENT = datetime.datetime(2026, 9, 5, 12, 45, tzinfo=datetime.UTC)


def render(source: str, language: str, **context) -> str:
    with translation.override(language), timezone.override("Asia/Hong_Kong"):
        return Template("{% load portal %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "date", "short_date", "date_time", "short_date_time"),
    [
        ("en", "5 Sep 2026", "5 Sep 2026", "5 Sep 2026 20:45", "5 Sep 2026 20:45"),
        ("zh-hant", "2026年9月5日", "2026年9月5日", "2026年9月5日 20:45", "2026年9月5日 20:45"),
    ],
)
def test_dates_are_written_in_each_languages_format(
    language, date, short_date, date_time, short_date_time
):
    template = (
        '{{ day|date:"DATE_FORMAT" }}|{{ day|date:"SHORT_DATE_FORMAT" }}|'
        '{{ moment|date:"DATETIME_FORMAT" }}|{{ moment|date:"SHORT_DATETIME_FORMAT" }}'
    )
    rendered = render(template, language, day=DAY, moment=MOMENT)
    assert rendered == f"{date}|{short_date}|{date_time}|{short_date_time}"


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_amounts_are_hong_kong_dollars_with_thousands_separators_in_both_languages(language):
    amount = Decimal("1500000000")
    assert render("{{ amount|hkd }}", language, amount=amount) == "HK$1,500,000,000.00"
    assert render("{{ amount|hkd }}", language, amount=Decimal("999.5")) == "HK$999.50"
    assert render("{{ amount|hkd }}", language, amount=None) == ""


# A date a person reads is written with a named format; an ISO date stays only where a program
# reads it (an input's value, a <time>'s datetime attribute).
HARD_CODED_DATE = re.compile(r'\|date:"Y-m-d[^"]*"')
MACHINE_READABLE = re.compile(r'(value|datetime)="[^"]*\|date:"Y-m-d[^"]*"')


def test_templates_write_dates_with_the_named_formats():
    found = [
        f"{path.relative_to(BASE_DIR)}:{number}: {line.strip()}"
        for path in sorted((BASE_DIR / "templates").rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HARD_CODED_DATE.search(MACHINE_READABLE.sub("", line))
    ]
    assert found == [], "use DATE_FORMAT, SHORT_DATE_FORMAT or (SHORT_)DATETIME_FORMAT:\n" + (
        "\n".join(found)
    )
