"""Session limits (portal/sessions.py): idle timeout, absolute lifetime, the login page's
message after them; re-authentication before sensitive actions (portal.auth)."""

import time

import pytest
from django.test import RequestFactory
from django.urls import reverse

from portal import sessions
from portal.auth import recent_auth_required
from tests.factories import PASSWORD
from tests.portal.two_factor import age_session, code_for, enrol, log_in_verified

pytestmark = pytest.mark.django_db


# Idle timeout and absolute lifetime


def test_a_staff_session_ends_after_30_idle_minutes(client, officer):
    client.force_login(officer)
    age_session(client, key=sessions.SEEN_AT, seconds=29 * 60)
    assert client.get("/dashboard/").status_code == 200
    age_session(client, key=sessions.SEEN_AT, seconds=31 * 60)
    response = client.get("/dashboard/")
    assert response["Location"] == "/accounts/login/?next=/dashboard/"
    page = client.get(response["Location"])
    assert "You were logged out after 30 minutes without activity." in page.text
    # Said once.
    assert "without activity" not in client.get(response["Location"]).text


def test_each_request_keeps_the_session_alive(client, officer):
    client.force_login(officer)
    age_session(client, key=sessions.SEEN_AT, seconds=25 * 60)
    assert client.get("/dashboard/").status_code == 200
    assert time.time() - client.session[sessions.SEEN_AT] < 5


def test_a_partner_session_has_the_longer_partner_idle_timeout(client, partner_user, settings):
    settings.PARTNER_SESSION_IDLE_TIMEOUT = 60
    client.force_login(partner_user)
    age_session(client, key=sessions.SEEN_AT, seconds=45 * 60)
    assert client.get("/my-enterprise/").status_code == 200
    age_session(client, key=sessions.SEEN_AT, seconds=61 * 60)
    response = client.get("/my-enterprise/")
    assert response.status_code == 302
    assert "after 60 minutes without activity" in client.get(response["Location"]).text


def test_the_idle_timeout_is_a_setting(client, officer, settings):
    settings.SESSION_IDLE_TIMEOUT = 5
    client.force_login(officer)
    age_session(client, key=sessions.SEEN_AT, seconds=6 * 60)
    assert client.get("/dashboard/").status_code == 302


def test_a_session_ends_12_hours_after_the_login_however_active(client, officer):
    client.force_login(officer)
    age_session(client, key=sessions.AUTH_AT, seconds=11.9 * 3600)
    assert client.get("/dashboard/").status_code == 200
    age_session(client, key=sessions.AUTH_AT, seconds=12 * 3600 + 1)
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert "a session lasts 12 hours at most" in client.get(response["Location"]).text


def test_the_absolute_lifetime_is_a_setting_and_the_cookie_follows_it(client, officer, settings):
    settings.SESSION_MAX_AGE_HOURS = 2
    client.force_login(officer)
    age_session(client, key=sessions.AUTH_AT, seconds=2 * 3600 + 1)
    assert client.get("/dashboard/").status_code == 302


def test_an_htmx_request_of_an_ended_session_reloads_the_login_page(client, officer):
    client.force_login(officer)
    age_session(client, key=sessions.SEEN_AT, seconds=31 * 60)
    response = client.get(
        "/dashboard/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/events/"
    )
    assert response["HX-Redirect"].startswith("/accounts/login/?next=")


def test_a_session_from_before_the_limits_starts_its_clocks(client, officer):
    client.force_login(officer)
    session = client.session
    for key in (sessions.AUTH_AT, sessions.SEEN_AT, sessions.IDLE_MINUTES):
        del session[key]
    session.save()
    assert client.get("/dashboard/").status_code == 200
    assert sessions.AUTH_AT in client.session


# Re-authentication


@recent_auth_required
def _sensitive(request):
    from django.http import HttpResponse

    return HttpResponse("done")


def _request(method, user, *, reauth_age, referer=None):
    request = getattr(RequestFactory(), method)("/sensitive/?x=1", HTTP_REFERER=referer or "")
    request.user = user
    request.session = {sessions.REAUTH_AT: time.time() - reauth_age}
    return request


def test_a_recent_login_lets_the_sensitive_action_through(officer):
    assert _sensitive(_request("get", officer, reauth_age=9 * 60)).content == b"done"


def test_a_get_comes_back_to_itself_after_confirming(officer):
    response = _sensitive(_request("get", officer, reauth_age=11 * 60))
    assert response["Location"] == "/accounts/confirm/?next=%2Fsensitive%2F%3Fx%3D1"


def test_a_post_comes_back_to_the_page_of_its_form(officer):
    request = _request(
        "post", officer, reauth_age=11 * 60, referer="http://testserver/events/7/?tab=a"
    )
    response = _sensitive(request)
    assert response["Location"] == "/accounts/confirm/?next=%2Fevents%2F7%2F%3Ftab%3Da"


def test_a_post_from_another_site_comes_back_home(officer):
    request = _request("post", officer, reauth_age=11 * 60, referer="https://evil.example/x")
    assert _sensitive(request)["Location"] == "/accounts/confirm/?next=%2F"


def test_anonymous_is_sent_to_log_in(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/sensitive/")
    request.user = AnonymousUser()
    assert _sensitive(request)["Location"] == "/accounts/login/?next=/sensitive/"


def test_the_confirm_page_asks_the_password_only_of_a_user_without_a_second_factor(client, officer):
    client.force_login(officer)
    page = client.get(reverse("reauthenticate"), {"next": "/events/"})
    assert 'name="password"' in page.text
    assert 'name="code"' not in page.text
    response = client.post(reverse("reauthenticate"), {"password": PASSWORD, "next": "/events/"})
    assert response["Location"] == "/events/"


def test_the_confirm_page_refuses_a_wrong_password_and_a_foreign_next(client, officer):
    client.force_login(officer)
    age_session(client, key=sessions.REAUTH_AT, seconds=20 * 60)
    wrong = client.post(reverse("reauthenticate"), {"password": "nope", "next": "/events/"})
    assert "That password is not right." in wrong.text
    assert not sessions.has_recent_auth(wrong.wsgi_request)
    response = client.post(
        reverse("reauthenticate"), {"password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_the_confirm_page_asks_the_code_of_an_enrolled_user(client, officer, settings):
    settings.STAFF_2FA = "required"
    device = enrol(officer)
    log_in_verified(client, officer, device)
    missing = client.post(reverse("reauthenticate"), {"password": PASSWORD, "next": "/events/"})
    assert "This field is required." in missing.text
    response = client.post(
        reverse("reauthenticate"),
        {"password": PASSWORD, "code": code_for(device), "next": "/events/"},
    )
    assert response["Location"] == "/events/"
