"""A partner who forgot their password resets it by email, in headless Chromium: from the
login page's link to the email (read from Django's outbox: the live server runs in this
process) to a login with the new password. The link's token is in the address of the first
request only, and in no request's Referer."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.roles import Role
from tests.factories import EnterpriseFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "kowloon-ferry-harbour-77"


def test_a_partner_resets_a_forgotten_password(page, live_server, settings):
    settings.PUBLIC_BASE_URL = live_server.url
    enterprise = EnterpriseFactory(name_en="Stonecutters Gateway Terminals Limited")
    MembershipFactory(
        enterprise=enterprise,
        user=UserFactory(
            username="partner1", email="ops@stonecutters.example", roles=[Role.PARTNER]
        ),
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("link", name="Forgotten your password?").click()
    page.get_by_label("Email").fill("ops@stonecutters.example")
    page.get_by_role("main").get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()

    (message,) = mail.outbox
    assert message.to == ["ops@stonecutters.example"]
    link = re.search(r"https?://\S+/accounts/reset/\S+/", message.body).group(0)
    token = link.rstrip("/").rsplit("/", 1)[1]
    requests = []
    page.on("request", lambda request: requests.append(request))

    page.goto(link)
    expect(page).to_have_url(re.compile(r"/accounts/reset/[^/]+/set-password/$"))
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Set the password").click()
    expect(page.get_by_role("heading", name="Password changed")).to_be_visible()

    page.get_by_role("main").get_by_role("link", name="Log in").click()
    form = page.get_by_role("main").locator("form")
    form.get_by_label("Username").fill("partner1")
    form.get_by_label("Password").fill(NEW_PASSWORD)
    form.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{live_server.url}/my-enterprise/")
    expect(page.get_by_role("main")).to_contain_text("Stonecutters Gateway Terminals Limited")

    assert requests[0].url == link
    later = requests[1:]
    assert len(later) > 5  # the pages, their stylesheets and scripts
    assert not [r.url for r in later if token in r.url]
    assert not [r.url for r in requests if token in (r.headers.get("referer") or "")]
