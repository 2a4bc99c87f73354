"""Logging in and out through the real forms. Logins go through client.post, not
client.login, so that django-axes sees the request and counts failures."""

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"


@pytest.fixture
def demo_users(
    _fast_password_hashing,
    officer,
    verifier,
    secretariat,
    panel_member,
    partner_user,
    other_partner_user,
):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    users = [officer, verifier, secretariat, panel_member, partner_user, other_partner_user, admin]
    return {user.username: user for user in users}


def log_in(client, username, password=PASSWORD, **extra):
    return client.post(LOGIN_URL, {"username": username, "password": password}, **extra)


def test_the_login_page_renders(client):
    response = client.get(LOGIN_URL)
    assert response.status_code == 200
    assert [t.name for t in response.templates][0] == "registration/login.html"
    assert 'name="username"' in response.text
    assert 'name="password"' in response.text
    assert 'name="csrfmiddlewaretoken"' in response.text


@pytest.mark.parametrize(
    ("username", "landing"),
    [
        ("officer", "/dashboard/"),
        ("verifier", "/dashboard/"),
        ("secretariat", "/dashboard/"),
        ("panel1", "/awards/panel/"),
        ("admin", "/dashboard/"),
    ],
)
def test_each_staff_role_lands_on_its_home_page(client, demo_users, username, landing):
    response = log_in(client, username)
    assert (response.status_code, response["Location"]) == (302, "/")
    response = client.get("/", follow=True)
    assert response.redirect_chain == [(landing, 302)]
    assert response.status_code == 200
    assert response.context["user"] == demo_users[username]


@pytest.mark.parametrize("username", ["partner1", "partner2"])
def test_a_partner_lands_on_its_own_enterprise(client, demo_users, username):
    enterprise = demo_users[username].membership.enterprise
    response = log_in(client, username)
    assert (response.status_code, response["Location"]) == (302, "/")
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/my-enterprise/", 302)]
    assert response.context["enterprise"] == enterprise


def test_login_returns_to_the_page_asked_for(client, demo_users):
    response = client.post(
        LOGIN_URL, {"username": "verifier", "password": PASSWORD, "next": "/enterprises/"}
    )
    assert (response.status_code, response["Location"]) == (302, "/enterprises/")


def test_login_does_not_redirect_to_another_site(client, demo_users):
    response = client.post(
        LOGIN_URL,
        {"username": "verifier", "password": PASSWORD, "next": "https://evil.example.com/"},
    )
    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_wrong_password_shows_the_form_again(client, demo_users):
    response = log_in(client, "officer", "not-the-password")
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "__all__": [
            "Please enter a correct username and password. "
            "Note that both fields may be case-sensitive."
        ]
    }
    assert client.get("/")["Location"] == "/accounts/login/?next=/"


def test_repeated_failures_lock_the_account_out_even_for_the_right_password(
    client, settings, demo_users
):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "officer", "guess").status_code == 200
    # The last allowed failure already locks the account.
    response = log_in(client, "officer", "guess")
    assert response.status_code == 429
    assert '<h1 class="h3">Too many failed logins</h1>' in response.text

    response = log_in(client, "officer", PASSWORD)
    assert response.status_code == 429
    assert '<h1 class="h3">Too many failed logins</h1>' in response.text
    assert "_auth_user_id" not in client.session
    # An attempt during the lockout counts as one more failure, whatever the password.
    attempt = AccessAttempt.objects.get()
    assert (attempt.username, attempt.failures_since_start) == (
        "officer",
        settings.AXES_FAILURE_LIMIT + 1,
    )


def test_a_lockout_does_not_affect_other_users(client, settings, demo_users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "officer", "guess")
    assert log_in(client, "officer", PASSWORD).status_code == 429

    response = log_in(client, "verifier", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_lockout_is_for_one_username_from_one_address(client, settings, demo_users):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "officer", "guess", REMOTE_ADDR="203.0.113.7")
    assert log_in(client, "officer", PASSWORD, REMOTE_ADDR="203.0.113.7").status_code == 429

    response = log_in(client, "officer", PASSWORD, REMOTE_ADDR="198.51.100.20")
    assert (response.status_code, response["Location"]) == (302, "/")


def test_a_successful_login_resets_the_failure_count(client, settings, demo_users):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "officer", "guess")
    assert log_in(client, "officer", PASSWORD).status_code == 302
    assert AccessAttempt.objects.count() == 0
    client.post(reverse("logout"))
    assert log_in(client, "officer", "guess").status_code == 200
    assert log_in(client, "officer", PASSWORD).status_code == 302


def test_logout(client, demo_users):
    log_in(client, "secretariat")
    assert client.get("/enterprises/").status_code == 200

    response = client.post(reverse("logout"))
    assert (response.status_code, response["Location"]) == (302, LOGIN_URL)
    assert "_auth_user_id" not in client.session
    response = client.get("/enterprises/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=/enterprises/",
    )


def test_logout_needs_a_post(client, demo_users):
    log_in(client, "secretariat")
    assert client.get(reverse("logout")).status_code == 405
    assert client.get("/enterprises/").status_code == 200


def test_password_change(client, demo_users):
    new_password = "harbour-lantern-tide-2025"
    log_in(client, "officer")
    assert client.get(reverse("password_change")).status_code == 200

    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": new_password,
            "new_password2": new_password,
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/accounts/password/done/")
    assert client.get("/accounts/password/done/").status_code == 200
    # The session that changed the password stays logged in.
    assert client.get("/events/").status_code == 200

    client.post(reverse("logout"))
    assert log_in(client, "officer", PASSWORD).status_code == 200
    assert log_in(client, "officer", new_password).status_code == 302


def test_password_change_needs_the_old_password(client, demo_users):
    log_in(client, "officer")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "wrong-old-password",
            "new_password1": "harbour-lantern-tide-2025",
            "new_password2": "harbour-lantern-tide-2025",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "old_password": ["Your old password was entered incorrectly. Please enter it again."]
    }
    demo_users["officer"].refresh_from_db()
    assert demo_users["officer"].check_password(PASSWORD)


def test_password_change_refuses_a_weak_password(client, demo_users):
    log_in(client, "officer")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "new_password2": [
            "This password is too common.",
            "This password is entirely numeric.",
        ]
    }
