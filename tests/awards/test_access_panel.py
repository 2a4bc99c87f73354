"""Who may open the panel's pages: the member's nominees, declarations and reviews, and the
secretariat's assignment, progress and export.

Rows in the format of tests/partners/test_access.py, whose completeness test collects ACCESS.
The panel member (panel1) has three nominees in a cycle under review: one still to declare,
one declared free of conflict, one recused; a fourth nominee is not theirs.
"""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from awards.models import Cycle, PanelAlternate
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
from tests.awards.factories import AssignmentFactory, CycleFactory, NominationFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db


def _year(w):
    return [w.cycle.year]


def _nominee(name):
    return lambda w: [w.cycle.year, getattr(w, name).pk]


def _back_to(name):
    return to(lambda w: reverse("awards:panel-nominee", args=[w.cycle.year, getattr(w, name).pk]))


PROGRESS = to(lambda w: reverse("awards:panel-progress", args=[w.cycle.year]))
# Only the member's own assignment: the superuser holds the Panel role but has none.
MEMBER_ONLY = (LOGIN, 403, 403, 403, 200, 403, 403, 404, 403)
NOT_THEIRS = (LOGIN, 403, 403, 403, 404, 403, 403, 404, 403)
SCORES = "every criterion"  # replaced by a score for each of the cycle's criteria
PANEL2 = "panel2's id"  # replaced by it
ALTERNATES = to(lambda w: reverse("awards:panel-progress", args=[w.cycle.year]) + "#alternates")


def _alternate(w):
    return [w.cycle.year, w.alternate.pk]


# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("awards:panel-nominee", "get", MEMBER_ONLY, _nominee("undeclared"), case="undeclared"),
    Access("awards:panel-nominee", "get", MEMBER_ONLY, _nominee("declared"), case="declared"),
    Access("awards:panel-nominee", "get", MEMBER_ONLY, _nominee("recused"), case="recused"),
    Access("awards:panel-nominee", "get", NOT_THEIRS, _nominee("unassigned"), case="unassigned"),
    Access("awards:panel-declare", "get", ALL_405, _nominee("undeclared")),
    Access("awards:panel-declare", "post", (LOGIN, 403, 403, 403, _back_to("undeclared"), 403, 403, 404, 403), _nominee("undeclared"), data={"declaration": "no_conflict"}),  # noqa: E501
    Access("awards:panel-declare", "post", (LOGIN, 403, 403, 403, _back_to("declared"), 403, 403, 404, 403), _nominee("declared"), data={"declaration": "conflict", "reason": "My brother joined its board.", "confirmed": "1"}, case="late-conflict"),  # noqa: E501
    Access("awards:panel-declare", "post", (LOGIN, 403, 403, 403, 200, 403, 403, 404, 403), _nominee("declared"), data={"declaration": "conflict", "reason": "My brother joined its board."}, case="unconfirmed"),  # noqa: E501
    Access("awards:panel-declare", "post", NOT_THEIRS, _nominee("unassigned"), data={"declaration": "no_conflict"}, case="unassigned"),  # noqa: E501
    Access("awards:panel-review", "get", ALL_405, _nominee("declared")),
    Access("awards:panel-review", "post", (LOGIN, 403, 403, 403, _back_to("declared"), 403, 403, 404, 403), _nominee("declared"), data={"comment": "Strong record.", "save": "1"}, case="draft"),  # noqa: E501
    Access("awards:panel-review", "post", (LOGIN, 403, 403, 403, _back_to("declared"), 403, 403, 404, 403), _nominee("declared"), data={SCORES: 7, "submit": "1", "confirmed": "1"}, case="submit"),  # noqa: E501
    Access("awards:panel-review", "post", (LOGIN, 403, 403, 403, 200, 403, 403, 404, 403), _nominee("declared"), data={SCORES: 7, "submit": "1"}, case="unconfirmed"),  # noqa: E501
    # Declare first; and never for a nominee one is recused from.
    Access("awards:panel-review", "post", (LOGIN, 403, 403, 403, 403, 403, 403, 404, 403), _nominee("undeclared"), data={SCORES: 7, "submit": "1"}, case="undeclared"),  # noqa: E501
    Access("awards:panel-review", "post", (LOGIN, 403, 403, 403, 403, 403, 403, 404, 403), _nominee("recused"), data={SCORES: 7, "submit": "1"}, case="recused"),  # noqa: E501
    Access("awards:panel-review", "post", NOT_THEIRS, _nominee("unassigned"), data={SCORES: 7, "submit": "1"}, case="unassigned"),  # noqa: E501
    Access("awards:panel-progress", "get", SECRETARIAT_ONLY, _year),
    Access("awards:panel-assign", "get", ALL_405, _year),
    Access("awards:panel-assign", "post", (LOGIN, 403, 403, PROGRESS, 403, 403, 403, PROGRESS, 403), _year, data={"mode": "balanced", "max_load": 4}),  # noqa: E501
    Access("awards:panel-reviews-export", "get", SECRETARIAT_ONLY, _year),
    Access("awards:panel-alternate-add", "get", ALL_405, _year),
    Access("awards:panel-alternate-add", "post", (LOGIN, 403, 403, ALTERNATES, 403, 403, 403, ALTERNATES, 403), _year, data={"member": PANEL2}),  # noqa: E501
    Access("awards:panel-alternate-remove", "get", ALL_405, _alternate),
    Access("awards:panel-alternate-remove", "post", (LOGIN, 403, 403, ALTERNATES, 403, 403, 403, ALTERNATES, 403), _alternate),  # noqa: E501
    Access("awards:panel-alternate-remove", "post", (LOGIN, 403, 403, 404, 403, 403, 403, 404, 403), lambda w: [w.cycle.year, w.panel2.pk], case="not-an-alternate"),  # noqa: E501
]
# fmt: on


@pytest.fixture
def world(
    officer, verifier, secretariat, panel_member, partner_user, other_partner_user, enterprise
):
    cycle = CycleFactory(year=2024, status=Cycle.Status.REVIEW, quorum=1)
    panel2 = UserFactory(username="panel2", roles=["Panel"])

    def nominee(name):
        return NominationFactory(
            cycle=cycle, enterprise=EnterpriseFactory(name_en=name), nominated_by=secretariat
        )

    undeclared = NominationFactory(cycle=cycle, enterprise=enterprise, nominated_by=secretariat)
    declared = NominationFactory(
        cycle=cycle,
        enterprise=other_partner_user.membership.enterprise,
        nominated_by=secretariat,
    )
    recused, unassigned = nominee("Recused Limited"), nominee("Unassigned Limited")
    AssignmentFactory(nomination=undeclared, member=panel_member, declaration="pending")
    AssignmentFactory(nomination=declared, member=panel_member, declaration="no_conflict")
    AssignmentFactory(
        nomination=recused,
        member=panel_member,
        declaration="conflict",
        conflict_reason="Former employer.",
    )
    AssignmentFactory(nomination=unassigned, member=panel2, declaration="no_conflict")
    alternate = UserFactory(username="panel3", roles=["Panel"])
    PanelAlternate.objects.create(cycle=cycle, member=alternate)
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        cycle=cycle,
        undeclared=undeclared,
        declared=declared,
        recused=recused,
        unassigned=unassigned,
        panel2=panel2,
        alternate=alternate,
    )


def _data(row, world) -> dict:
    data = dict(row.data)
    if data.get("member") == PANEL2:
        data["member"] = world.panel2.pk
    if SCORES in data:
        score = data.pop(SCORES)
        data.update({f"criterion_{c.pk}": score for c in world.cycle.criteria.all()})
    return data


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    check_access(client, world, row, role, data=_data(row, world))
