"""Verification codes a person can type (issue 14, deliverable 6): printed in groups of four,
read whatever the case, with or without hyphens or spaces, with O, I and L taken for 0, 1 and
1; never below 128 bits; the older 32-character case-sensitive codes still verify; the lookup
stays exact values in the code's unique index."""

import math
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from awards import verification_codes
from awards.models import Certificate, Cycle
from awards.verification_codes import ALPHABET, grouped, new_code, readings
from tests.awards.certificate_data import awarded_result, certificate_of
from tests.awards.factories import CycleFactory

pytestmark = pytest.mark.django_db

NEW = "7K3MQ9XD0A1BZ2CT4VW5RS6PNH8E"  # 28 symbols of Crockford's base32
NEW_PRINTED = "7K3M-Q9XD-0A1B-Z2CT-4VW5-RS6P-NH8E"
OLD = "q3Vx0-fN8bT2kLw9_Rz4YpA6sHc1DmEj"  # secrets.token_urlsafe(24), as issued before


# The codes themselves


def test_a_new_code_has_28_symbols_of_crockfords_base32_and_at_least_128_bits():
    codes = {new_code() for _ in range(200)}

    assert len(codes) == 200
    assert all(re.fullmatch(r"[0-9A-HJKMNP-TV-Z]{28}", code) for code in codes)
    assert ALPHABET == "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
    assert len(set(ALPHABET)) == 32
    assert verification_codes.BITS == 28 * math.log2(32) == 140
    # Every symbol is used: the choice is over the whole alphabet.
    assert set("".join(codes)) == set(ALPHABET)


def test_a_new_code_is_printed_in_groups_of_four_and_an_old_one_as_it_is():
    assert grouped(NEW) == NEW_PRINTED
    assert grouped(OLD) == OLD


@pytest.mark.parametrize(
    "typed",
    [
        NEW,
        NEW_PRINTED,
        NEW_PRINTED.lower(),
        "7k3m q9xd 0a1b z2ct 4vw5 rs6p nh8e",
        " 7K3M - Q9XD - 0A1B - Z2CT - 4VW5 - RS6P - NH8E ",
        "7K3M–Q9XD–0A1B–Z2CT–4VW5–RS6P–NH8E",  # en dashes, as a PDF viewer may copy them
        "7K3M-Q9XD-OA1B-Z2CT-4VW5-RS6P-NH8E",  # O for 0
        "7K3M-Q9XD-0AIB-Z2CT-4VW5-RS6P-NH8E",  # I for 1
        "7K3M-Q9XD-0AlB-Z2CT-4VW5-RS6P-NH8E",  # l for 1
        "7K3M-Q9XD-0ALB-Z2CT-4VW5-RS6P-NH8E",  # L for 1
        "7K3M\nQ9XD-0A1B-Z2CT\n4VW5-RS6P-NH8E",
    ],
)
def test_what_a_person_types_reads_as_the_new_code(typed):
    assert NEW in readings(typed)


def test_an_old_code_is_read_exactly_as_printed():
    assert readings(OLD) == [OLD]
    assert OLD.upper() not in readings(OLD.lower())
    assert OLD not in readings(OLD.lower())


@pytest.mark.parametrize("typed", ["", "   ", "../../etc/passwd", "<b>", "7K3M Q9XD"])
def test_a_code_of_neither_shape_reads_as_nothing(typed):
    assert readings(typed) == []


@pytest.mark.parametrize(
    "typed", [NEW[:8], NEW + "7", "7K3M-Q9XD-0A1B-Z2CT-4VW5-RS6P-NH8U"], ids=["short", "long", "U"]
)
def test_a_code_of_the_wrong_length_or_a_letter_outside_the_alphabet_is_no_new_code(typed):
    # (Each could still be an older code, looked up exactly as typed.)
    assert not any(verification_codes.CURRENT.fullmatch(code) for code in readings(typed))


# The verification pages


@pytest.fixture
def published_cycle(db):
    return CycleFactory(year=2026, status=Cycle.Status.PUBLISHED)


@pytest.fixture
def new_certificate(published_cycle, enterprise, secretariat):
    return certificate_of(
        awarded_result(published_cycle, enterprise, nominated_by=secretariat),
        serial="EEPA-2026-0001",
        code=NEW,
    )


@pytest.fixture
def old_certificate(published_cycle, other_enterprise, secretariat):
    return certificate_of(
        awarded_result(published_cycle, other_enterprise, nominated_by=secretariat, rank=2),
        serial="EEPA-2026-0002",
        code=OLD,
    )


@pytest.mark.parametrize(
    "typed",
    [
        NEW_PRINTED,
        NEW_PRINTED.lower(),
        "7k3m q9xd oaib z2ct 4vw5 rs6p nh8e",
        "7K3MQ9XD0A1BZ2CT4VW5RS6PNH8E",
    ],
)
def test_the_form_finds_a_new_certificate_however_its_code_is_typed(
    client, new_certificate, old_certificate, typed
):
    response = client.post(
        reverse("certificate-verify-form"), {"serial": "eepa-2026-0001", "code": typed}
    )

    assert response.status_code == 302
    assert response.url == f"/verify/{NEW}/"


def test_the_page_of_a_new_certificate_shows_its_code_as_printed(client, new_certificate):
    response = client.get(f"/verify/{NEW}/")

    assert response.status_code == 200
    assert response.context["certificate"]["code"] == NEW_PRINTED
    assert f'<code class="text-break">{NEW_PRINTED}</code>' in response.text


@pytest.mark.parametrize("address", [NEW_PRINTED, NEW_PRINTED.lower(), "7k3m-q9xd-oaib-z2ct"])
def test_the_address_reads_the_code_the_same_way(client, new_certificate, address):
    response = client.get(f"/verify/{address}/")

    if address == "7k3m-q9xd-oaib-z2ct":  # a part of the code is no code
        assert response.status_code == 404
    else:
        assert response.status_code == 200
        assert response.context["certificate"]["serial"] == "EEPA-2026-0001"


def test_an_old_certificate_keeps_verifying_by_its_address_and_the_form(
    client, new_certificate, old_certificate
):
    assert client.get(f"/verify/{OLD}/").context["certificate"]["serial"] == "EEPA-2026-0002"
    response = client.post(
        reverse("certificate-verify-form"),
        {"serial": "EEPA-2026-0002", "code": f"{OLD[:10]} {OLD[10:]}"},
    )
    assert response.status_code == 302
    assert response.url == f"/verify/{OLD}/"


def test_an_old_code_stays_case_sensitive(client, old_certificate):
    """Its 192 bits rest on the case of its letters: read without it, it would be weaker."""
    assert client.get(f"/verify/{OLD.lower()}/").status_code == 404
    response = client.post(
        reverse("certificate-verify-form"), {"serial": "EEPA-2026-0002", "code": OLD.upper()}
    )
    assert response.status_code == 404


def test_a_new_code_with_another_certificates_serial_is_not_found(
    client, new_certificate, old_certificate
):
    response = client.post(
        reverse("certificate-verify-form"), {"serial": "EEPA-2026-0002", "code": NEW_PRINTED}
    )
    assert response.status_code == 404


def test_the_lookup_is_exact_values_in_the_codes_unique_index(client, new_certificate):
    """No function of the column (UPPER, REPLACE) and no pattern: what was typed is read in
    Python into at most two exact codes, which the unique index finds."""
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/verify/{NEW_PRINTED.lower()}/")
    column = '"awards_certificate"."verification_code"'
    [lookup] = [q["sql"] for q in queries if f"{column} IN" in q["sql"]]
    # Both readings: as an older code would be (exactly as typed) and as a new one.
    assert f"{column} IN ('{NEW_PRINTED.lower()}', '{NEW}')" in lookup
    assert "UPPER" not in lookup and "LIKE" not in lookup and "REPLACE" not in lookup

    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT id FROM awards_certificate WHERE verification_code IN (%s, %s)",
            [NEW, OLD],
        )
        plan = " ".join(row[0] for row in cursor.fetchall())
    index = Certificate._meta.db_table + "_verification_code"
    assert "Index" in plan and index in plan, plan
