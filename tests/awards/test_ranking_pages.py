"""The ranking and decisions pages at thousands of nominees: pages of RANKING_PAGE rows whose
ranks are those of the whole cycle, and a search by either name or the BR number."""

import re

import pytest
from django.urls import reverse

from awards.selectors.ranking import ranking_of
from awards.views.ranking import RANKING_PAGE
from tests.awards.ranking_world import nominee, panel, simple_cycle

pytestmark = pytest.mark.django_db

NOMINEES = RANKING_PAGE + 5


@pytest.fixture
def cycle():
    cycle = simple_cycle()
    members = panel(2)
    for i in range(NOMINEES):
        # Different numbers of deliveries and scores: a ranking with few ties; the last
        # nominee has one review only (quorum 2), so it is pending.
        nominee(
            cycle,
            f"{20000000 + i:08d}",
            deliveries=i % 7,
            trainings=i % 3,
            scores=[i % 11, (i * 3) % 11] if i < NOMINEES - 1 else [5],
            members=members,
            name=f"Harbour Logistics {i:02d} Limited",
        )
    return cycle


def _rows(response) -> list[tuple[str, str]]:
    """(rank, number in the name) of each nominee row the page shows, in its order."""
    html = response.content.decode()
    rows = re.findall(r"<tr[^>]*>(?:(?!</tr>).)*?Harbour Logistics.*?</tr>", html, flags=re.S)
    return [
        (
            re.sub(r"<[^>]+>", "", re.search(r"<td>(.*?)</td>", row, flags=re.S).group(1)).strip(),
            re.search(r"Harbour Logistics (\d\d)", row).group(1),
        )
        for row in rows
    ]


def _expected(cycle) -> list[tuple[str, str]]:
    ranking = ranking_of(cycle)
    return [
        (str(row.rank) if row.rank else "pending", row.enterprise.name_en.split()[2])
        for row in ranking.rows
    ]


@pytest.mark.parametrize("url_name", ["awards:ranking-detail", "awards:decision-list"])
def test_the_pages_follow_the_whole_ranking_with_its_ranks(client, secretariat, cycle, url_name):
    client.force_login(secretariat)
    url = reverse(url_name, args=[cycle.year])
    first = client.get(url)
    second = client.get(url, {"page": 2})
    assert first.status_code == second.status_code == 200
    expected = _expected(cycle)
    assert len(expected) == NOMINEES
    assert _rows(first) == expected[:RANKING_PAGE]
    assert _rows(second) == expected[RANKING_PAGE:]
    assert expected[-1][0] == "pending"
    assert f"{NOMINEES} nominees" in first.content.decode()
    assert "page 1 of 2" in first.content.decode()


@pytest.mark.parametrize("url_name", ["awards:ranking-detail", "awards:decision-list"])
def test_a_search_by_name_or_br_number_finds_the_nominee_with_its_rank_in_the_cycle(
    client, secretariat, cycle, url_name
):
    client.force_login(secretariat)
    url = reverse(url_name, args=[cycle.year])
    expected = {br: rank for rank, br in _expected(cycle)}

    by_name = client.get(url, {"q": "harbour logistics 17"})
    assert _rows(by_name) == [(expected["17"], "17")]
    by_br = client.get(url, {"q": "20000017"})
    assert _rows(by_br) == [(expected["17"], "17")]
    by_chinese = client.get(url, {"q": "企業20000017"})
    assert _rows(by_chinese) == [(expected["17"], "17")]
    assert "1 nominee" in by_br.content.decode()

    nothing = client.get(url, {"q": "no such enterprise"})
    assert _rows(nothing) == []
    assert "0 nominees" in nothing.content.decode()


def test_the_panel_sees_only_the_nominees_whose_scores_it_may_see(client, cycle):
    # A panel member reading the ranking: the same pages (their scores are visible to the
    # panel while in review); an unknown page number falls back to the last page.
    client.force_login(panel(1)[0])
    response = client.get(reverse("awards:ranking-detail", args=[cycle.year]), {"page": 99})
    assert response.status_code == 200
    assert _rows(response) == _expected(cycle)[RANKING_PAGE:]


def test_a_decision_saved_from_a_later_page_of_a_search_returns_to_it(client, secretariat, cycle):
    client.force_login(secretariat)
    ranking = ranking_of(cycle)
    row = ranking.ranked[RANKING_PAGE - 1 + 2]
    nomination = row.nomination
    response = client.post(
        reverse("awards:decision-update", args=[cycle.year, nomination.pk]),
        {
            f"n{nomination.pk}-awarded": "yes" if not row.suggested else "no",
            f"n{nomination.pk}-rationale": "Exceptional cooperation outside the window.",
            "page": "2",
            "q": "Harbour",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == (
        reverse("awards:decision-list", args=[cycle.year])
        + f"?page=2&q=Harbour#nomination-{nomination.pk}"
    )
    nomination.refresh_from_db()
    assert nomination.awarded is (not row.suggested)
