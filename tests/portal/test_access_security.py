"""Who may open the password-reset pages (anybody: they serve people who cannot log in) and
the security log (the secretariat and the superuser only). Rows in the format of
tests/partners/test_access.py, whose completeness test collects ACCESS."""

from types import SimpleNamespace

import pytest

from tests.access import (
    ROLES,
    SECRETARIAT_ONLY,
    Access,
    check_access,
    parametrize_access,
    role_users,
    to,
)

pytestmark = pytest.mark.django_db

EVERYONE = (200,) * len(ROLES)

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("password_reset", "get", EVERYONE),
    Access("password_reset", "post", (to("/accounts/password/reset/sent/"),) * len(ROLES), data={"email": "someone@example.org"}),  # noqa: E501
    Access("password_reset_done", "get", EVERYONE),
    # A link that does not work: the page says so (and offers a new one).
    Access("password_reset_confirm", "get", EVERYONE, lambda w: ["MQ", "not-a-token"]),
    Access("password_reset_complete", "get", EVERYONE),
    Access("security-log", "get", SECRETARIAT_ONLY),
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
