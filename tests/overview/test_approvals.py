"""The approvals queue (issue 14, item 3): a finalised cycle awaits a second member of the
secretariat's approval of its publication. The others are notified when it is finalised and find
it on their dashboard until it is published (or reopened); the one who finalised sees that it
awaits another member. Nobody else approves anything in the awards, and sees nothing of it."""

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from awards.models import Cycle
from awards.notifications import Kind
from awards.services.cycles import cycle_reopen
from awards.services.decisions import cycle_finalise, cycle_publish, decisions_apply_suggestion
from portal.auth import person_name
from portal.models import Notification
from portal.notifications import kinds
from tests.awards.factories import CycleFactory
from tests.awards.ranking_world import simple_cycle, worked_example
from tests.factories import UserFactory
from tests.overview.test_dashboard import QUERIES

pytestmark = pytest.mark.django_db

URL = "/dashboard/"


@pytest.fixture
def finalised(secretariat, secretariat2, django_capture_on_commit_callbacks):
    """The worked example's 2024 cycle, its suggestion applied (B and A awarded), finalised by
    `secretariat`."""
    cycle = simple_cycle()
    worked_example(cycle)
    decisions_apply_suggestion(cycle=cycle, user=secretariat)
    with django_capture_on_commit_callbacks(execute=True):
        return cycle_finalise(cycle=cycle, user=secretariat)


def _approvals(client, user):
    client.force_login(user)
    response = client.get(URL)
    assert response.status_code == 200
    return response, response.context["dashboard"].approvals


# The notification


def test_finalising_tells_every_other_member_of_the_secretariat(
    finalised, secretariat, secretariat2, officer, panel_member, mailoutbox
):
    inactive = UserFactory(username="secretariat3", roles=["Secretariat"], is_active=False)
    notifications = Notification.objects.filter(kind=Kind.APPROVAL_AWAITED)

    [notification] = notifications
    assert notification.recipient == secretariat2
    name = person_name(secretariat)
    assert notification.params == {"year": 2024, "awarded": 2, "finalised_by": name}
    assert notification.link == reverse("awards:cycle-publish", args=[2024])
    assert kinds.render(notification) == (
        "The 2024 results await your approval",
        f"{name} finalised the 2024 award cycle (2 awardees). Another member of the "
        "secretariat must check the results and approve their publication (four eyes): you can.",
    )
    with translation.override("zh-hant"):
        title, body = kinds.render(notification)
    assert "2024" in title and "%(" not in title + body and "approval" not in title
    assert [message.to for message in mailoutbox] == [["secretariat2@example.org"]]
    assert inactive.notifications.count() == 0


def test_a_cycle_reopened_and_finalised_again_asks_again(finalised, secretariat, secretariat2):
    cycle_reopen(cycle=finalised, user=secretariat2, reason="A late review.")
    cycle_finalise(cycle=finalised, user=secretariat2)

    assert sorted(
        Notification.objects.filter(kind=Kind.APPROVAL_AWAITED).values_list(
            "recipient__username", flat=True
        )
    ) == ["secretariat", "secretariat2"]


# The dashboard, for each role


def test_the_second_member_finds_it_on_the_dashboard_until_it_is_published(
    client, finalised, secretariat, secretariat2
):
    response, approvals = _approvals(client, secretariat2)

    assert [(a.cycle.year, a.mine, a.awardees, a.url) for a in approvals.mine] == [
        (2024, True, 2, reverse("awards:cycle-publish", args=[2024]))
    ]
    assert approvals.by_others == []
    assert "Awaiting my approval" in response.text
    assert (
        f"Publication of the 2024 results (2 awardees), finalised by {person_name(secretariat)} on"
        in response.text
    )
    assert f'href="{reverse("awards:cycle-publish", args=[2024])}"' in response.text

    cycle_publish(cycle=finalised, user=secretariat2)
    response, approvals = _approvals(client, secretariat2)
    assert not approvals
    assert 'id="approvals"' not in response.text


def test_the_one_who_finalised_sees_it_awaits_another_member(
    client, finalised, secretariat, secretariat2
):
    response, approvals = _approvals(client, secretariat)

    assert approvals.mine == []
    assert [(a.cycle.year, a.mine) for a in approvals.by_others] == [(2024, False)]
    assert "Nothing awaits your approval." in response.text
    assert "You finalised the 2024 results on" in response.text
    assert "awaiting approval by another member of the secretariat." in response.text

    cycle_publish(cycle=finalised, user=secretariat2)
    assert not _approvals(client, secretariat)[1]


def test_a_reopened_cycle_leaves_the_queue(client, finalised, secretariat, secretariat2):
    cycle_reopen(cycle=finalised, user=secretariat, reason="A late review.")

    assert not _approvals(client, secretariat2)[1]
    assert not _approvals(client, secretariat)[1]


@pytest.mark.parametrize("role", ["officer", "verifier"])
def test_other_staff_see_no_approvals(client, finalised, request, role):
    response, approvals = _approvals(client, request.getfixturevalue(role))

    assert not approvals
    assert "Awaiting my approval" not in response.text


def test_the_superuser_may_approve_what_someone_else_finalised(client, finalised):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    response, approvals = _approvals(client, admin)
    assert [a.cycle.year for a in approvals.mine] == [2024]


@pytest.mark.parametrize("role", ["panel_member", "partner_user", "other_partner_user"])
def test_no_one_else_reaches_the_dashboard(client, finalised, request, role):
    client.force_login(request.getfixturevalue(role))
    assert client.get(URL).status_code == 403


# Queries: one for the queue, whatever its length


@pytest.mark.parametrize("cycles", [1, 3])
def test_the_queue_costs_one_query_whatever_its_length(
    client, secretariat, secretariat2, cycles, django_assert_num_queries
):
    for year in range(2020, 2020 + cycles):
        CycleFactory(
            year=year,
            status=Cycle.Status.FINALISED,
            finalised_by=secretariat if year % 2 else secretariat2,
            finalised_at=timezone.now(),
        )
    client.force_login(secretariat)
    client.get(URL)
    # tests/overview/test_dashboard.py's QUERIES, the approvals among them
    with django_assert_num_queries(QUERIES["secretariat"]):
        response = client.get(URL)
    approvals = response.context["dashboard"].approvals
    assert len(approvals.mine) + len(approvals.by_others) == cycles
    assert [a.cycle.year for a in approvals.mine] == [
        year for year in range(2020 + cycles - 1, 2019, -1) if not year % 2
    ]
