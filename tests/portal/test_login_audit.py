"""The security log's entries (portal/login_audit.py) and the login throttle beyond axes'
per username-and-address lock-out (portal/login_throttle.py). Logins go through the real form
(client.post), so that axes and the signals see the request."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from portal.audit_labels import AuthEvent, LockoutNote
from portal.login_throttle import current_lockout
from portal.models import AuditEntry
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0 Safari/537.36"


def log_in(client, username, password=PASSWORD, address="203.0.113.7", **extra):
    return client.post(
        LOGIN_URL,
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT=BROWSER,
        **extra,
    )


def trail(**filters):
    return list(
        AuditEntry.objects.security_log()
        .filter(**filters)
        .order_by("pk")
        .values_list("action", "object_repr", "client_address", "note")
    )


# What each event writes


def test_a_login_is_recorded_with_the_users_address_and_browser(client, officer):
    response = log_in(client, "officer")

    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuthEvent.LOGIN)
    assert (entry.actor, entry.object_id, entry.object_repr) == (
        officer,
        str(officer.pk),
        "officer",
    )
    assert (entry.client_address, entry.user_agent, entry.note) == ("203.0.113.7", BROWSER, "")
    assert entry.action_label == "Logged in"


def test_a_failed_login_is_recorded_with_the_username_tried(client, officer):
    log_in(client, "officer", "guess")
    log_in(client, "nobody-here", "guess")

    known, unknown = AuditEntry.objects.filter(action=AuthEvent.LOGIN_FAILED).order_by("pk")
    assert (known.actor, known.object_id, known.object_repr) == (None, str(officer.pk), "officer")
    assert (unknown.actor, unknown.object_id, unknown.object_repr) == (None, "", "nobody-here")
    assert unknown.client_address == "203.0.113.7"
    assert unknown.user_agent == BROWSER


def test_a_logout_is_recorded(client, officer):
    log_in(client, "officer")
    client.post(reverse("logout"), REMOTE_ADDR="203.0.113.7")

    assert trail() == [
        (AuthEvent.LOGIN, "officer", "203.0.113.7", ""),
        (AuthEvent.LOGOUT, "officer", "203.0.113.7", ""),
    ]
    assert AuditEntry.objects.get(action=AuthEvent.LOGOUT).actor == officer


def test_a_password_change_is_recorded(client, officer):
    log_in(client, "officer")
    new = "harbour-lantern-tide-2025"
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
        REMOTE_ADDR="198.51.100.20",
    )

    entry = AuditEntry.objects.get(action=AuthEvent.PASSWORD_CHANGED)
    assert (entry.actor, entry.object_repr, entry.client_address) == (
        officer,
        "officer",
        "198.51.100.20",
    )


def test_a_refused_password_change_is_not_recorded_as_one(client, officer):
    log_in(client, "officer")
    client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "a-b-c-d-e-1", "new_password2": "a-b-c-d-e-1"},
    )
    assert not AuditEntry.objects.filter(action=AuthEvent.PASSWORD_CHANGED).exists()


def test_what_the_client_sent_is_kept_printable_and_short(client, officer):
    client.post(
        LOGIN_URL,
        {"username": "offi\x1bcer\nadmin", "password": "guess"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_USER_AGENT="A" * 500,
    )

    entry = AuditEntry.objects.get(action=AuthEvent.LOGIN_FAILED)
    assert entry.object_repr == "offi\ufffdcer\ufffdadmin"
    assert entry.user_agent == "A" * 200


def test_behind_a_proxy_the_clients_address_is_kept(client, settings, officer):
    settings.TRUSTED_PROXY_COUNT = 1
    client.post(
        LOGIN_URL,
        {"username": "officer", "password": "guess"},
        REMOTE_ADDR="10.0.0.2",
        HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.44",
    )
    assert AuditEntry.objects.get().client_address == "192.0.2.44"


# Kept, whatever axes does


def test_failures_stay_in_the_trail_after_a_successful_login(client, settings, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "officer", "guess")
    assert log_in(client, "officer").status_code == 302

    # axes forgets its count (AXES_RESET_ON_SUCCESS); the trail keeps every attempt.
    assert AccessAttempt.objects.count() == 0
    assert [action for action, *_ in trail()] == [AuthEvent.LOGIN_FAILED] * (
        settings.AXES_FAILURE_LIMIT - 1
    ) + [AuthEvent.LOGIN]


def test_axes_lock_out_is_recorded_as_a_lock_out(client, settings, officer):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "officer", "guess")
    assert response.status_code == 429
    assert log_in(client, "officer").status_code == 429

    assert (
        trail()
        == [(AuthEvent.LOGIN_FAILED, "officer", "203.0.113.7", "")]
        * (settings.AXES_FAILURE_LIMIT - 1)
        + [(AuthEvent.LOCKED_OUT, "officer", "203.0.113.7", LockoutNote.PAIR)] * 2
    )
    entry = AuditEntry.objects.filter(action=AuthEvent.LOCKED_OUT).first()
    assert entry.note_for_display == "too many failed logins for this username from this address"


# Throttling across usernames and across addresses


@pytest.fixture
def ten_accounts(db):
    return [UserFactory(username=f"sprayed{n}", roles=["Partner"]) for n in range(10)]


def test_password_spraying_from_one_address_locks_that_address(client, settings, ten_accounts):
    """40 guesses over 10 accounts (4 each: under axes' 5 per username and address)."""
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 20
    statuses = []
    for _round in range(4):
        for user in ten_accounts:
            statuses.append(log_in(client, user.username, "Summer2025!").status_code)

    assert statuses == [200] * 19 + [429] * 21
    # Locked out whatever the account, even with its right password...
    response = log_in(client, "sprayed3")
    assert response.status_code == 429
    assert "Logins from your address are refused for a while" in response.text
    assert "_auth_user_id" not in client.session
    # ...from that address only.
    assert log_in(client, "sprayed3", address="198.51.100.20").status_code == 302
    assert (
        AuditEntry.objects.filter(action=AuthEvent.LOCKED_OUT, note=LockoutNote.ADDRESS).count()
        == 22
    )


def test_one_username_guessed_at_from_many_addresses_is_locked_everywhere(
    client, settings, officer, verifier
):
    settings.LOGIN_FAILURE_LIMIT_PER_USERNAME = 10
    statuses = [
        log_in(client, "officer", f"guess{n}", address=f"192.0.2.{n}").status_code
        for n in range(1, 11)
    ]

    assert statuses == [200] * 9 + [429]
    response = log_in(client, "officer", address="198.51.100.99")
    assert response.status_code == 429
    assert "This account is locked for a while after repeated failed attempts." in response.text
    # Another account from the same addresses is not affected.
    assert log_in(client, "verifier", address="192.0.2.1").status_code == 302


def test_a_successful_login_does_not_reset_the_address_count(client, settings, ten_accounts):
    """A sprayer who owns one account cannot clear the count by logging in to it."""
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    for user in ten_accounts[1:]:
        log_in(client, user.username, "guess")
    assert log_in(client, "sprayed0").status_code == 302
    client.post(reverse("logout"))
    log_in(client, "sprayed1", "guess")
    log_in(client, "sprayed2", "guess")

    assert log_in(client, "sprayed3", "guess").status_code == 429


def test_a_lock_out_ends_after_the_cool_off(client, settings, ten_accounts):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 3
    for user in ten_accounts[:3]:
        log_in(client, user.username, "guess")
    assert log_in(client, "sprayed5").status_code == 429

    AuditEntry.objects.update(
        created_at=timezone.now() - settings.AXES_COOLOFF_TIME - datetime.timedelta(seconds=1)
    )
    assert log_in(client, "sprayed5").status_code == 302


def test_a_limit_of_zero_is_off(client, settings, ten_accounts):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 0
    settings.LOGIN_FAILURE_LIMIT_PER_USERNAME = 0
    for _round in range(3):
        for user in ten_accounts:
            assert log_in(client, user.username, "guess").status_code == 200


# The lock-out page says how long


def test_the_lock_out_page_says_how_many_minutes_it_lasts(client, settings, officer):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=30)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "officer", "guess")

    assert response.status_code == 429
    assert "Try again in 30 minutes." in response.text


def test_an_address_lock_out_lasts_the_cool_off_from_its_last_attempt(
    client, rf, settings, ten_accounts
):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 2
    log_in(client, "sprayed0", "guess")
    log_in(client, "sprayed1", "guess")
    # The lock began 14 minutes ago (of 15): one minute left...
    AuditEntry.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=14))
    lockout = current_lockout(rf.post(LOGIN_URL, REMOTE_ADDR="203.0.113.7"), "sprayed2")
    assert (lockout.note, lockout.minutes) == (LockoutNote.ADDRESS, 1)
    # ...until another attempt, which starts it again.
    response = log_in(client, "sprayed2")
    assert response.status_code == 429
    assert "Try again in 15 minutes." in response.text


def test_the_lock_out_page_is_translated_with_its_minutes(
    client, settings, officer, compiled_catalogue
):
    settings.AXES_COOLOFF_TIME = datetime.timedelta(minutes=20)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = log_in(client, "officer", "guess")

    assert response.status_code == 429
    assert "20 分鐘後再試" in response.text
