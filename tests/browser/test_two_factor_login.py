"""A staff login with a second factor, in headless Chromium: the officer's first login sets up
an authenticator app from the key under the QR code and shows the recovery codes once; the
next login asks for the app's code. Codes computed as the app does (django_otp.oath.totp)."""

import re
from base64 import b32decode

import pytest
from django_otp.oath import totp
from playwright.sync_api import expect

from portal.roles import Role
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def password_step(page, live_server):
    page.goto(f"{live_server.url}/events/")
    form = page.get_by_role("main").locator("form")
    form.get_by_label("Username").fill("officer")
    form.get_by_label("Password").fill(PASSWORD)
    form.get_by_role("button", name="Log in").click()


def test_a_staff_user_sets_up_an_app_then_logs_in_with_its_code(page, live_server, settings):
    settings.STAFF_2FA = "required"
    UserFactory(username="officer", first_name="Olivia", last_name="Chan", roles=[Role.OFFICER])

    password_step(page, live_server)
    expect(page).to_have_url(f"{live_server.url}/accounts/two-factor/enrol/")
    qr = page.get_by_role("img", name="QR code to scan with the authenticator app")
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0  # the data: URI passes the CSP
    key = b32decode(page.locator("#manual-key").inner_text().replace(" ", ""))
    page.get_by_label("Code from the app").fill(f"{totp(key):06d}")
    page.get_by_role("button", name="Finish setting up").click()

    expect(page.get_by_role("heading", name="Recovery codes")).to_be_visible()
    codes = page.locator("#recovery-codes li").all_inner_texts()
    assert len(codes) == 10
    page.get_by_role("link", name="I have kept them: continue").click()
    expect(page).to_have_url(f"{live_server.url}/events/")
    page.locator("#account-menu").click()  # the account's menu holds it
    page.get_by_role("button", name="Log out").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/$"))

    password_step(page, live_server)
    expect(page).to_have_url(f"{live_server.url}/accounts/login/code/")
    # The next 30-second step: the code just used for the set-up is not accepted twice.
    page.get_by_label("Code").fill(f"{totp(key, drift=1):06d}")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{live_server.url}/events/")
    expect(page.get_by_role("heading", name="Cooperation events")).to_be_visible()
