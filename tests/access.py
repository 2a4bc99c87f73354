"""The access tables' shared parts: the roles, the cell kinds, a row, and the one test body
every tests/**/test_access*.py module runs over its own ACCESS table and `world` fixture.

Cells: an HTTP status, LOGIN (302 to the login page, back here afterwards), or `to(...)`
(302 to that exact address). Each cell runs as its own test on fresh data.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import UserFactory

ROLES = (
    "anonymous",
    "officer",
    "verifier",
    "secretariat",
    "panel",
    "partner1",
    "partner2",
    "superuser",
    "no_role",
)

LOGIN = "login"
# POST-only views answer a GET with 405, whoever asks (signed in or not).
ALL_405 = (405,) * len(ROLES)
# The secretariat's pages (and the superuser's, who holds every role).
SECRETARIAT_ONLY = (LOGIN, 403, 403, 200, 403, 403, 403, 200, 403)


@dataclass(frozen=True)
class Redirect:
    target: Callable[[SimpleNamespace], str]


def to(target) -> Redirect:
    """302 to `target`: a path, or a function of the test world returning one."""
    return Redirect(target if callable(target) else lambda world: target)


@dataclass(frozen=True)
class Access:
    url_name: str
    method: str
    expected: tuple
    args: Callable[[SimpleNamespace], list] = lambda world: []
    data: dict = field(default_factory=dict)
    case: str = ""

    def __post_init__(self):
        assert len(self.expected) == len(ROLES), f"{self.url_name}: one cell per role"

    @property
    def id(self) -> str:
        return "-".join(filter(None, [self.url_name, self.method, self.case]))


def role_users(
    officer, verifier, secretariat, panel_member, partner_user, other_partner_user
) -> dict:
    """The signed-in roles' users (every role but "anonymous"), by role."""
    return {
        "officer": officer,
        "verifier": verifier,
        "secretariat": secretariat,
        "panel": panel_member,
        "partner1": partner_user,
        "partner2": other_partner_user,
        "superuser": UserFactory(username="admin", is_superuser=True, is_staff=True),
        "no_role": UserFactory(username="newcomer"),
    }


def parametrize_access(rows):
    """One test per row and role, with the ids "<url name>-<method>[-<case>]-<role>"."""
    return pytest.mark.parametrize(
        ("row", "role"),
        [pytest.param(row, role, id=f"{row.id}-{role}") for row in rows for role in ROLES],
    )


def _outcome(response):
    if response.status_code == 302:
        return 302, response["Location"]
    return response.status_code


def _expected_outcome(cell, url, world):
    if cell == LOGIN:
        return 302, f"{reverse('login')}?next={quote(url)}"
    if isinstance(cell, Redirect):
        return 302, cell.target(world)
    return cell


def check_access(client, world, row, role, *, messages_allowed=("success",), data=None):
    """`role` sends the row's request (`data` instead of the row's own, when given: for the
    tables whose data holds placeholders) and gets the row's cell for that role.

    The messages shown must be none or exactly `messages_allowed`: a redirect back with an
    error message would be a refusal in disguise.
    """
    url = reverse(row.url_name, args=row.args(world))
    if role != "anonymous":
        client.force_login(world.users[role])
    response = getattr(client, row.method)(url, row.data if data is None else data)
    actual = _outcome(response)
    expected = _expected_outcome(row.expected[ROLES.index(role)], url, world)
    assert actual == expected, f"{row.id} as {role}: {actual!r}, expected {expected!r}"
    levels = [m.level_tag for m in get_messages(response.wsgi_request)]
    assert levels in ([], list(messages_allowed)), f"{row.id} as {role}: messages {levels}"
