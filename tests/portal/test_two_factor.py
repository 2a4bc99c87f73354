"""Two-factor login (portal/two_factor/): who is asked, enrolment at the first login, the code
step, recovery codes, the modes of STAFF_2FA, the admin site, the audit trail. Codes are
computed as an authenticator app does (django_otp.oath.totp)."""

import re
from base64 import b32decode

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import AuditEntry
from portal.two_factor import policy
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.portal.two_factor import (
    code_for,
    enrol,
    log_in_verified,
    password_step,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.STAFF_2FA = "required"


@pytest.fixture
def optional(settings):
    settings.STAFF_2FA = "optional"


def actions(user) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_id=str(user.pk), action__startswith="auth.second")
        .order_by("pk")
        .values_list("action", "note")
    )


# Who is asked


def test_a_second_factor_is_required_of_every_staff_role_and_superusers(
    officer, verifier, secretariat, panel_member, partner_user
):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    for user in (officer, verifier, secretariat, panel_member, admin):
        assert policy.is_required_for(user), user.username
    assert not policy.is_required_for(partner_user)
    assert not policy.is_required_for(UserFactory(username="newcomer"))


def test_an_enterprise_that_requires_it_makes_it_required_of_its_users(
    partner_user, other_partner_user, enterprise
):
    enterprise.two_factor_required = True
    enterprise.save()
    assert policy.is_required_for(partner_user)
    assert not policy.is_required_for(other_partner_user)


@pytest.mark.parametrize(
    ("mode", "enrolled", "who", "step"),
    [
        ("required", False, "officer", policy.ENROL),
        ("required", True, "officer", policy.VERIFY),
        ("required", False, "partner", None),
        ("required", True, "partner", policy.VERIFY),
        ("optional", False, "officer", None),
        ("optional", True, "officer", policy.VERIFY),
        ("optional", True, "partner", policy.VERIFY),
        ("off", True, "officer", None),
        ("off", False, "officer", None),
    ],
)
def test_the_login_step_follows_the_mode_and_the_enrolment(
    settings, officer, partner_user, mode, enrolled, who, step
):
    settings.STAFF_2FA = mode
    user = officer if who == "officer" else partner_user
    if enrolled:
        enrol(user)
    assert policy.login_step(user) == step


# Enrolment at the first login


def test_a_staff_user_enrols_at_the_first_login_and_sees_the_recovery_codes_once(
    client, required, officer
):
    response = password_step(client, "officer", next_url="/events/")
    assert response["Location"] == reverse("two-factor-enrol")
    # Not logged in yet: no page opens.
    assert client.get("/dashboard/")["Location"].startswith("/accounts/login/")

    page = client.get(reverse("two-factor-enrol"))
    assert page.status_code == 200
    assert 'src="data:image/svg+xml' in page.text
    key = page.context["manual_key"].replace(" ", "")
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert b32decode(key) == device.bin_key

    wrong = client.post(reverse("two-factor-enrol"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "That code is not valid" in wrong.text
    device.throttle_reset()  # a wrong code makes the next one wait a second

    code = f"{totp(b32decode(key)):06d}"  # as the app computes it from the key
    response = client.post(reverse("two-factor-enrol"), {"code": code})
    assert response["Location"] == reverse("two-factor-recovery-codes")
    codes_page = client.get(response["Location"])
    codes = codes_page.context["codes"]
    assert len(codes) == 10
    kept = StaticToken.objects.filter(device__user=officer).values_list("token", flat=True)
    assert set(kept) == set(codes)
    assert 'href="/events/"' in codes_page.text  # on to where they were going
    # Shown once.
    again = client.get(reverse("two-factor-recovery-codes"))
    assert again["Location"] == reverse("two-factor")
    assert client.get("/events/").status_code == 200
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert actions(officer) == [
        ("auth.second_factor.failed", "enrolment"),
        ("auth.second_factor.enrolled", ""),
    ]


def test_the_enrolment_page_needs_a_password_given_just_before(client, required, officer, settings):
    assert client.get(reverse("two-factor-enrol"))["Location"] == reverse("login")
    password_step(client, "officer")
    session = client.session
    session["_pending_login"]["at"] -= settings.PENDING_LOGIN_MINUTES * 60 + 1
    session.save()
    assert client.get(reverse("two-factor-enrol"))["Location"] == reverse("login")
    assert "The login took too long" in client.get(reverse("login")).text


def test_a_partner_is_not_asked_to_enrol_but_may_from_the_security_page(
    client, required, partner_user
):
    response = password_step(client, "partner1")
    assert response["Location"] == "/"
    page = client.get(reverse("two-factor"))
    assert "Set up two-factor login" in page.text
    device = TOTPDevice.objects.create(user=partner_user, confirmed=False, name="x")
    # The enrolment page takes the unconfirmed device it made.
    client.get(reverse("two-factor-enrol"))
    response = client.post(reverse("two-factor-enrol"), {"code": code_for(device)})
    assert response["Location"] == reverse("two-factor-recovery-codes")
    assert client.get(response["Location"]).status_code == 200
    # The session is verified with the new app: it goes on.
    assert client.get("/my-enterprise/").status_code == 200
    assert policy.login_step(partner_user) == policy.VERIFY


# The code step


def test_an_enrolled_user_logs_in_with_the_code_of_their_app(client, required, officer):
    device = enrol(officer)
    response = password_step(client, "officer", next_url="/events/")
    assert response["Location"] == reverse("login-second-factor")
    assert client.get("/events/").status_code == 302
    response = client.post(reverse("login-second-factor"), {"code": code_for(device)})
    assert response["Location"] == "/events/"
    assert client.get("/events/").status_code == 200
    assert actions(officer) == [("auth.second_factor.verified", "login")]


def test_a_wrong_code_is_refused_recorded_and_makes_the_next_try_wait(client, required, officer):
    device = enrol(officer)
    password_step(client, "officer")
    response = client.post(reverse("login-second-factor"), {"code": "123456"})
    assert "That code is not valid." in response.text
    response = client.post(reverse("login-second-factor"), {"code": code_for(device)})
    assert "Too many wrong codes. Wait 1 second before trying again." in response.text
    assert client.get("/dashboard/").status_code == 302
    assert actions(officer) == [
        ("auth.second_factor.failed", "login"),
        ("auth.second_factor.failed", "too soon"),
    ]


def test_a_recovery_code_works_once(client, required, officer):
    enrol(officer, codes=("aaaa2222", "bbbb3333"))
    password_step(client, "officer")
    response = client.post(reverse("login-second-factor"), {"code": "AAAA 2222"}, follow=True)
    assert response.redirect_chain[0] == ("/", 302)
    assert "You used a recovery code: 1 is left." in response.text
    client.post(reverse("logout"))

    password_step(client, "officer")
    response = client.post(reverse("login-second-factor"), {"code": "aaaa2222"})
    assert "That code is not valid." in response.text
    assert list(StaticToken.objects.values_list("token", flat=True)) == ["bbbb3333"]
    assert actions(officer) == [
        ("auth.second_factor.recovery_code_used", "login"),
        ("auth.second_factor.failed", "login"),
    ]


def test_the_code_step_without_a_password_goes_back_to_the_login(client, required):
    assert client.get(reverse("login-second-factor"))["Location"] == reverse("login")


# The modes


def test_optional_mode_asks_the_enrolled_only(client, optional, officer, verifier):
    enrol(officer)
    assert password_step(client, "officer")["Location"] == reverse("login-second-factor")
    client.logout()
    assert password_step(client, "verifier")["Location"] == "/"
    assert client.get("/dashboard/").status_code == 200


def test_off_mode_asks_nobody(client, settings, officer):
    settings.STAFF_2FA = "off"
    enrol(officer)
    assert password_step(client, "officer")["Location"] == "/"
    assert client.get("/dashboard/").status_code == 200


def test_a_session_without_the_second_factor_it_needs_ends(client, required, officer):
    # A login from before STAFF_2FA was required (or any way around the code step).
    client.force_login(officer)
    response = client.get("/dashboard/")
    assert response["Location"] == "/accounts/login/?next=/dashboard/"
    assert "please log in again with your second factor" in client.get(response["Location"]).text


def test_a_verified_session_goes_on_until_the_factor_is_reset(
    client, required, officer, secretariat
):
    device = enrol(officer)
    log_in_verified(client, officer, device)
    assert client.get("/dashboard/").status_code == 200
    from portal.two_factor.services import second_factor_reset

    second_factor_reset(user=officer, actor=secretariat)
    assert client.get("/dashboard/").status_code == 302


# The admin site


def test_the_admin_site_requires_the_second_factor(client, required):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get("/admin/").status_code == 302
    device = enrol(admin)
    log_in_verified(client, admin, device)
    assert client.get("/admin/").status_code == 200


def test_the_admin_sites_own_login_page_sends_to_the_portals(client, required):
    response = client.get("/admin/login/?next=/admin/")
    assert response["Location"] == "/accounts/login/?next=/admin/"


def test_the_admin_site_checks_the_second_factor_itself(rf, required):
    from django.contrib import admin

    user = UserFactory(username="admin", is_superuser=True, is_staff=True)
    enrol(user)
    request = rf.get("/admin/")
    user.is_verified = lambda: False
    request.user = user
    assert not admin.site.has_permission(request)
    user.is_verified = lambda: True
    assert admin.site.has_permission(request)


# Recovery codes renewed


def test_new_recovery_codes_replace_the_old_ones(client, required, officer):
    device = enrol(officer, codes=("aaaa2222",))
    log_in_verified(client, officer, device)
    response = client.post(reverse("two-factor-recovery-codes-renew"))
    assert response["Location"] == reverse("two-factor-recovery-codes")
    codes = client.get(response["Location"]).context["codes"]
    assert sorted(StaticToken.objects.values_list("token", flat=True)) == sorted(codes)
    assert "aaaa2222" not in codes
    assert actions(officer)[-1] == ("auth.second_factor.recovery_codes_renewed", "")


# Reset by the secretariat


def test_the_secretariat_resets_a_lost_factor_after_confirming_who_they_are(
    client, required, officer, secretariat
):
    enrol(officer)
    device = enrol(secretariat)
    log_in_verified(client, secretariat, device)
    url = reverse("second-factor-reset", args=[officer.pk])
    # The login was just now: recent enough.
    response = client.post(url)
    assert response["Location"] == reverse("second-factor-users")
    assert not TOTPDevice.objects.filter(user=officer).exists()
    entry = AuditEntry.objects.get(action="auth.second_factor.reset")
    assert (entry.actor, entry.object_id) == (secretariat, str(officer.pk))
    # At the next login, the officer sets up an app again.
    client.logout()
    assert password_step(client, "officer")["Location"] == reverse("two-factor-enrol")


def test_a_reset_asks_for_the_password_and_code_again_after_ten_minutes(
    client, required, officer, secretariat
):
    from tests.portal.two_factor import age_session

    enrol(officer)
    device = enrol(secretariat)
    log_in_verified(client, secretariat, device)
    age_session(client, key="_reauth_at", seconds=11 * 60)
    url = reverse("second-factor-reset", args=[officer.pk])
    users_page = reverse("second-factor-users")
    response = client.post(url, HTTP_REFERER=f"http://testserver{url}")
    confirm = f"{reverse('reauthenticate')}?next={url.replace('/', '%2F')}"
    assert response["Location"] == confirm
    assert TOTPDevice.objects.filter(user=officer).exists()

    page = client.get(confirm)
    assert 'name="code"' in page.text
    wrong = client.post(confirm, {"password": "wrong", "code": code_for(device), "next": url})
    assert "That password is not right." in wrong.text
    response = client.post(confirm, {"password": PASSWORD, "code": code_for(device), "next": url})
    assert response["Location"] == url
    assert client.get(url).status_code == 200
    assert client.post(url)["Location"] == users_page
    assert not TOTPDevice.objects.filter(user=officer).exists()
    assert ("auth.second_factor.verified", "reauthentication") in actions(secretariat)


@pytest.mark.parametrize(
    ("actor", "target", "allowed"),
    [
        ("secretariat", "officer", True),
        ("secretariat", "admin", False),
        ("secretariat", "secretariat", False),
        ("admin", "secretariat", True),
        ("admin", "admin", False),
        ("officer", "verifier", False),
        ("partner1", "partner1", False),
    ],
)
def test_who_may_reset_whose_second_factor(
    officer, verifier, secretariat, partner_user, actor, target, allowed
):
    from portal.rules import may_reset_second_factor

    users = {
        "officer": officer,
        "verifier": verifier,
        "secretariat": secretariat,
        "partner1": partner_user,
        "admin": UserFactory(username="admin", is_superuser=True, is_staff=True),
    }
    assert bool(may_reset_second_factor(users[actor], users[target])) is allowed


def test_the_users_list_finds_people_and_says_who_is_enrolled(client, secretariat, officer):
    enrol(officer)
    client.force_login(secretariat)
    page = client.get(reverse("second-factor-users"), {"q": "offic"})
    rows = [(p.username, p.enrolled, bool(p.may_reset)) for p in page.context["page"]]
    assert rows == [("officer", True, True)]
    assert reverse("second-factor-reset", args=[officer.pk]) in page.text


@pytest.mark.parametrize("size", [1, 3])
def test_the_users_list_costs_the_same_queries_whatever_its_length(
    client, secretariat, django_assert_num_queries, size
):
    for number in range(size):
        enrol(UserFactory(username=f"user{number}"))
    client.force_login(secretariat)
    # session, user, roles, count, page, notifications' badge...
    with django_assert_num_queries(5):
        response = client.get(reverse("second-factor-users"), {"q": "user"})
    assert len(response.context["page"]) == size


# The invitation of an enterprise that requires a second factor


def test_a_new_colleague_of_an_enterprise_that_requires_it_enrols_first(
    client, required, enterprise
):
    from partners.services import colleagues

    enterprise.two_factor_required = True
    enterprise.save()
    manager = MembershipFactory(
        user=UserFactory(username="boss", roles=["Partner"]), enterprise=enterprise, is_manager=True
    ).user
    colleagues.invitation_send(user=manager, email="new@example.org")
    from django.core import mail

    token = re.search(r"/invitations/([^/]+)/", mail.outbox[-1].body).group(1)
    response = client.post(
        reverse("partners:invitation-accept", args=[token]),
        {
            "username": "newbie",
            "first_name": "New",
            "last_name": "Colleague",
            "password1": "a-long-unusual-passphrase-42",
            "password2": "a-long-unusual-passphrase-42",
        },
    )
    assert response["Location"] == reverse("two-factor-enrol")
    assert client.get("/my-enterprise/").status_code == 302
