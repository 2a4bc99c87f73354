"""Password reset by email (portal/password_reset.py, Django's views in portal/views.py): the
email in the user's own language, the same answer for an unknown address, rate limits, and the
link's token in the address of its first request only."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from portal.audit_labels import AuthEvent, ResetNote
from portal.models import AuditEntry, UserPreference
from portal.ratelimit import SLICES
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

RESET = "/accounts/password/reset/"
NEW_PASSWORD = "harbour-lantern-tide-2025"


def ask(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


def link_path(message) -> str:
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)
    assert link.startswith(settings.PUBLIC_BASE_URL + "/accounts/reset/")
    return link.removeprefix(settings.PUBLIC_BASE_URL)


def test_a_partner_resets_their_password_by_email(
    client, partner_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "PARTNER1@example.org")

    assert (response.status_code, response["Location"]) == (302, "/accounts/password/reset/sent/")
    assert (
        "If a portal account has the address you entered" in client.get(response["Location"]).text
    )
    (message,) = mail.outbox
    assert message.to == [partner_user.email]
    assert message.subject == "[EEPA] Reset your password"
    assert "your account partner1 in the Elite Enterprise Partnership Award" in message.body
    assert "The link is valid for 60 minutes and can be used once." in message.body

    form_url = client.get(link_path(message))["Location"]
    response = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    assert (response.status_code, response["Location"]) == (302, "/accounts/reset/done/")
    assert "Your new password is set." in client.get("/accounts/reset/done/").text
    assert (
        client.post("/accounts/login/", {"username": "partner1", "password": PASSWORD}).status_code
        == 200
    )
    assert (
        client.post(
            "/accounts/login/", {"username": "partner1", "password": NEW_PASSWORD}
        ).status_code
        == 302
    )
    assert list(
        AuditEntry.objects.security_log().order_by("pk").values_list("action", "object_repr")
    ) == [
        (AuthEvent.RESET_REQUESTED, "partner1"),
        (AuthEvent.RESET_COMPLETED, "partner1"),
        (AuthEvent.LOGIN_FAILED, "partner1"),
        (AuthEvent.LOGIN, "partner1"),
    ]


def test_the_reset_token_is_in_the_address_of_its_first_request_only(
    client, partner_user, django_capture_on_commit_callbacks
):
    """Access logs keep every request's address: Django's view checks the token, keeps it in
    the session and redirects at once to an address without it; the first response asks the
    browser to send no Referer (which would carry the token to the next requests)."""
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, partner_user.email)
    path = link_path(mail.outbox[0])
    token = path.rstrip("/").rsplit("/", 1)[1]

    first = client.get(path)

    assert first.status_code == 302
    assert first["Referrer-Policy"] == "no-referrer"
    later = [first["Location"]]
    page = client.get(later[-1])
    assert page.context["validlink"] is True
    assert token not in page.text
    # The form's page keeps the site's policy: under no-referrer a browser would post the form
    # with `Origin: null`, and the CSRF check would refuse it.
    assert page["Referrer-Policy"] == "same-origin"
    done = client.post(later[-1], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    later.append(done["Location"])
    client.get(later[-1])
    assert later[0].endswith("/set-password/")
    assert not any(token in url for url in later)


def test_a_used_link_no_longer_works(client, partner_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, partner_user.email)
    path = link_path(mail.outbox[0])
    form_url = client.get(path)["Location"]
    client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})

    response = client.get(path)

    assert response.status_code == 200
    assert response["Referrer-Policy"] == "no-referrer"
    assert response.context["validlink"] is False
    assert "This link does not work" in response.text


def test_the_email_is_in_the_users_saved_language(
    client, partner_user, compiled_catalogue, django_capture_on_commit_callbacks
):
    UserPreference.objects.create(user=partner_user, language="zh-hant")

    # Asked from an English page: the email follows the account's language, not the page's.
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, partner_user.email, HTTP_ACCEPT_LANGUAGE="en")

    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "zh-hant"
    assert "重設密碼" in message.subject
    assert "連結於 60 分鐘內有效" in message.body
    assert "Reset your password" not in message.subject


def test_an_unknown_address_gets_the_same_answer_and_no_email(
    client, partner_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as known_callbacks:
        known = ask(client, partner_user.email)
    with django_capture_on_commit_callbacks(execute=True) as unknown_callbacks:
        unknown = ask(client, "nobody@example.org")

    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert known.content == unknown.content
    assert len(mail.outbox) == 1
    # The only difference is work queued for after the commit, which the worker does.
    assert (len(known_callbacks), len(unknown_callbacks)) == (1, 0)
    entry = AuditEntry.objects.filter(action=AuthEvent.RESET_REQUESTED).latest("pk")
    assert (entry.object_id, entry.object_repr, entry.note) == (
        "",
        "nobody@example.org",
        ResetNote.NO_ACCOUNT,
    )


def test_the_email_is_sent_by_the_worker_after_the_commit(
    client, partner_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ask(client, partner_user.email)
        assert mail.outbox == []
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1


def test_an_inactive_account_gets_no_email(client, django_capture_on_commit_callbacks):
    UserFactory(username="gone", email="gone@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, "gone@example.org")
    assert response.status_code == 302
    assert mail.outbox == []


def test_emails_to_one_address_are_limited(
    client, settings, partner_user, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_EMAIL_RATE_LIMIT = 2
    answers = []
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            # From three addresses: the limit is the email address's own.
            answers.append(ask(client, partner_user.email, REMOTE_ADDR=f"192.0.2.{n}"))

    assert {answer["Location"] for answer in answers} == {"/accounts/password/reset/sent/"}
    assert len(mail.outbox) == 2
    assert AuditEntry.objects.filter(action=AuthEvent.RESET_REQUESTED).latest("pk").note == (
        ResetNote.RATE_LIMITED
    )


def test_requests_from_one_client_address_are_limited(client, settings, partner_user):
    settings.PASSWORD_RESET_RATE_LIMIT = 2
    ask(client, "a@example.org")
    ask(client, "b@example.org")

    response = ask(client, "c@example.org")

    assert response.status_code == 429
    # Within the hour, give or take the sliding window's slice (portal/ratelimit.py).
    assert 0 < int(response["Retry-After"]) <= 3600 + 3600 // SLICES
    assert ask(client, "c@example.org", REMOTE_ADDR="198.51.100.20").status_code == 302
    assert AuditEntry.objects.filter(action=AuthEvent.RESET_REQUESTED).count() == 3


def test_the_login_page_offers_the_reset(client):
    assert reverse("password_reset") in client.get("/accounts/login/").text
