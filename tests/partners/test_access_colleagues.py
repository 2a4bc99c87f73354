"""Who may open the colleague pages: an enterprise's active managers their own enterprise's
colleagues and invitations (partner1 and partner2 are both managers here, each of their own
enterprise); the invitation link, anyone holding it. Rows in the format of
tests/partners/test_access.py, whose completeness test collects ACCESS."""

import datetime
from types import SimpleNamespace

import pytest
from django.core import mail
from django.utils import timezone

from partners.models import Invitation, Membership
from partners.services import colleagues
from tests.access import (
    ALL_405,
    LOGIN,
    ROLES,
    Access,
    check_access,
    parametrize_access,
    role_users,
    to,
)
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

LIST = "/my-enterprise/colleagues/"
MANAGERS = (LOGIN, 403, 403, 403, 403, 200, 200, 403, 403)
# partner1 acts on its own enterprise's colleague; partner2, a manager elsewhere, gets 404.
PARTNER1S = (LOGIN, 403, 403, 403, 403, to(LIST), 404, 403, 403)
PASSWORD = "harbour-lantern-1987"
ACCEPT = {
    "username": "ada",
    "first_name": "Ada",
    "last_name": "Wong",
    "password1": PASSWORD,
    "password2": PASSWORD,
}

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("partners:colleagues", "get", MANAGERS),
    Access("partners:colleague-invite", "get", MANAGERS),
    Access("partners:colleague-invite", "post", (LOGIN, 403, 403, 403, 403, to(LIST), to(LIST), 403, 403), data={"email": "new@example.com"}),  # noqa: E501
    Access("partners:colleague-deactivate", "get", ALL_405, lambda w: [w.colleague.pk]),
    Access("partners:colleague-deactivate", "post", PARTNER1S, lambda w: [w.colleague.pk], data={"confirmed": "1"}),  # noqa: E501
    Access("partners:colleague-reactivate", "get", ALL_405, lambda w: [w.inactive.pk]),
    Access("partners:colleague-reactivate", "post", PARTNER1S, lambda w: [w.inactive.pk]),
    Access("partners:colleague-manager", "get", ALL_405, lambda w: [w.colleague.pk]),
    Access("partners:colleague-manager", "post", PARTNER1S, lambda w: [w.colleague.pk], data={"is_manager": "1"}),  # noqa: E501
    Access("partners:colleague-two-factor", "get", ALL_405),
    Access("partners:colleague-two-factor", "post", (LOGIN, 403, 403, 403, 403, to(LIST), to(LIST), 403, 403), data={"required": "1"}),  # noqa: E501
    Access("partners:invitation-revoke", "get", ALL_405, lambda w: [w.invitation.pk]),
    Access("partners:invitation-revoke", "post", PARTNER1S, lambda w: [w.invitation.pk], data={"confirmed": "1"}),  # noqa: E501
    # The link works for whoever holds it, signed in or not.
    # The link keeps its token in the session and sends the browser on to the form's address.
    Access("partners:invitation-accept", "get", (to("/invitations/accept/"),) * len(ROLES), lambda w: [w.token]),  # noqa: E501
    # The form's address, without a token in the session (the link not opened first).
    Access("partners:invitation-form", "get", (404,) * len(ROLES)),
    Access("partners:invitation-form", "post", (404,) * len(ROLES), data=ACCEPT),
    Access("partners:invitation-accept", "post", (to("/my-enterprise/"),) * len(ROLES), lambda w: [w.token], data=ACCEPT),  # noqa: E501
    Access("partners:invitation-accept", "get", (404,) * len(ROLES), lambda w: ["x" * 43], case="unknown"),  # noqa: E501
    Access("partners:invitation-accept", "get", (410,) * len(ROLES), lambda w: [w.expired_token], case="expired"),  # noqa: E501
    Access("partners:invitation-accept", "post", (410,) * len(ROLES), lambda w: [w.expired_token], data=ACCEPT, case="expired"),  # noqa: E501
]
# fmt: on


def _token(manager, email):
    colleagues.invitation_send(user=manager, email=email)
    return mail.outbox[-1].body.split("/invitations/")[1].split("/")[0]


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    Membership.objects.filter(user__in=[partner_user, other_partner_user]).update(is_manager=True)
    enterprise = partner_user.membership.enterprise
    expired_token = _token(partner_user, "late@example.com")
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    token = _token(partner_user, "ada@example.com")
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        colleague=MembershipFactory(enterprise=enterprise),
        inactive=MembershipFactory(enterprise=enterprise, is_active=False),
        invitation=Invitation.objects.get(email="ada@example.com"),
        token=token,
        expired_token=expired_token,
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    check_access(client, world, row, role)
