"""Who may open the ceremony list and its exports: the secretariat only (and the superuser, who
holds every role). Rows in the format of tests/partners/test_access.py, whose completeness test
collects ACCESS."""

from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.urls import reverse

from awards.models import Cycle, NominationResult
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
from tests.awards.ceremony_data import awardees, finalised_cycle
from tests.awards.factories import CycleFactory

pytestmark = pytest.mark.django_db

# No cycle 2031: the secretariat (who sees every cycle) gets 404; the others are refused first.
UNKNOWN_CYCLE = (LOGIN, 403, 403, 404, 403, 403, 403, 404, 403)


def _finalised(w):
    return [w.cycle.year]


def _open(w):
    return [w.open_cycle.year]


def _first(w):
    return [w.cycle.year, w.first.pk]


def _secretariat_then(target) -> tuple:
    return (LOGIN, 403, 403, target, 403, 403, 403, target, 403)


PDF_LOGIN = to(
    lambda w: (
        reverse("login")
        + "?next="
        + quote(reverse("awards:ceremony-download", args=[w.cycle.year]) + "?format=pdf")
    )
)
LIST = to(lambda w: reverse("awards:ceremony-list", args=[w.cycle.year]))
FIRST_ROW = to(
    lambda w: f"{reverse('awards:ceremony-list', args=[w.cycle.year])}#entry-{w.first.pk}"
)

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("awards:ceremony-list", "get", SECRETARIAT_ONLY, _finalised),
    # A cycle not finalised yet shows why there is no list.
    Access("awards:ceremony-list", "get", SECRETARIAT_ONLY, _open, case="open"),
    Access("awards:ceremony-list", "get", UNKNOWN_CYCLE, lambda w: [2031], case="unknown"),
    Access("awards:ceremony-move", "get", ALL_405, _first),
    Access("awards:ceremony-move", "post", _secretariat_then(FIRST_ROW), _first, data={"direction": "down"}),  # noqa: E501
    Access("awards:ceremony-reset", "get", ALL_405, _finalised),
    Access("awards:ceremony-reset", "post", _secretariat_then(LIST), _finalised, data={"confirmed": "1"}),  # noqa: E501
    Access("awards:ceremony-reset", "post", (LOGIN, 403, 403, 200, 403, 403, 403, 200, 403), _finalised, case="unconfirmed"),  # noqa: E501
    Access("awards:ceremony-date", "get", ALL_405, _finalised),
    Access("awards:ceremony-date", "post", _secretariat_then(LIST), _finalised, data={"ceremony_date": "2024-10-24"}),  # noqa: E501
    Access("awards:ceremony-entry-update", "get", SECRETARIAT_ONLY, _first),
    Access("awards:ceremony-entry-update", "post", _secretariat_then(FIRST_ROW), _first, data={"representative_name": "Ms Chan Wing-yan", "table_number": "3"}),  # noqa: E501
    # Only an awardee of the cycle has an entry.
    Access("awards:ceremony-entry-update", "get", UNKNOWN_CYCLE, lambda w: [w.cycle.year, w.not_awarded.pk], case="not-awarded"),  # noqa: E501
    Access("awards:ceremony-download", "get", SECRETARIAT_ONLY, _finalised),
    Access("awards:ceremony-download", "get", (PDF_LOGIN, *SECRETARIAT_ONLY[1:]), _finalised, data={"format": "pdf"}, case="pdf"),  # noqa: E501
    # Nothing to download before the cycle is finalised.
    Access("awards:ceremony-download", "get", UNKNOWN_CYCLE, _open, case="open"),
]
# fmt: on


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    """2024 finalised with two awardees (partner1's enterprise not among them) and a nominee
    not awarded; 2025 in panel review."""
    cycle = finalised_cycle()
    results = awardees(cycle, secretariat, count=2)
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        cycle=cycle,
        open_cycle=CycleFactory(year=2025, status=Cycle.Status.REVIEW),
        # The first in the default order: the cargo terminal, before the express courier.
        first=results["Kwai Chung Container Terminals Limited"],
        not_awarded=NominationResult.objects.get(nomination__cycle=cycle, awarded=False),
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    check_access(client, world, row, role)
