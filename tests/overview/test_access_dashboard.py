"""Who may open the staff dashboard: customs staff (officer, verifier, secretariat) and the
superuser, who holds every role. Rows in the format of tests/partners/test_access.py, whose
completeness test collects ACCESS."""

from types import SimpleNamespace

import pytest

from tests.access import LOGIN, Access, check_access, parametrize_access, role_users

pytestmark = pytest.mark.django_db

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("dashboard", "get", (LOGIN, 200, 200, 200, 403, 403, 403, 200, 403)),
]
# fmt: on


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        )
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    check_access(client, world, row, role)
