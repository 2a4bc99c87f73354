"""The nominations page at a whole registry's size (issue 12): 50 enterprises a page, found by
name or BR number, filtered by nomination and sector; nominating from a found row."""

import datetime

import pytest
from django.urls import reverse

from awards.models import Cycle, Nomination
from partners.models import EnforcementFlag, Sector
from tests.awards.factories import CycleFactory, NominationFactory, verified_events
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db
URL = reverse("awards:nomination-list", args=[2024])


@pytest.fixture
def open_cycle():
    return CycleFactory(year=2024, status=Cycle.Status.NOMINATIONS)


def _names(response) -> list[str]:
    return [
        enterprise.name_en for enterprise, _eligibility, _nomination in response.context["rows"]
    ]


@pytest.fixture
def registry(open_cycle, secretariat):
    """60 enterprises A000–A059: every third a shipping line, A001 nominated, A002 withdrawn."""
    firms = [
        EnterpriseFactory(
            name_en=f"A{i:03d} Freight",
            name_zh=f"貨運{i:03d}",
            br_number=f"{40000000 + i:08d}",
            sector=Sector.SHIPPING_LINE if i % 3 == 0 else Sector.CARGO_TERMINAL,
        )
        for i in range(60)
    ]
    NominationFactory(cycle=open_cycle, enterprise=firms[1], nominated_by=secretariat)
    NominationFactory(
        cycle=open_cycle,
        enterprise=firms[2],
        nominated_by=secretariat,
        status=Nomination.Status.WITHDRAWN,
        withdrawal_reason="Asked to",
    )
    return firms


def test_the_page_shows_fifty_enterprises_by_name_and_the_rest_on_the_next(
    client, secretariat, registry
):
    client.force_login(secretariat)
    first = client.get(URL)
    assert _names(first) == [f"A{i:03d} Freight" for i in range(50)]
    assert "60 enterprises" in first.text and "Page 1 of 2" in first.text
    assert _names(client.get(URL + "?page=2")) == [f"A{i:03d} Freight" for i in range(50, 60)]
    assert first.context["nominated"] == 1


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"q": "a05"}, [f"A05{i} Freight" for i in range(10)]),
        ({"q": "貨運007"}, ["A007 Freight"]),
        ({"q": "40000042"}, ["A042 Freight"]),
        ({"status": "active"}, ["A001 Freight"]),
        ({"status": "withdrawn"}, ["A002 Freight"]),
        ({"status": "none", "q": "A00"}, [f"A00{i} Freight" for i in (0, 3, 4, 5, 6, 7, 8, 9)]),
        ({"sector": "shipping_line", "q": "A01"}, ["A012 Freight", "A015 Freight", "A018 Freight"]),
        ({"q": "nobody"}, []),
    ],
    ids=[
        "name",
        "chinese-name",
        "br-number",
        "nominated",
        "withdrawn",
        "not-nominated",
        "sector",
        "none",
    ],
)
def test_the_secretariat_finds_enterprises_by_name_number_nomination_and_sector(
    client, secretariat, registry, query, expected
):
    client.force_login(secretariat)
    response = client.get(URL, query)
    assert _names(response) == expected
    if not expected:
        assert "No enterprise matches." in response.text


def test_a_found_enterprise_is_nominated_from_its_row(client, secretariat, registry):
    client.force_login(secretariat)
    response = client.get(URL, {"q": "A042"})
    assert f'name="enterprise" value="{registry[42].pk}"' in response.text
    client.post(reverse("awards:nomination-create", args=[2024]), {"enterprise": registry[42].pk})
    assert Nomination.objects.get(enterprise=registry[42]).status == Nomination.Status.ACTIVE


def test_the_counts_and_events_come_from_the_whole_cycle_not_the_page(
    client, secretariat, officer, verifier, open_cycle, registry
):
    # A nominee on page 2 that a concern made ineligible, and its verified events in the window.
    NominationFactory(cycle=open_cycle, enterprise=registry[55], nominated_by=secretariat)
    EnforcementFlag.objects.create(
        enterprise=registry[55],
        flagged_on=datetime.date(2024, 3, 3),
        reason="Case",
        raised_by=officer,
    )
    verified_events(
        registry[55], verifier, officer, *[("training", "routine", datetime.date(2024, 5, 5))] * 2
    )
    client.force_login(secretariat)
    response = client.get(URL)
    assert (response.context["nominated"], response.context["ineligible_nominated"]) == (2, 1)
    [(enterprise, eligibility, nomination)] = client.get(URL, {"q": "A055"}).context["rows"]
    assert (enterprise.verified_in_window, eligibility.eligible, nomination.status) == (
        2,
        False,
        "active",
    )
