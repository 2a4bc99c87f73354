"""Who may open the ranking, what-if, reviewer-normalised view, export, decisions, finalisation
and publication. Rows in the format of tests/partners/test_access.py, whose completeness test
collects ACCESS."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from awards.models import Cycle
from awards.services.decisions import cycle_finalise, decisions_apply_suggestion
from tests.access import (
    ALL_405,
    LOGIN,
    SECRETARIAT_ONLY,
    Access,
    check_access,
    parametrize_access,
    role_users,
    to,
)
from tests.awards.factories import CycleFactory, NominationFactory, submitted_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _open(w):
    return [w.cycle.year]


def _finalised(w):
    return [w.finalised.year]


def _decision(w):
    return [w.cycle.year, w.nomination.pk]


RANKING = to(lambda w: reverse("awards:ranking-detail", args=[w.cycle.year]))
RANKING_FINALISED = to(lambda w: reverse("awards:ranking-detail", args=[w.finalised.year]))
DECISIONS = to(lambda w: reverse("awards:decision-list", args=[w.cycle.year]))
DECISION = to(
    lambda w: f"{reverse('awards:decision-list', args=[w.cycle.year])}#nomination-{w.nomination.pk}"
)
DECIDE = {"n{pk}-awarded": "no", "n{pk}-rationale": "Asked not to be considered this year."}

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    # The panel sees the ranking of the cycles it reviews in (the rows it has reviewed).
    Access("awards:ranking-detail", "get", (LOGIN, 403, 403, 200, 200, 403, 403, 200, 403), _open),  # noqa: E501
    Access("awards:ranking-detail", "get", (LOGIN, 403, 403, 200, 404, 403, 403, 200, 403), _finalised, case="not-assigned"),  # noqa: E501
    Access("awards:ranking-what-if", "get", SECRETARIAT_ONLY, _open),
    Access("awards:ranking-normalised", "get", SECRETARIAT_ONLY, _open),
    Access("awards:ranking-export", "get", SECRETARIAT_ONLY, _open),
    Access("awards:decision-list", "get", SECRETARIAT_ONLY, _open),
    Access("awards:decision-update", "get", ALL_405, _decision),
    Access("awards:decision-update", "post", (LOGIN, 403, 403, DECISION, 403, 403, 403, DECISION, 403), _decision, data=DECIDE),  # noqa: E501
    Access("awards:decision-apply-suggestion", "get", ALL_405, _open),
    Access("awards:decision-apply-suggestion", "post", (LOGIN, 403, 403, DECISIONS, 403, 403, 403, DECISIONS, 403), _open, data={"confirmed": "1"}),  # noqa: E501
    Access("awards:decision-apply-suggestion", "post", (LOGIN, 403, 403, 200, 403, 403, 403, 200, 403), _open, case="unconfirmed"),  # noqa: E501
    Access("awards:cycle-finalise", "get", SECRETARIAT_ONLY, _open),
    Access("awards:cycle-finalise", "post", (LOGIN, 403, 403, RANKING, 403, 403, 403, RANKING, 403), _open, data={"confirmed": "1"}),  # noqa: E501
    Access("awards:cycle-finalise", "post", (LOGIN, 403, 403, 200, 403, 403, 403, 200, 403), _open, case="unconfirmed"),  # noqa: E501
    # Four eyes: the secretariat user who finalised may not approve the publication.
    Access("awards:cycle-publish", "get", (LOGIN, 403, 403, 403, 403, 403, 403, 200, 403), _finalised),  # noqa: E501
    Access("awards:cycle-publish", "post", (LOGIN, 403, 403, 403, 403, 403, 403, RANKING_FINALISED, 403), _finalised, data={"confirmed": "1"}),  # noqa: E501
    Access("awards:cycle-publish", "post", (LOGIN, 403, 403, 403, 403, 403, 403, 200, 403), _finalised, case="unconfirmed"),  # noqa: E501
]
# fmt: on


@pytest.fixture
def world(
    officer,
    verifier,
    secretariat,
    panel_member,
    partner_user,
    other_partner_user,
):
    """2024 in review, both partner enterprises nominated and reviewed (panel1 reviewed the
    first), every decision taken; 2023 finalised by `secretariat`, without panel1."""
    enterprise = partner_user.membership.enterprise
    other_enterprise = other_partner_user.membership.enterprise
    second_member = UserFactory(username="panel2", roles=["Panel"])

    def reviewed_cycle(year, members):
        cycle = CycleFactory(year=year, status=Cycle.Status.REVIEW, quorum=1, awards_planned=1)
        nominations = [
            NominationFactory(cycle=cycle, enterprise=e, nominated_by=secretariat)
            for e in (enterprise, other_enterprise)
        ]
        for nomination, member, scores in zip(nominations, members, ([8, 7], [6, 5]), strict=True):
            submitted_review(nomination, member, scores)
        decisions_apply_suggestion(cycle=cycle, user=secretariat)
        return cycle, nominations

    cycle, nominations = reviewed_cycle(2024, [panel_member, second_member])
    finalised, _ = reviewed_cycle(2023, [second_member, second_member])
    cycle_finalise(cycle=finalised, user=secretariat)
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        cycle=cycle,
        nomination=nominations[0],
        finalised=finalised,
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    data = {key.format(pk=world.nomination.pk): value for key, value in row.data.items()}
    check_access(client, world, row, role, data=data)


def test_the_panel_member_sees_only_the_row_they_reviewed(client, world):
    client.force_login(world.users["panel"])
    response = client.get(reverse("awards:ranking-detail", args=[2024]))

    assert [(row.rank, row.nomination) for row in response.context["ranking"].rows] == [
        (1, world.nomination)
    ]
