"""Who may open the nomination pages, the dossiers and the enforcement concerns.

Rows in the format of tests/partners/test_access.py, whose completeness test collects ACCESS.
"""

import datetime
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.urls import reverse

from awards.models import Cycle
from partners.models import EnforcementFlag
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
from tests.awards.factories import CycleFactory, NominationFactory

pytestmark = pytest.mark.django_db


def _year(w):
    return [w.cycle.year]


def _nomination(w):
    return [w.cycle.year, w.nomination.pk]


def _enterprise(w):
    return [w.enterprise.pk]


def _flag(w):
    return [w.flag.pk]


NOMINATIONS = to(lambda w: reverse("awards:nomination-list", args=[w.cycle.year]))
DOSSIER = to(lambda w: w.nomination.get_absolute_url())
CONCERNS = to(lambda w: f"{w.enterprise.get_absolute_url()}#concerns-heading")
STAFF = (LOGIN, 200, 200, 200, 403, 403, 403, 200, 403)
LOGIN_TO_PREVIEW = to(
    lambda w: (
        reverse("login")
        + "?next="
        + quote(reverse("awards:nomination-bulk", args=[w.cycle.year]) + "?min_events=1")
    )
)
REASON = {"reason": "Nominated by mistake: the enterprise asked not to take part this year."}

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("awards:nomination-list", "get", SECRETARIAT_ONLY, _year),
    Access("awards:nomination-create", "get", ALL_405, _year),
    Access("awards:nomination-create", "post", (LOGIN, 403, 403, NOMINATIONS, 403, 403, 403, NOMINATIONS, 403), _year, data={"enterprise": "other"}),  # noqa: E501
    Access("awards:nomination-bulk", "get", SECRETARIAT_ONLY, _year),
    Access("awards:nomination-bulk", "get", (LOGIN_TO_PREVIEW, *SECRETARIAT_ONLY[1:]), _year, data={"min_events": 1}, case="preview"),  # noqa: E501
    # Only the other enterprise has a verified event and no nomination: one candidate.
    Access("awards:nomination-bulk", "post", (LOGIN, 403, 403, NOMINATIONS, 403, 403, 403, NOMINATIONS, 403), _year, data={"min_events": 1, "expected": 1}),  # noqa: E501
    # A panel member reaches a dossier through their assignment (the panel's pages), not here.
    Access("awards:dossier", "get", SECRETARIAT_ONLY, _nomination),
    Access("awards:nomination-withdraw", "get", ALL_405, _nomination),
    Access("awards:nomination-withdraw", "post", (LOGIN, 403, 403, DOSSIER, 403, 403, 403, DOSSIER, 403), _nomination, data={**REASON, "confirmed": "1"}),  # noqa: E501
    Access("awards:nomination-withdraw", "post", (LOGIN, 403, 403, 200, 403, 403, 403, 200, 403), _nomination, data=REASON, case="unconfirmed"),  # noqa: E501
    # Enforcement concerns: raised by any customs staff, cleared by the secretariat.
    Access("partners:enforcement-flag-create", "get", STAFF, _enterprise),
    Access("partners:enforcement-flag-create", "post", (LOGIN, CONCERNS, CONCERNS, CONCERNS, 403, 403, 403, CONCERNS, 403), _enterprise, data={"flagged_on": "2024-05-02", "reason": "Under investigation for a false declaration."}),  # noqa: E501
    Access("partners:enforcement-flag-clear", "get", SECRETARIAT_ONLY, _flag),
    Access("partners:enforcement-flag-clear", "post", (LOGIN, 403, 403, CONCERNS, 403, 403, 403, CONCERNS, 403), _flag, data={"reason": "The investigation found no offence."}),  # noqa: E501
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
    verified_event,
    other_enterprise_event,
):
    cycle = CycleFactory(year=2024, status=Cycle.Status.NOMINATIONS)
    enterprise = partner_user.membership.enterprise
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        cycle=cycle,
        enterprise=enterprise,
        other_enterprise=other_partner_user.membership.enterprise,
        nomination=NominationFactory(cycle=cycle, enterprise=enterprise, nominated_by=secretariat),
        flag=EnforcementFlag.objects.create(
            enterprise=enterprise,
            flagged_on=datetime.date(2023, 11, 2),
            reason="Suspected undervaluation.",
            raised_by=officer,
        ),
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    data = {k: world.other_enterprise.pk if v == "other" else v for k, v in row.data.items()}
    check_access(client, world, row, role, data=data)
