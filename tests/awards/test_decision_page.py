"""The decisions page as the secretariat works on it: the streak an undecided nominee comes in
with, and a refused decision shown again as it was sent (issue 14, item 8)."""

import pytest
from django.urls import reverse

from awards.models import Cycle
from awards.services.decisions import nomination_decide
from tests.awards.certificate_data import awarded_result
from tests.awards.factories import CycleFactory

pytestmark = pytest.mark.django_db


def _rows(response):
    return {
        row.enterprise.br_number: (row.streak, form)
        for row, form in response.context["ranked_rows"] + response.context["pending_rows"]
    }


@pytest.fixture
def three_time_winner(secretariat, cycle, nominees):
    """B (10000002, ranked first in 2024) was awarded in 2021, 2022 and 2023."""
    for year in (2021, 2022, 2023):
        earlier = CycleFactory(year=year, status=Cycle.Status.PUBLISHED)
        awarded_result(earlier, nominees["B"].enterprise, nominated_by=secretariat)
    return nominees["B"]


def test_an_undecided_three_time_winner_shows_the_streak_it_comes_in_with(
    client, secretariat, cycle, three_time_winner
):
    client.force_login(secretariat)
    url = reverse("awards:decision-list", args=[cycle.year])

    response = client.get(url)
    assert _rows(response)["10000002"][0] == 3
    assert _rows(response)["10000001"][0] == 0
    assert response.text.count("before this cycle") == 1
    ranking = client.get(reverse("awards:ranking-detail", args=[cycle.year]))
    assert [row.streak for row in ranking.context["ranking"].rows if row.pending is False][0] == 3

    nomination_decide(nomination=three_time_winner, user=secretariat, awarded=True)
    response = client.get(url)
    assert _rows(response)["10000002"][0] == 4
    assert "before this cycle" not in response.text

    nomination_decide(
        nomination=three_time_winner, user=secretariat, awarded=False, rationale="A case opened."
    )
    assert _rows(client.get(url))["10000002"][0] == 0


def test_a_refused_decision_comes_back_with_its_choice_and_the_reason_beside_it(
    client, secretariat, cycle, nominees
):
    client.force_login(secretariat)
    c = nominees["C"]  # rank 3 of 2 planned: awarding it needs a rationale
    response = client.post(
        reverse("awards:decision-update", args=[cycle.year, c.pk]),
        {f"n{c.pk}-awarded": "yes", f"n{c.pk}-rationale": "   "},
        follow=True,
    )

    message = (
        "Awarding Enterprise 10000003 Limited departs from the ranking (rank 3; the top 2 are "
        "suggested): write a rationale."
    )
    assert [str(m) for m in response.context["messages"]] == [message]
    form = _rows(response)["10000003"][1]
    assert (form["awarded"].value(), form.refusal) == ("yes", message)
    assert f'id="id_n{c.pk}-awarded_0" required checked' in response.text
    assert f'aria-describedby="id_n{c.pk}-rationale_refusal" aria-invalid="true"' in response.text
    assert response.text.count(message) == 2  # the message above, and beside the rationale
    # The other rows show their saved decision (none), and the draft is read once.
    assert _rows(response)["10000001"][1]["awarded"].value() is None
    again = client.get(reverse("awards:decision-list", args=[cycle.year]))
    assert _rows(again)["10000003"][1]["awarded"].value() is None
    c.refresh_from_db()
    assert c.awarded is None


def test_a_refused_not_awarded_keeps_the_rationale_typed(client, secretariat, cycle, nominees):
    client.force_login(secretariat)
    b = nominees["B"]  # rank 1: not awarding it needs a rationale; none given
    client.post(
        reverse("awards:decision-update", args=[cycle.year, b.pk]),
        {f"n{b.pk}-awarded": "no", f"n{b.pk}-rationale": ""},
    )
    form = _rows(client.get(reverse("awards:decision-list", args=[cycle.year])))["10000002"][1]
    assert form["awarded"].value() == "no"
    assert form.refusal.startswith("Not awarding Enterprise 10000002 Limited departs")


def test_a_decision_sent_without_a_choice_keeps_its_rationale(client, secretariat, cycle, nominees):
    client.force_login(secretariat)
    a = nominees["A"]
    client.post(
        reverse("awards:decision-update", args=[cycle.year, a.pk]),
        {f"n{a.pk}-rationale": "Half-written reason"},
    )
    form = _rows(client.get(reverse("awards:decision-list", args=[cycle.year])))["10000001"][1]
    assert (form["awarded"].value(), form["rationale"].value()) == (None, "Half-written reason")
    assert form.refusal == "Choose awarded or not awarded for Enterprise 10000001 Limited."
