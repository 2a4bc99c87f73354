"""The language a user picks follows them: to another browser, and into their emails."""

import pytest
from django.conf import settings
from django.urls import reverse

from portal.models import UserPreference

pytestmark = pytest.mark.django_db


def test_a_new_browser_gets_the_users_saved_language_and_keeps_it(client, partner_user):
    UserPreference.objects.create(user=partner_user, language="zh-hant")
    client.force_login(partner_user)

    page = client.get(reverse("my-enterprise"))

    assert '<html lang="zh-Hant">' in page.text
    assert page.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
    # From now on the cookie speaks: no second cookie is set.
    assert settings.LANGUAGE_COOKIE_NAME not in client.get(reverse("password_change")).cookies


def test_the_browsers_current_choice_wins(client, partner_user):
    UserPreference.objects.create(user=partner_user, language="zh-hant")
    client.force_login(partner_user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    page = client.get(reverse("my-enterprise"))

    assert '<html lang="en">' in page.text


def test_without_a_saved_language_nothing_changes(client, partner_user):
    client.force_login(partner_user)
    page = client.get(reverse("my-enterprise"))
    assert '<html lang="en">' in page.text
    assert settings.LANGUAGE_COOKIE_NAME not in page.cookies


def test_switching_on_one_browser_is_found_on_another(client, partner_user):
    from django.test import Client

    client.force_login(partner_user)
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})
    other = Client()
    other.force_login(partner_user)
    assert '<html lang="zh-Hant">' in other.get(reverse("password_change")).text


def test_logging_in_from_a_fresh_browser_opens_the_portal_in_the_users_language(
    client, partner_user
):
    from tests.factories import PASSWORD

    UserPreference.objects.create(user=partner_user, language="zh-hant")
    # A fresh browser asking for English: no cookie, no session.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert '<html lang="en">' in client.get(reverse("login")).text

    response = client.post(
        reverse("login"),
        {"username": partner_user.username, "password": PASSWORD},
        follow=True,
    )

    assert response.redirect_chain[-1][1] == 302
    assert '<html lang="zh-Hant">' in response.text
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hant"
