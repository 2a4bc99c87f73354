import datetime
import re
import threading

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from partners.models import Invitation, Membership
from partners.services import colleagues
from portal.models import AuditEntry
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

User = get_user_model()
LIST = reverse("partners:colleagues")
INVITE = reverse("partners:colleague-invite")
NEW_PASSWORD = "harbour-lantern-1987"


@pytest.fixture
def manager(partner_user):
    Membership.objects.filter(user=partner_user).update(is_manager=True)
    partner_user.refresh_from_db()
    return partner_user


@pytest.fixture
def colleague_membership(enterprise):
    return MembershipFactory(
        enterprise=enterprise,
        user=UserFactory(
            username="colleague", first_name="Mei", last_name="Chan", roles=["Partner"]
        ),
    )


def _link_path(message) -> str:
    link = re.search(r"https?://\S+/invitations/\S+/", message.body).group(0)
    assert link.startswith(settings.PUBLIC_BASE_URL + "/invitations/")
    return link.removeprefix(settings.PUBLIC_BASE_URL)


def _accept_data(**overrides):
    return {
        "username": "ada",
        "first_name": "Ada",
        "last_name": "Wong",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        **overrides,
    }


def _invite(email="ada@example.com", **kwargs):
    """An invitation and its link's token, sent by the `invited_by` manager."""
    mail.outbox.clear()
    invitation = colleagues.invitation_send(email=email, **kwargs)
    return invitation, _link_path(mail.outbox[-1]).split("/")[-2]


# The whole path


def test_an_invited_colleague_joins_and_lands_on_the_partner_home(client, manager, enterprise):
    client.force_login(manager)

    response = client.post(INVITE, {"email": "Ada@Example.com"})

    assert response.status_code == 302
    assert response["Location"] == LIST
    (message,) = mail.outbox
    assert message.to == ["ada@example.com"]
    assert message.subject == f"[EEPA] Join {enterprise.name_en} in the EEPA portal"
    assert "valid for 7 days" in message.body
    invitation = Invitation.objects.get()
    assert invitation.expires_at - invitation.created_at == datetime.timedelta(days=7)
    path = _link_path(message)
    token = path.split("/")[-2]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64

    client.logout()
    page = client.get(path, follow=True)
    # The token is checked, kept in the session, and the form served from an address without it.
    assert page.redirect_chain == [(reverse("partners:invitation-form"), 302)]
    assert page.status_code == 200
    assert page.context["form"]["username"].value() == "ada"
    response = client.post(reverse("partners:invitation-form"), _accept_data(), follow=True)

    assert response.redirect_chain == [(reverse("my-enterprise"), 302)]
    assert response.status_code == 200
    assert response.context["enterprise"] == enterprise
    user = User.objects.get(username="ada")
    assert response.context["user"] == user
    assert (user.email, user.first_name, user.last_name) == ("ada@example.com", "Ada", "Wong")
    assert list(user.groups.values_list("name", flat=True)) == ["Partner"]
    membership = user.membership
    assert (membership.enterprise, membership.is_active, membership.is_manager) == (
        enterprise,
        True,
        False,
    )
    invitation.refresh_from_db()
    assert invitation.state() == Invitation.State.ACCEPTED
    assert invitation.accepted_by == user
    assert list(
        AuditEntry.objects.exclude(action__startswith="auth.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "partners.invitation.sent",
        "partners.invitation.accepted",
        "partners.membership.created",
    ]


def test_the_email_is_in_the_inviters_language(manager, compiled_catalogue):
    with translation.override("zh-hant"):
        _invite(user=manager)
    message = mail.outbox[-1]
    with translation.override("zh-hant"):
        expected = translation.gettext(
            "If you did not expect this invitation, you can ignore this email."
        )
    assert expected in message.body


def test_the_manager_sees_colleagues_and_pending_invitations(client, manager, colleague_membership):
    _invite(user=manager)
    client.force_login(manager)

    response = client.get(LIST)

    assert response.status_code == 200
    assert {m.user.username for m in response.context["members"]} == {"partner1", "colleague"}
    assert [i.email for i in response.context["invitations"]] == ["ada@example.com"]
    assert "colleague@example.org" in response.text


def test_the_colleagues_page_query_count_does_not_grow(client, manager, enterprise):
    """The same number of queries with 1 and with 3 colleagues and invitations (the exact
    number depends on the site-wide context processors, not on this page)."""
    client.force_login(manager)
    counts = []
    for n in range(3):
        MembershipFactory(enterprise=enterprise)
        _invite(user=manager, email=f"new{n}@example.com")
        if n in (0, 2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(LIST)
            counts.append(len(queries))
    assert len(response.context["invitations"]) == 3
    assert counts[0] == counts[1]


# Invitations


def test_inviting_an_active_colleague_is_refused(client, manager, colleague_membership):
    client.force_login(manager)

    response = client.post(INVITE, {"email": "COLLEAGUE@example.org"})

    assert response.status_code == 200
    assert response.context["form"].errors["email"] == [
        "colleague@example.org already belongs to your enterprise."
    ]
    assert mail.outbox == []
    assert not Invitation.objects.exists()


def test_a_new_invitation_replaces_the_pending_one(client, manager):
    first, first_token = _invite(user=manager)
    second, second_token = _invite(user=manager)

    first.refresh_from_db()
    assert first.state() == Invitation.State.REVOKED
    assert second.state() == Invitation.State.PENDING
    assert client.get(reverse("partners:invitation-accept", args=[first_token])).status_code == 410
    response = client.get(reverse("partners:invitation-accept", args=[second_token]))
    assert (response.status_code, response["Location"]) == (302, "/invitations/accept/")


def test_invitations_are_rate_limited_per_enterprise(client, manager, enterprise, settings):
    settings.INVITATION_RATE_LIMIT = 2
    _invite(user=manager, email="a@example.com")
    _invite(user=manager, email="b@example.com")
    client.force_login(manager)

    response = client.post(INVITE, {"email": "c@example.com"})

    assert response.context["form"].errors["email"] == [
        "Your enterprise has sent the most invitations allowed within 24 hours (2). "
        "Please try again tomorrow."
    ]
    assert Invitation.objects.count() == 2
    Invitation.objects.update(created_at=timezone.now() - datetime.timedelta(days=1, seconds=1))
    assert client.post(INVITE, {"email": "c@example.com"}).status_code == 302


def test_the_manager_withdraws_an_invitation(client, manager):
    invitation, token = _invite(user=manager)
    client.force_login(manager)

    client.post(reverse("partners:invitation-revoke", args=[invitation.pk]), {"confirmed": "1"})

    invitation.refresh_from_db()
    assert invitation.state() == Invitation.State.REVOKED
    client.logout()
    response = client.get(reverse("partners:invitation-accept", args=[token]))
    assert response.status_code == 410
    assert "This invitation has been withdrawn." in response.text


def test_an_expired_link_is_gone(client, manager):
    invitation, token = _invite(user=manager)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    url = reverse("partners:invitation-accept", args=[token])

    response = client.post(url, _accept_data())

    assert response.status_code == 410
    assert "This invitation has expired." in response.text
    assert invitation.enterprise.name_en not in response.text
    assert not User.objects.filter(username="ada").exists()


def test_a_used_link_is_gone(client, manager):
    _invitation, token = _invite(user=manager)
    url = reverse("partners:invitation-accept", args=[token])
    client.post(url, _accept_data())
    client.logout()

    response = client.post(url, _accept_data(username="ada2"))

    assert response.status_code == 410
    assert "This invitation has already been used." in response.text
    assert User.objects.filter(email="ada@example.com").count() == 1


def test_a_tampered_link_is_not_found(client, manager, enterprise):
    _invitation, token = _invite(user=manager)
    url = reverse(
        "partners:invitation-accept", args=[token[:-1] + ("A" if token[-1] != "A" else "B")]
    )

    response = client.get(url)

    assert response.status_code == 404
    assert "This invitation link is not valid." in response.text
    assert enterprise.name_en not in response.text


def test_the_password_must_pass_djangos_validators(client, manager):
    _invitation, token = _invite(user=manager)
    url = reverse("partners:invitation-accept", args=[token])

    response = client.post(url, _accept_data(password1="12345678", password2="12345678"))

    assert response.status_code == 200
    assert "This password is entirely numeric." in response.context["form"].errors["password1"]
    assert not User.objects.filter(username="ada").exists()


def test_a_taken_username_is_refused(client, manager, colleague_membership):
    _invitation, token = _invite(user=manager)

    response = client.post(
        reverse("partners:invitation-accept", args=[token]), _accept_data(username="Colleague")
    )

    assert response.context["form"].errors["username"] == [
        "This username is taken; please choose another."
    ]


def test_an_address_with_an_account_already_is_refused_at_acceptance(client, manager, verifier):
    _invitation, token = _invite(user=manager, email=verifier.email)

    response = client.post(reverse("partners:invitation-accept", args=[token]), _accept_data())

    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [
        "A portal account with this email address already exists. An account belongs to one "
        "enterprise only: please ask the EEPA Secretariat to attach it."
    ]
    assert not hasattr(verifier, "membership")


@pytest.mark.django_db(transaction=True)
def test_two_acceptances_at_once_create_one_user(enterprise):
    manager = MembershipFactory(
        enterprise=enterprise, is_manager=True, user=UserFactory(username="boss", roles=["Partner"])
    ).user
    _invitation, token = _invite(user=manager)
    outcomes = []
    barrier = threading.Barrier(2)

    def accept(username):
        barrier.wait()
        try:
            colleagues.invitation_accept(
                token=token, username=username, password=NEW_PASSWORD, first_name="Ada"
            )
            outcomes.append("created")
        except colleagues.InvitationUnusable as unusable:
            outcomes.append(unusable.state)
        finally:
            connection.close()

    threads = [threading.Thread(target=accept, args=(name,)) for name in ("ada", "ada2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes) == [Invitation.State.ACCEPTED, "created"]
    assert User.objects.filter(email="ada@example.com").count() == 1
    assert Membership.objects.filter(enterprise=enterprise).count() == 2


# Deactivating, reactivating, managers


def test_a_deactivated_colleague_no_longer_sees_the_enterprise(
    client, manager, colleague_membership
):
    client.force_login(manager)

    response = client.post(
        reverse("partners:colleague-deactivate", args=[colleague_membership.pk]), {"confirmed": "1"}
    )

    assert response["Location"] == LIST
    colleague_membership.refresh_from_db()
    assert colleague_membership.is_active is False
    assert User.objects.filter(pk=colleague_membership.user_id, is_active=True).exists()
    entry = AuditEntry.objects.get(action="partners.membership.deactivated")
    assert (entry.actor, entry.changes) == (manager, {"is_active": ["True", "False"]})
    client.force_login(colleague_membership.user)
    assert client.get(reverse("my-enterprise")).status_code == 403

    client.force_login(manager)
    client.post(reverse("partners:colleague-reactivate", args=[colleague_membership.pk]))
    colleague_membership.refresh_from_db()
    assert colleague_membership.is_active is True
    client.force_login(colleague_membership.user)
    assert client.get(reverse("my-enterprise")).status_code == 200


def test_a_manager_cannot_deactivate_themself(client, manager):
    client.force_login(manager)

    response = client.post(
        reverse("partners:colleague-deactivate", args=[manager.membership.pk]), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        "You cannot deactivate or reactivate yourself."
    ]
    assert Membership.objects.get(user=manager).is_active is True


def test_the_manager_makes_a_colleague_manager_who_can_then_act(
    client, manager, colleague_membership
):
    client.force_login(manager)

    client.post(
        reverse("partners:colleague-manager", args=[colleague_membership.pk]), {"is_manager": "1"}
    )

    colleague_membership.refresh_from_db()
    assert colleague_membership.is_manager is True
    assert AuditEntry.objects.get(action="partners.membership.updated").changes == {
        "is_manager": ["False", "True"]
    }
    client.force_login(colleague_membership.user)
    assert client.get(LIST).status_code == 200


def test_the_last_active_manager_cannot_step_down(client, manager, colleague_membership):
    client.force_login(manager)

    response = client.post(
        reverse("partners:colleague-manager", args=[manager.membership.pk]),
        {"is_manager": "0"},
        follow=True,
    )

    assert [str(m) for m in response.context["messages"]] == [
        "The enterprise must keep at least one active manager."
    ]
    assert Membership.objects.get(user=manager).is_manager is True


def test_a_manager_steps_down_once_another_is_named(client, manager, colleague_membership):
    client.force_login(manager)
    client.post(
        reverse("partners:colleague-manager", args=[colleague_membership.pk]), {"is_manager": "1"}
    )

    client.post(
        reverse("partners:colleague-manager", args=[manager.membership.pk]), {"is_manager": "0"}
    )

    assert Membership.objects.get(user=manager).is_manager is False
    assert client.get(LIST).status_code == 403


def test_a_partner_who_is_not_a_manager_gets_403(client, partner_user, colleague_membership):
    client.force_login(partner_user)

    assert client.get(LIST).status_code == 403
    assert client.post(INVITE, {"email": "x@example.com"}).status_code == 403
    assert (
        client.post(
            reverse("partners:colleague-deactivate", args=[colleague_membership.pk])
        ).status_code
        == 403
    )
    assert not Invitation.objects.exists()


def test_a_manager_cannot_touch_another_enterprises_colleagues(client, manager, other_partner_user):
    other = other_partner_user.membership
    client.force_login(manager)

    for name in ("colleague-deactivate", "colleague-reactivate", "colleague-manager"):
        assert client.post(reverse(f"partners:{name}", args=[other.pk])).status_code == 404
    other.refresh_from_db()
    assert (other.is_active, other.is_manager) == (True, False)


# Two-factor login required of the enterprise's users


def test_a_manager_requires_a_second_factor_of_every_colleague(
    client, manager, colleague_membership, enterprise, settings
):
    from portal.two_factor import policy

    settings.STAFF_2FA = "required"
    colleague = colleague_membership.user
    assert policy.login_step(colleague) is None
    client.force_login(manager)
    # The manager's own session was not asked for a second factor when it started: it goes on
    # until it ends, and the next login asks.
    response = client.post(reverse("partners:colleague-two-factor"), {"required": "1"})
    assert response["Location"] == LIST
    enterprise.refresh_from_db()
    assert enterprise.two_factor_required
    assert policy.login_step(colleague) == policy.ENROL
    entry = AuditEntry.objects.get(action="partners.enterprise.updated")
    assert (entry.actor, entry.changes) == (manager, {"two_factor_required": ["False", "True"]})


def test_a_manager_can_drop_the_requirement(client, manager, enterprise):
    enterprise.two_factor_required = True
    enterprise.save()
    client.force_login(manager)
    page = client.get(LIST)
    assert "Every colleague must log in with a second factor" in page.text
    client.post(reverse("partners:colleague-two-factor"), {"required": "0"})
    enterprise.refresh_from_db()
    assert not enterprise.two_factor_required


def test_a_colleague_who_is_not_a_manager_cannot_require_it(client, colleague_membership):
    client.force_login(colleague_membership.user)
    response = client.post(reverse("partners:colleague-two-factor"), {"required": "1"})
    assert response.status_code == 403
    assert not colleague_membership.enterprise.__class__.objects.get(
        pk=colleague_membership.enterprise_id
    ).two_factor_required


def test_the_colleagues_page_says_who_has_set_up_a_second_factor(
    client, manager, colleague_membership
):
    from tests.portal.two_factor import enrol

    enrol(colleague_membership.user)
    client.force_login(manager)
    members = client.get(LIST).context["members"]
    assert {m.user.username: m.two_factor for m in members} == {
        "partner1": False,
        "colleague": True,
    }


def test_the_links_token_is_in_the_address_of_its_first_request_only(client, manager):
    """Access logs keep every request's address: after the link's own request the token is in
    none, and the first response asks the browser to send no Referer (which would carry it)."""
    _invitation, token = _invite(user=manager)

    first = client.get(reverse("partners:invitation-accept", args=[token]))

    assert first["Referrer-Policy"] == "no-referrer"
    later = [first["Location"]]
    form = client.get(later[-1])
    assert token not in form.text
    assert form["Referrer-Policy"] == "same-origin"  # no-referrer would break its CSRF check
    accepted = client.post(later[-1], _accept_data())
    later.append(accepted["Location"])
    assert client.get(later[-1]).status_code == 200
    assert later == [reverse("partners:invitation-form"), reverse("my-enterprise")]
    assert not any(token in url for url in later)
    assert User.objects.filter(username="ada").exists()
    # Used, the token leaves the session.
    assert client.get(reverse("partners:invitation-form")).status_code == 404


def test_a_link_that_no_longer_works_also_sends_no_referrer(client, manager):
    invitation, token = _invite(user=manager)
    Invitation.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    response = client.get(reverse("partners:invitation-accept", args=[token]))

    assert response.status_code == 410
    assert response["Referrer-Policy"] == "no-referrer"


def test_accepting_works_from_an_address_locked_out_of_logins(client, manager, settings):
    """The new account is logged in without a password check, which the address's lock-out
    (a shared office address) would refuse."""
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 2
    for username in ("someone", "someone-else"):
        client.post("/accounts/login/", {"username": username, "password": "guess"})
    _invitation, token = _invite(user=manager)

    client.get(reverse("partners:invitation-accept", args=[token]))
    response = client.post(reverse("partners:invitation-form"), _accept_data())

    assert (response.status_code, response["Location"]) == (302, reverse("my-enterprise"))
    assert client.session["_auth_user_id"] == str(User.objects.get(username="ada").pk)


# The invitee's language


def test_the_manager_chooses_the_invitees_language_which_their_account_keeps(
    client, manager, enterprise, compiled_catalogue
):
    client.force_login(manager)  # the manager reads English

    client.post(INVITE, {"email": "mei@example.com", "language": "zh-hant"})

    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "zh-hant"
    assert message.subject == f"[EEPA] 加入 EEPA 網上平台上的 {enterprise.name_zh}"
    # The enterprise's Chinese name first, its English one in brackets.
    assert f"{enterprise.name_zh}（{enterprise.name_en}）" in message.body
    assert "如要建立帳戶，請開啟以下連結：" in message.body
    assert Invitation.objects.get().language == "zh-hant"

    client.logout()
    client.get(_link_path(message))
    data = _accept_data(username="mei", first_name="美玲", last_name="陳")
    response = client.post(reverse("partners:invitation-form"), data, follow=True)

    user = User.objects.get(username="mei")
    assert user.preference.language == "zh-hant"
    # A Chinese name in Chinese order: family name first, no space.
    assert [str(m) for m in response.context["messages"]] == [
        "Welcome, 陳美玲. Your account is ready."
    ]


def test_the_invitees_language_is_the_managers_by_default(client, manager, compiled_catalogue):
    client.force_login(manager)
    client.cookies["django_language"] = "zh-hant"

    page = client.get(LIST)
    assert page.context["form"]["language"].value() == "zh-hant"

    client.post(INVITE, {"email": "ada@example.com", "language": "en"})
    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "en"
    assert "If you did not expect this invitation, you can ignore this email." in message.body


def test_an_invitation_in_no_language_of_the_portal_is_refused(client, manager):
    client.force_login(manager)

    response = client.post(INVITE, {"email": "ada@example.com", "language": "fr"})

    assert response.status_code == 200
    assert "language" in response.context["form"].errors
    assert not Invitation.objects.exists() and not mail.outbox
