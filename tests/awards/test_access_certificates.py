"""Who may open the certificate pages: the public verification pages (no login) and the
partners' downloads. Rows in the format of tests/partners/test_access.py, whose completeness
test collects ACCESS."""

import datetime
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Certificate, Cycle
from tests.access import LOGIN, ROLES, Access, check_access, parametrize_access, role_users, to
from tests.awards.certificate_data import PDF, awarded_result, certificate_of
from tests.awards.factories import CycleFactory

pytestmark = pytest.mark.django_db

UNKNOWN_CODE = "x" * 32
EVERYONE = (200,) * len(ROLES)
NOT_FOUND = (404,) * len(ROLES)
VERIFIED = to(lambda w: reverse("certificate-verify", args=[w.issued.verification_code]))
# The secretariat downloads any certificate; a partner only its own issued ones of a
# published cycle; nobody else any.
DOWNLOAD_OWN = (LOGIN, 403, 403, 200, 403, 200, 404, 200, 403)
DOWNLOAD_STAFF_ONLY = (LOGIN, 403, 403, 200, 403, 404, 404, 200, 403)


def _code(w):
    return [w.issued.verification_code]


# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("certificate-verify", "get", EVERYONE, _code),
    Access("certificate-verify", "get", NOT_FOUND, lambda w: [UNKNOWN_CODE], case="unknown"),
    Access("certificate-verify-form", "get", EVERYONE),
    Access("certificate-verify-form", "post", (VERIFIED,) * len(ROLES), data={"serial": "EEPA-2024-0001", "code": "{code}"}),  # noqa: E501
    Access("certificate-verify-form", "post", NOT_FOUND, data={"serial": "EEPA-2024-0002", "code": "{code}"}, case="wrong-serial"),  # noqa: E501
    Access("awards:certificate-download", "get", DOWNLOAD_OWN, lambda w: [w.issued.pk], case="issued"),  # noqa: E501
    Access("awards:certificate-download", "get", DOWNLOAD_STAFF_ONLY, lambda w: [w.revoked.pk], case="revoked"),  # noqa: E501
    Access("awards:certificate-download", "get", DOWNLOAD_STAFF_ONLY, lambda w: [w.unpublished.pk], case="unpublished"),  # noqa: E501
    # Superusers hold every role but have no enterprise of their own (as my-enterprise).
    Access("awards:my-certificates", "get", (LOGIN, 403, 403, 403, 403, 200, 200, 403, 403)),
]
# fmt: on


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    """partner1's enterprise awarded in 2024 (published: an issued certificate and the one it
    replaced, revoked) and in 2025 (finalised, not yet published)."""
    enterprise = partner_user.membership.enterprise
    published = CycleFactory(year=2024, status=Cycle.Status.PUBLISHED)
    finalised = CycleFactory(year=2025, status=Cycle.Status.FINALISED)
    result = awarded_result(published, enterprise, nominated_by=secretariat)
    revoked = certificate_of(
        result,
        serial="EEPA-2024-0002",
        status=Certificate.Status.REVOKED,
        revoked_at=timezone.make_aware(datetime.datetime(2024, 11, 3, 10, 0)),
        revoked_by=secretariat,
        revocation_reason="The Chinese name was misspelt.",
    )
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        issued=certificate_of(result, serial="EEPA-2024-0001"),
        revoked=revoked,
        unpublished=certificate_of(
            awarded_result(finalised, enterprise, nominated_by=secretariat),
            serial="EEPA-2025-0001",
        ),
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    data = {
        key: value.format(code=world.issued.verification_code) for key, value in row.data.items()
    }
    check_access(client, world, row, role, data=data, messages_allowed=())


# The partners' side


@pytest.mark.smoke
def test_a_partner_downloads_its_own_certificate(client, world):
    client.force_login(world.users["partner1"])

    response = client.get(reverse("awards:certificate-download", args=[world.issued.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="EEPA-2024-0001.pdf"'
    assert b"".join(response.streaming_content) == PDF


def test_the_secretariat_downloads_a_revoked_certificate(client, world):
    client.force_login(world.users["secretariat"])

    response = client.get(reverse("awards:certificate-download", args=[world.revoked.pk]))

    assert response["Content-Disposition"] == 'attachment; filename="EEPA-2024-0002.pdf"'
    assert b"".join(response.streaming_content) == PDF


def test_a_certificate_whose_pdf_is_not_ready_cannot_be_downloaded(client, world):
    Certificate.objects.filter(pk=world.issued.pk).update(pdf="", sha256="")
    url = reverse("awards:certificate-download", args=[world.issued.pk])

    for role in ("partner1", "secretariat"):
        client.force_login(world.users[role])
        assert client.get(url).status_code == 404


@pytest.mark.smoke
def test_a_partner_lists_its_issued_certificates_of_published_cycles(client, world, secretariat):
    # Another enterprise's certificate in the same published cycle is not listed.
    certificate_of(
        awarded_result(
            world.issued.result.nomination.cycle,
            world.users["partner2"].membership.enterprise,
            nominated_by=secretariat,
            rank=2,
        ),
        serial="EEPA-2024-0003",
    )
    client.force_login(world.users["partner1"])

    response = client.get(reverse("awards:my-certificates"))

    assert list(response.context["certificates"]) == [world.issued]
    assert response.context["enterprise"] == world.users["partner1"].membership.enterprise
    download = reverse("awards:certificate-download", args=[world.issued.pk])
    assert f'<a href="{download}">Download EEPA-2024-0001.pdf</a>' in response.text
    assert "EEPA-2024-0002" not in response.text
    assert "EEPA-2025-0001" not in response.text
    assert "EEPA-2024-0003" not in response.text


def test_a_partner_without_certificates_is_told_when_they_come(client, world):
    client.force_login(world.users["partner2"])

    response = client.get(reverse("awards:my-certificates"))

    assert list(response.context["certificates"]) == []
    assert "No certificates yet" in response.text


@pytest.mark.parametrize("count", [1, 3])
def test_the_certificate_list_takes_a_fixed_number_of_queries(
    client, partner_user, secretariat, count, django_assert_num_queries
):
    enterprise = partner_user.membership.enterprise
    for year in range(2024 - count + 1, 2025):
        cycle = CycleFactory(year=year, status=Cycle.Status.PUBLISHED)
        result = awarded_result(cycle, enterprise, nominated_by=secretariat)
        certificate_of(result, serial=f"EEPA-{year}-0001")
    client.force_login(partner_user)

    # Session, user, roles, enterprise, certificates.
    with django_assert_num_queries(5):
        response = client.get(reverse("awards:my-certificates"))

    assert [c.serial for c in response.context["certificates"]] == [
        f"EEPA-{year}-0001" for year in range(2024, 2024 - count, -1)
    ]


def test_the_menu_leads_partners_to_their_certificates(client, world):
    link = f'href="{reverse("awards:my-certificates")}"'
    for role, shown in (("partner1", True), ("secretariat", False), ("superuser", False)):
        client.force_login(world.users[role])
        assert (link in client.get(reverse("password_change")).text) is shown, role
