"""Who may open the two-factor and re-authentication pages (portal/two_factor/views.py). Rows
in the format of tests/partners/test_access.py, whose completeness test collects ACCESS. They
run with STAFF_2FA off, as the rest of the suite: the pages work in every mode
(tests/portal/test_two_factor.py runs them with it on)."""

from types import SimpleNamespace

import pytest

from tests.access import (
    ALL_405,
    LOGIN,
    ROLES,
    SECRETARIAT_ONLY,
    Access,
    check_access,
    parametrize_access,
    role_users,
    to,
)
from tests.factories import UserFactory
from tests.portal.two_factor import enrol

pytestmark = pytest.mark.django_db

LOGIN_PAGE = "/accounts/login/"
SECURITY = "/accounts/two-factor/"
USERS = "/accounts/second-factors/"
SIGNED_IN = (LOGIN,) + (200,) * (len(ROLES) - 1)
# Without a password given just before in this browser, the login's steps start again.
TO_LOGIN = (to(LOGIN_PAGE),) * len(ROLES)


def _lost(w):
    return [w.lost.pk]


# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("login-second-factor", "get", TO_LOGIN),
    Access("login-second-factor", "post", TO_LOGIN, data={"code": "123456"}),
    Access("two-factor", "get", SIGNED_IN),
    Access("two-factor-enrol", "get", (to(LOGIN_PAGE),) + (200,) * (len(ROLES) - 1)),
    Access("two-factor-enrol", "post", (to(LOGIN_PAGE),) + (200,) * (len(ROLES) - 1), data={"code": "000000"}),  # noqa: E501
    # Shown once, right after they are made: otherwise back to the security page.
    Access("two-factor-recovery-codes", "get", (LOGIN,) + (to(SECURITY),) * (len(ROLES) - 1)),
    Access("two-factor-recovery-codes-renew", "get", ALL_405),
    # Nobody here has an app: nothing to renew.
    Access("two-factor-recovery-codes-renew", "post", (LOGIN,) + (to(SECURITY),) * (len(ROLES) - 1)),  # noqa: E501
    Access("reauthenticate", "get", SIGNED_IN),
    Access("reauthenticate", "post", SIGNED_IN, data={"password": "wrong"}),
    Access("second-factor-users", "get", SECRETARIAT_ONLY),
    Access("second-factor-reset", "get", SECRETARIAT_ONLY, _lost),
    Access("second-factor-reset", "post", (LOGIN, 403, 403, to(USERS), 403, 403, 403, to(USERS), 403), _lost),  # noqa: E501
]
# fmt: on
MESSAGES = {"two-factor-recovery-codes-get": ("info",)}


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    lost = UserFactory(username="lost", roles=["Officer"])
    enrol(lost)
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        lost=lost,
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    allowed = MESSAGES.get(row.id, ("success",))
    check_access(client, world, row, role, messages_allowed=allowed)
