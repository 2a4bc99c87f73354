"""The public verification pages: /verify/<code>/ and the serial-and-code form on /verify/.
Anyone may open them, without logging in; they tell valid from revoked and show what a holder
needs to compare, never anything else; they are rate-limited per client."""

import datetime
import hashlib
import re
from urllib.parse import quote

import pytest
from django.core.cache import cache
from django.urls import reverse

from awards.models import Certificate, Cycle
from portal.ratelimit import rate_limit_hit
from tests.awards.certificate_data import PDF, awarded_result, certificate_of
from tests.awards.factories import CycleFactory
from tests.portal.test_settings import PRODUCTION, print_setting, run

pytestmark = pytest.mark.django_db

CODE = "q3Vx0-fN8bT2kLw9_Rz4YpA6sHc1DmEj"  # 32 characters, as secrets.token_urlsafe(24)
OTHER_CODE = "Zz9yXx8wVv7uTt6sRr5qPp4oNn3mLl2k"
REASON = "The Chinese name was misspelt on the first issue."
PRIVATE_HEADERS = {
    "X-Robots-Tag": "noindex",
    "Cache-Control": "no-store",
    # Not no-referrer: under it a browser posts the forms with `Origin: null`, refused by the
    # CSRF check (tests/browser/test_verification.py).
    "Referrer-Policy": "same-origin",
}


def _headers(response) -> dict:
    return {name: response.get(name) for name in PRIVATE_HEADERS}


@pytest.fixture
def published_cycle(db):
    return CycleFactory(
        year=2024,
        status=Cycle.Status.PUBLISHED,
        title_en="Elite Enterprise Partnership Award 2024",
        title_zh="2024年卓越企業夥伴嘉許計劃",
    )


@pytest.fixture
def result(published_cycle, enterprise, secretariat):
    return awarded_result(published_cycle, enterprise, nominated_by=secretariat, streak=3)


@pytest.fixture
def certificate(result):
    return certificate_of(result, serial="EEPA-2024-0007", code=CODE)


@pytest.fixture
def revoked(result, secretariat):
    # 20:30 UTC on 2 November is 04:30 on 3 November in Hong Kong.
    return certificate_of(
        result,
        serial="EEPA-2024-0003",
        code=OTHER_CODE,
        status=Certificate.Status.REVOKED,
        revoked_at=datetime.datetime(2024, 11, 2, 20, 30, tzinfo=datetime.UTC),
        revoked_by=secretariat,
        revocation_reason=REASON,
    )


def _verify(client, code, **extra):
    return client.get(f"/verify/{quote(code, safe='')}/", **extra)


# The certificate's page


@pytest.mark.smoke
def test_a_valid_certificate_shows_what_a_holder_needs_to_compare(client, certificate):
    response = _verify(client, CODE)

    assert response.status_code == 200
    assert response.context["certificate"] == {
        "revoked": False,
        "revoked_at": None,
        "name_en": "Pacific Gateway Terminals Limited",
        "name_zh": "太平洋門戶碼頭有限公司",
        "title_en": "Elite Enterprise Partnership Award 2024",
        "title_zh": "2024年卓越企業夥伴嘉許計劃",
        "year": 2024,
        "serial": "EEPA-2024-0007",
        "code": CODE,  # an older code is shown as it is
        "sha256": hashlib.sha256(PDF).hexdigest(),
    }
    page = response.text
    assert "<strong>Valid</strong>" in page
    assert "Revoked" not in page
    for shown in (
        "Pacific Gateway Terminals Limited",
        "太平洋門戶碼頭有限公司",
        "Elite Enterprise Partnership Award 2024",
        "2024年卓越企業夥伴嘉許計劃",
        "EEPA-2024-0007",
        hashlib.sha256(PDF).hexdigest(),
    ):
        assert shown in page


def test_the_names_are_shown_in_the_readers_language_first(client, certificate):
    english = _verify(client, CODE).text
    client.cookies["django_language"] = "zh-hant"
    chinese = _verify(client, CODE).text

    assert english.index("Pacific Gateway Terminals Limited") < english.index(
        "太平洋門戶碼頭有限公司"
    )
    assert '<span lang="zh-Hant">太平洋門戶碼頭有限公司</span>' in english
    assert chinese.index("太平洋門戶碼頭有限公司") < chinese.index(
        "Pacific Gateway Terminals Limited"
    )
    assert '<span lang="en">Pacific Gateway Terminals Limited</span>' in chinese
    assert '<span lang="en">Elite Enterprise Partnership Award 2024</span>' in chinese


def test_the_page_reveals_no_identifier_of_the_enterprise(client, certificate, enterprise):
    page = _verify(client, CODE).text

    assert enterprise.br_number not in page
    assert reverse("enterprise-detail", args=[enterprise.pk]) not in page
    assert reverse("awards:certificate-download", args=[certificate.pk]) not in page


@pytest.mark.smoke
def test_a_revoked_certificate_says_so_with_the_date_and_nothing_more(client, revoked):
    response = _verify(client, OTHER_CODE)

    assert response.status_code == 200
    assert response.context["certificate"]["revoked"] is True
    page = response.text
    assert "<strong>Revoked</strong>" in page
    # The date in Hong Kong, where the secretariat revoked it.
    assert "This certificate was revoked on 3 Nov 2024 and is no longer valid." in page
    assert "<strong>Valid</strong>" not in page
    assert REASON not in page
    assert "misspelt" not in page
    assert "secretariat" not in page  # who revoked it


def test_a_revoked_certificate_does_not_lead_to_the_one_that_replaced_it(
    client, revoked, certificate
):
    page = _verify(client, OTHER_CODE).text

    assert certificate.serial not in page
    assert certificate.verification_code not in page


@pytest.mark.smoke
def test_an_unknown_code_is_not_found_and_shows_nothing(client, certificate):
    response = _verify(client, "A" * 32)

    assert response.status_code == 404
    assert response.context["certificate"] is None
    assert [t.name for t in response.templates][0] == "awards/certificates/verify.html"
    assert "No certificate matches." in response.text
    assert "Pacific Gateway" not in response.text
    assert "EEPA-2024" not in response.text


@pytest.mark.parametrize(
    "code",
    ["short", "A" * 65, "<script>alert(1)</script>", "q3Vx0-fN8bT2kLw9 Rz4YpA6sHc1DmEj", "%00"],
    ids=["too-short", "too-long", "markup", "space", "nul"],
)
def test_a_malformed_code_gets_the_same_answer_without_a_query(
    client, certificate, code, django_assert_num_queries
):
    with django_assert_num_queries(0):
        response = _verify(client, code)

    assert response.status_code == 404
    assert [t.name for t in response.templates][0] == "awards/certificates/verify.html"
    assert "No certificate matches." in response.text
    assert "<script>alert" not in response.text


def test_the_code_must_match_exactly(client, certificate):
    assert _verify(client, CODE.lower()).status_code == 404
    assert _verify(client, CODE[:-1]).status_code == 404
    assert _verify(client, CODE).status_code == 200


def test_a_lookup_is_one_query(client, certificate, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert _verify(client, CODE).status_code == 200
    with django_assert_num_queries(1):
        assert _verify(client, "B" * 32).status_code == 404


def test_the_page_is_kept_out_of_search_engines_caches_and_referers(client, certificate):
    for response in (_verify(client, CODE), _verify(client, "B" * 32)):
        assert _headers(response) == PRIVATE_HEADERS


def test_a_signed_in_user_sees_the_same_page(client, certificate, other_partner_user):
    client.force_login(other_partner_user)

    response = _verify(client, CODE)

    assert response.status_code == 200
    assert "Pacific Gateway Terminals Limited" in response.text


def test_the_page_reads_in_chinese(client, certificate, compiled_catalogue):
    client.cookies["django_language"] = "zh-hant"

    response = _verify(client, CODE)

    assert response.status_code == 200
    assert '<html lang="zh-Hant">' in response.text


# The serial-and-code form


def _without_csrf_token(page: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)


def _post_form(client, serial, code, **extra):
    return client.post(
        reverse("certificate-verify-form"), {"serial": serial, "code": code}, **extra
    )


def test_the_form_asks_for_a_serial_and_a_code(client):
    response = client.get(reverse("certificate-verify-form"))

    assert response.status_code == 200
    assert list(response.context["form"].fields) == ["serial", "code"]
    assert _headers(response) == PRIVATE_HEADERS


@pytest.mark.smoke
def test_a_serial_and_its_code_lead_to_the_certificate(client, certificate):
    response = _post_form(client, "EEPA-2024-0007", CODE)

    assert response.status_code == 302
    assert response["Location"] == f"/verify/{CODE}/"
    assert _headers(response) == PRIVATE_HEADERS


def test_the_form_forgives_case_and_stray_spaces(client, certificate):
    response = _post_form(client, " eepa-2024-0007 ", f" {CODE[:16]} {CODE[16:]}\n")

    assert (response.status_code, response["Location"]) == (302, f"/verify/{CODE}/")


def test_a_serial_with_a_wrong_code_is_not_found(client, certificate, revoked):
    # The other certificate's code: both exist, but they do not belong together.
    response = _post_form(client, "EEPA-2024-0007", OTHER_CODE)

    assert response.status_code == 404
    assert response.context["certificate"] is None
    assert "EEPA-2024-0003" not in response.text
    assert "Pacific Gateway" not in response.text
    assert _headers(response) == PRIVATE_HEADERS


def test_a_serial_alone_reveals_nothing(client, certificate):
    known = _post_form(client, "EEPA-2024-0007", "C" * 32)
    unknown = _post_form(client, "EEPA-2024-0999", "C" * 32)

    assert (known.status_code, unknown.status_code) == (404, 404)
    assert _without_csrf_token(known.text) == _without_csrf_token(unknown.text)


def test_a_revoked_certificates_serial_and_code_lead_to_its_revoked_page(client, revoked):
    response = _post_form(client, "EEPA-2024-0003", OTHER_CODE, follow=True)

    assert response.redirect_chain == [(f"/verify/{OTHER_CODE}/", 302)]
    assert "This certificate was revoked on 3 Nov 2024" in response.text


def test_a_malformed_serial_is_a_form_error(client, certificate):
    response = _post_form(client, "2024-7", CODE)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "serial": ["Type the serial number as printed on the certificate, e.g. EEPA-2024-0001."]
    }


# Rate limiting


@pytest.fixture
def limit_of_three(settings):
    settings.VERIFY_RATE_LIMIT = 3


@pytest.mark.smoke
def test_a_client_over_the_limit_is_asked_to_try_again_later(client, certificate, limit_of_three):
    statuses = [_verify(client, CODE).status_code for _ in range(3)]
    response = _verify(client, CODE)

    assert statuses == [200, 200, 200]
    assert response.status_code == 429
    assert [t.name for t in response.templates][0] == "429.html"
    assert "Please try again in a minute." in response.text
    assert "Pacific Gateway" not in response.text
    assert 1 <= int(response["Retry-After"]) <= 66  # a minute and one slice of it at most
    assert _headers(response) == PRIVATE_HEADERS


def test_unknown_codes_count_too(client, certificate, limit_of_three):
    statuses = [_verify(client, f"{n}" * 32).status_code for n in range(3)]

    assert statuses == [404, 404, 404]
    assert _verify(client, CODE).status_code == 429


def test_the_form_and_the_page_share_one_count(client, certificate, limit_of_three):
    client.get(reverse("certificate-verify-form"))
    _post_form(client, "EEPA-2024-0007", CODE)
    _verify(client, CODE)

    assert _post_form(client, "EEPA-2024-0007", CODE).status_code == 429
    assert client.get(reverse("certificate-verify-form")).status_code == 429


def test_each_client_has_its_own_count(client, certificate, limit_of_three):
    for _ in range(3):
        _verify(client, CODE, REMOTE_ADDR="203.0.113.7")

    assert _verify(client, CODE, REMOTE_ADDR="203.0.113.7").status_code == 429
    assert _verify(client, CODE, REMOTE_ADDR="198.51.100.20").status_code == 200


def test_behind_a_proxy_the_client_is_read_from_x_forwarded_for(
    client, certificate, limit_of_three, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    for _ in range(3):
        _verify(client, CODE, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)

    assert _verify(client, CODE, HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    assert _verify(client, CODE, HTTP_X_FORWARDED_FOR="198.51.100.20", **proxy).status_code == 200
    # A client cannot escape its count by writing its own entries to the left.
    forged = "192.0.2.1, 203.0.113.7"
    assert _verify(client, CODE, HTTP_X_FORWARDED_FOR=forged, **proxy).status_code == 429


def _hit(now, limit=2, window=60):
    return rate_limit_hit(scope="test", client="203.0.113.7", limit=limit, window=window, now=now)


MINUTE = 1_700_000_040.0  # a multiple of 60: the start of a fixed minute


def test_twice_the_limit_cannot_pass_across_a_minute_boundary():
    """A fixed one-minute window let 2 requests at 0:59 and 2 more at 1:00: four within two
    seconds. The sliding window refuses the second pair until the first pair is a minute old."""
    assert [_hit(MINUTE - 1), _hit(MINUTE - 0.5)] == [None, None]

    assert _hit(MINUTE) is not None
    assert _hit(MINUTE + 30) is not None
    assert _hit(MINUTE + 58) is not None


def test_a_refused_client_is_told_when_a_place_frees_up_and_gets_it_then():
    assert [_hit(MINUTE + 3), _hit(MINUTE + 4)] == [None, None]

    retry_after = _hit(MINUTE + 20)

    # Counted in slices of 6 s: the first pair leaves the window with its slice, at 0:66.
    assert retry_after == 46
    assert _hit(MINUTE + 20 + retry_after - 1) is not None
    assert _hit(MINUTE + 20 + retry_after) is None


def test_no_stretch_of_a_minute_serves_more_than_the_limit():
    """Requests every 1.5 s for five minutes: whatever the phase, no 60 s window holds more
    than the limit, and the client is served about the limit per minute."""
    served = [
        at
        for at in (MINUTE + 0.7 + 1.5 * step for step in range(200))
        if _hit(at, limit=10) is None
    ]

    assert max(sum(1 for t in served if start <= t < start + 60) for start in served) == 10
    assert 40 <= len(served) <= 50


def test_refused_requests_do_not_take_a_place():
    assert [_hit(MINUTE), _hit(MINUTE + 1)] == [None, None]
    for second in range(2, 60):
        assert _hit(MINUTE + second) is not None

    assert _hit(MINUTE + 66) is None


def test_an_expired_count_is_started_again():
    rate_limit_hit(scope="test", client="203.0.113.7", limit=1, window=60)
    cache.clear()

    assert rate_limit_hit(scope="test", client="203.0.113.7", limit=1, window=60) is None


# Settings


def test_the_cache_is_local_memory_unless_cache_url_names_one():
    expression = "settings.CACHES['default']['BACKEND']"

    defaults = {name: value for name, value in PRODUCTION.items() if name != "CACHE_URL"}
    assert print_setting(expression, **defaults) == (
        "'django.core.cache.backends.locmem.LocMemCache'"
    )
    assert print_setting(expression, CACHE_URL="rediscache://127.0.0.1:6379/1", **defaults) == (
        "'django.core.cache.backends.redis.RedisCache'"
    )


def test_a_bad_cache_url_names_its_variable():
    result = run(["manage.py", "check"], **{**PRODUCTION, "CACHE_URL": "memcache-ish://x"})

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "django.core.exceptions.ImproperlyConfigured: "
        "Environment variable CACHE_URL has an invalid value: Invalid cache schema memcache-ish"
    )
