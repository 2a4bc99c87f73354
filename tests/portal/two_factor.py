"""Helpers of the two-factor tests: codes computed as an authenticator app does."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import PASSWORD

LOGIN_URL = "/accounts/login/"


def code_for(device: TOTPDevice, *, steps_ahead: int = 0) -> str:
    """The six digits the app shows now (`steps_ahead`: 30 s later, for a second code within
    the same 30 s, which django-otp refuses as a replay)."""
    device.refresh_from_db()
    return f"{totp(device.bin_key, drift=steps_ahead):06d}"


def enrol(user, *, codes=("aaaa2222", "bbbb3333")) -> TOTPDevice:
    """The user's confirmed app and recovery codes, as an enrolment leaves them."""
    device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=True)
    recovery = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    StaticToken.objects.bulk_create(StaticToken(device=recovery, token=c) for c in codes)
    return device


def log_in_verified(client, user, device: TOTPDevice) -> None:
    """A session as the login leaves it after the second factor."""
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def password_step(client, username, password=PASSWORD, next_url=None):
    url = LOGIN_URL + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": password})


def age_session(client, *, key: str, seconds: float) -> None:
    """Move one of the session's clocks (portal.sessions) `seconds` into the past."""
    session = client.session
    session[key] = time.time() - seconds
    session.save()
