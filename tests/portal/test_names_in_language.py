"""Names and titles kept in both languages are shown in the reader's: the page's heading in its
language, the other language's beneath it, marked with its `lang` for screen readers."""

import pytest
from django.conf import settings

from tests.awards.factories import CycleFactory

pytestmark = pytest.mark.django_db


def _get(client, user, url, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url).text


def test_an_enterprise_page_is_headed_by_the_name_in_the_readers_language(
    client, secretariat, enterprise, compiled_catalogue
):
    url = enterprise.get_absolute_url()

    english = _get(client, secretariat, url, "en")
    assert '<h1 class="h3 mb-0">Pacific Gateway Terminals Limited</h1>' in english
    assert '<span lang="zh-Hant">太平洋門戶碼頭有限公司</span>' in english

    chinese = _get(client, secretariat, url, "zh-hant")
    assert '<h1 class="h3 mb-0">太平洋門戶碼頭有限公司</h1>' in chinese
    assert '<span lang="en">Pacific Gateway Terminals Limited</span>' in chinese
    assert "<title>太平洋門戶碼頭有限公司 ·" in chinese


def test_the_partner_home_is_headed_by_the_name_in_the_readers_language(
    client, partner_user, compiled_catalogue
):
    chinese = _get(client, partner_user, "/my-enterprise/", "zh-hant")
    assert '<h1 class="h3 mb-0">太平洋門戶碼頭有限公司</h1>' in chinese
    assert '<span lang="en">Pacific Gateway Terminals Limited</span>' in chinese


def test_a_cycle_page_is_headed_by_the_title_in_the_readers_language(
    client, secretariat, compiled_catalogue
):
    cycle = CycleFactory(year=2026, title_en="EEPA 2026", title_zh="二〇二六年度嘉許")
    chinese = _get(client, secretariat, cycle.get_absolute_url(), "zh-hant")
    assert '<h1 class="h3 mb-0">二〇二六年度嘉許 ' in chinese
    assert '<span lang="en">EEPA 2026</span>' in chinese

    english = _get(client, secretariat, cycle.get_absolute_url(), "en")
    assert '<h1 class="h3 mb-0">EEPA 2026 ' in english
    assert '<span lang="zh-Hant">二〇二六年度嘉許</span>' in english


def test_a_refusal_names_the_enterprise_in_the_readers_language(
    secretariat, enterprise, compiled_catalogue
):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from awards.services.nominations import nomination_create
    from tests.awards.factories import NominationFactory

    cycle = CycleFactory(year=2026, status="nominations")
    NominationFactory(cycle=cycle, enterprise=enterprise)

    with translation.override("zh-hant"), pytest.raises(ValidationError) as refusal:
        nomination_create(cycle=cycle, enterprise=enterprise, user=secretariat)

    (message,) = refusal.value.messages
    assert message.startswith("太平洋門戶碼頭有限公司")
    assert "Pacific Gateway" not in message
