"""The Secretariat's certificates pages of a cycle: generation and its progress, the ZIP of
all certificates, revocation and reissue. Access rows in the format of
tests/partners/test_access.py, whose completeness test collects ACCESS; then behaviour."""

import datetime
import hashlib
import io
import zipfile
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.urls import reverse

from awards.models import Certificate, CertificateJob, CertificateRun, Cycle
from portal.models import AuditEntry
from portal.sessions import REAUTH_AT
from tests.access import (
    ALL_405,
    LOGIN,
    SECRETARIAT_ONLY,
    Access,
    check_access,
    parametrize_access,
    role_users,
    to,
)
from tests.awards.certificate_data import PDF, awarded_result, certificate_of
from tests.awards.factories import CycleFactory
from tests.factories import PASSWORD, EnterpriseFactory
from tests.portal.two_factor import age_session

pytestmark = pytest.mark.django_db

LIST = to(lambda w: reverse("awards:certificate-list", args=[2024]))
SECRETARIAT_BACK_TO_LIST = (LOGIN, 403, 403, LIST, 403, 403, 403, LIST, 403)


def _year(w):
    return [2024]


def _run(w):
    return [2024, w.run.pk]


def _issued(w):
    return [w.issued.pk]


# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("awards:certificate-list", "get", SECRETARIAT_ONLY, _year),
    Access("awards:certificate-generate", "get", ALL_405, _year),
    Access("awards:certificate-generate", "post", SECRETARIAT_BACK_TO_LIST, _year),
    Access("awards:certificate-run", "get", SECRETARIAT_BACK_TO_LIST, _run),
    Access("awards:certificate-zip", "get", SECRETARIAT_ONLY, _year),
    Access("awards:certificate-revoke", "get", SECRETARIAT_ONLY, _issued),
    Access("awards:certificate-revoke", "post", SECRETARIAT_BACK_TO_LIST, _issued, data={"reason": "Name misspelt.", "confirmed": "1"}),  # noqa: E501
    Access("awards:certificate-revoke", "post", (LOGIN, 403, 403, 200, 403, 403, 403, 200, 403), _issued, data={"reason": "Name misspelt."}, case="unconfirmed"),  # noqa: E501
    Access("awards:certificate-reissue", "get", SECRETARIAT_ONLY, _issued),
]
# fmt: on


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    """A finalised 2024 cycle: partner1's enterprise awarded and certified, another awardee
    not yet (so that generating has work to do), and a past generation run."""
    cycle = CycleFactory(
        year=2024, status=Cycle.Status.FINALISED, ceremony_date=datetime.date(2024, 10, 24)
    )
    result = awarded_result(cycle, partner_user.membership.enterprise, nominated_by=secretariat)
    awarded_result(cycle, EnterpriseFactory(), nominated_by=secretariat, rank=2)
    issued = certificate_of(result, serial="EEPA-2024-0001")
    run = CertificateRun.objects.create(cycle=cycle, started_by=secretariat)
    CertificateJob.objects.create(
        run=run, result=result, status=CertificateJob.Status.DONE, certificate=issued
    )
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        cycle=cycle,
        result=result,
        issued=issued,
        run=run,
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    check_access(client, world, row, role)


# Behaviour


@pytest.fixture
def secretariat_client(client, world):
    client.force_login(world.users["secretariat"])
    return client


def list_url(year=2024):
    return reverse("awards:certificate-list", args=[year])


@pytest.mark.smoke
def test_generating_from_the_page_issues_the_missing_certificates(
    secretariat_client, world, django_capture_on_commit_callbacks
):
    page = secretariat_client.get(list_url())
    assert "Generate 1 certificate" in page.text
    assert "No date is set for the ceremony" not in page.text

    with django_capture_on_commit_callbacks(execute=True):
        response = secretariat_client.post(reverse("awards:certificate-generate", args=[2024]))

    assert response.status_code == 302
    page = secretariat_client.get(list_url())
    assert Certificate.objects.filter(status="issued").count() == 2
    assert "EEPA-2024-0002" in page.text
    assert "Generate" not in page.text
    assert "1 of 1 certificate ready" in page.text
    assert "Finished: every certificate is ready." in page.text
    assert 'hx-trigger="every 2s"' not in page.text


def test_a_finished_generation_is_not_said_to_be_under_way(
    secretariat_client, world, django_capture_on_commit_callbacks
):
    """Issue 14, item 8: "Certificates are being generated…" stood beside "Finished: every
    certificate is ready." The panel alone tells how far a run is."""
    with django_capture_on_commit_callbacks(execute=True):
        secretariat_client.post(reverse("awards:certificate-generate", args=[2024]))
    response = secretariat_client.get(list_url())

    statuses = [str(message) for message in response.context["messages"]]
    assert statuses == []
    assert "being generated" not in response.text
    assert "Finished: every certificate is ready." in response.text


def test_a_generation_under_way_is_followed_by_its_panel(secretariat_client, world):
    response = secretariat_client.post(
        reverse("awards:certificate-generate", args=[2024]), follow=True
    )

    assert [str(message) for message in response.context["messages"]] == []
    assert "Generating… this panel updates itself." in response.text


def test_the_progress_panel_polls_while_jobs_are_queued(secretariat_client, world):
    response = secretariat_client.post(reverse("awards:certificate-generate", args=[2024]))
    run = CertificateRun.objects.exclude(pk=world.run.pk).get()  # queued: nothing committed
    page = secretariat_client.get(list_url())
    poll = reverse("awards:certificate-run", args=[2024, run.pk]) + "?polling=1"
    assert f'hx-get="{poll}"' in page.text
    assert "0 of 1 certificate ready" in page.text

    partial = secretariat_client.get(poll, headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert [t.name for t in partial.templates] == ["awards/certificates/_run_progress.html"]
    assert "HX-Refresh" not in partial
    assert response.status_code == 302

    # Once the run is over, the poll stops and the page reloads once to show the serials.
    run.jobs.update(status=CertificateJob.Status.FAILED, error="disk full")
    partial = secretariat_client.get(poll, headers={"HX-Request": "true"})
    assert partial["HX-Refresh"] == "true"
    assert "hx-trigger" not in partial.text
    assert "disk full" in partial.text
    assert "Try the failed ones again" in partial.text


def test_double_clicking_generate_starts_one_run(secretariat_client, world):
    url = reverse("awards:certificate-generate", args=[2024])
    secretariat_client.post(url)
    secretariat_client.post(url)
    assert CertificateRun.objects.count() == 2  # the earlier, finished run and the new one
    assert CertificateJob.objects.filter(status="queued").count() == 1


def test_generating_before_finalisation_is_refused_with_the_reason(secretariat_client, world):
    Cycle.objects.filter(pk=world.cycle.pk).update(status=Cycle.Status.REVIEW)
    response = secretariat_client.post(
        reverse("awards:certificate-generate", args=[2024]), follow=True
    )
    assert "Certificates are issued once the cycle is finalised" in response.text
    assert CertificateRun.objects.count() == 1


def test_the_zip_holds_every_issued_certificate_and_their_checksums(
    secretariat_client, world, secretariat
):
    other = awarded_result(world.cycle, EnterpriseFactory(name_en="Kai Tak Freight Ltd"),
                           nominated_by=secretariat, rank=3)  # fmt: skip
    certificate_of(other, serial="EEPA-2024-0003", pdf=PDF + b"3")
    revoked = certificate_of(
        other, serial="EEPA-2024-0004", status="revoked", revocation_reason="x"
    )

    response = secretariat_client.get(reverse("awards:certificate-zip", args=[2024]))

    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="EEPA-2024-certificates.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = sorted(archive.namelist())
    assert names == [
        "EEPA-2024-0001-" + world.result.nomination.enterprise.name_en.lower().replace(" ", "-")
        + ".pdf",
        "EEPA-2024-0003-kai-tak-freight-ltd.pdf",
        "SHA256SUMS",
    ]  # fmt: skip
    assert archive.read("EEPA-2024-0003-kai-tak-freight-ltd.pdf") == PDF + b"3"
    assert {archive.getinfo(name).external_attr >> 16 for name in names} == {0o644}
    sums = archive.read("SHA256SUMS").decode()
    assert (
        f"{hashlib.sha256(PDF + b'3').hexdigest()}  EEPA-2024-0003-kai-tak-freight-ltd.pdf" in sums
    )
    assert revoked.serial not in sums


def test_no_zip_before_any_certificate(secretariat_client, world):
    Certificate.objects.update(status="revoked", revocation_reason="x")
    response = secretariat_client.get(reverse("awards:certificate-zip", args=[2024]), follow=True)
    assert "No certificate of this cycle has been issued yet." in response.text


def test_revoking_needs_a_reason_and_shows_on_the_verification_page(
    secretariat_client, world, client
):
    url = reverse("awards:certificate-revoke", args=[world.issued.pk])
    response = secretariat_client.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.text

    response = secretariat_client.post(
        url, {"reason": "Issued to the wrong enterprise.", "confirmed": "1"}
    )
    assert response.status_code == 302
    world.issued.refresh_from_db()
    assert world.issued.status == "revoked"
    assert world.issued.revocation_reason == "Issued to the wrong enterprise."
    page = secretariat_client.get(
        reverse("certificate-verify", args=[world.issued.verification_code])
    )
    assert "revoked" in page.text.lower()
    assert "wrong enterprise" not in page.text


def test_reissuing_after_a_name_correction_revokes_and_issues_a_new_serial(
    secretariat_client, world
):
    enterprise = world.result.nomination.enterprise
    enterprise.name_zh = "昂船洲門戶碼頭有限公司"
    enterprise.save()

    response = secretariat_client.post(
        reverse("awards:certificate-reissue", args=[world.issued.pk]),
        {"reason": "The Chinese name was misspelt.", "confirmed": "1"},
        follow=True,
    )

    assert "Certificate EEPA-2024-0001 is revoked and EEPA-2024-0002 issued" in response.text
    new = Certificate.objects.get(status="issued", result=world.result)
    assert new.serial == "EEPA-2024-0002"
    old = Certificate.objects.get(serial="EEPA-2024-0001")
    assert (old.status, old.revocation_reason) == ("revoked", "The Chinese name was misspelt.")
    assert AuditEntry.objects.filter(action="awards.certificate.reissued").count() == 1
    # The list shows the new serial, and the old one struck through.
    assert "<s>EEPA-2024-0001</s>" in response.text


def test_a_revoked_certificate_cannot_be_revoked_again(secretariat_client, world):
    Certificate.objects.filter(pk=world.issued.pk).update(status="revoked", revocation_reason="x")
    response = secretariat_client.get(
        reverse("awards:certificate-revoke", args=[world.issued.pk]), follow=True
    )
    assert "This certificate is revoked already." in response.text


@pytest.mark.parametrize("extra", [0, 6])
def test_the_certificates_page_takes_a_fixed_number_of_queries(
    secretariat_client, world, secretariat, extra, django_assert_num_queries
):
    for n in range(extra):
        result = awarded_result(world.cycle, EnterpriseFactory(), nominated_by=secretariat)
        certificate_of(result, serial=f"EEPA-2024-{n + 10:04d}")
        certificate_of(result, serial=f"EEPA-2023-{n + 10:04d}", status="revoked",
                       revocation_reason="x")  # fmt: skip
    # Session, user, roles, cycle, awards, their certificates, latest run, its progress.
    with django_assert_num_queries(8):
        response = secretariat_client.get(list_url())
    assert len(response.context["rows"]) == 2 + extra


def test_without_a_ceremony_date_the_page_says_so_before_generating(secretariat_client, world):
    Cycle.objects.filter(pk=world.cycle.pk).update(ceremony_date=None)
    page = secretariat_client.get(list_url())
    assert "No date is set for the ceremony" in page.text
    assert reverse("awards:ceremony-list", args=[2024]) in page.text


def test_a_revoked_award_is_offered_a_reissue_not_a_generation(secretariat_client, world):
    Certificate.objects.filter(pk=world.issued.pk).update(status="revoked", revocation_reason="x")
    page = secretariat_client.get(list_url())
    assert "Generate 1 certificate" in page.text  # the other award, never certified
    assert page.context["missing"] == 1


def test_the_generate_button_is_hidden_while_a_run_is_under_way(secretariat_client, world):
    secretariat_client.post(reverse("awards:certificate-generate", args=[2024]))
    page = secretariat_client.get(list_url())
    assert "Generating… this panel updates itself." in page.text
    assert "Generate 1 certificate" not in page.text


def test_the_verification_page_shows_the_names_as_printed_after_a_correction(
    secretariat_client, world
):
    enterprise = world.result.nomination.enterprise
    printed = enterprise.name_en
    enterprise.name_en = "Renamed Terminals Limited"
    enterprise.save()
    verify = reverse("certificate-verify", args=[world.issued.verification_code])

    page = secretariat_client.get(verify)
    assert printed in page.text and "Renamed Terminals Limited" not in page.text

    secretariat_client.post(
        reverse("awards:certificate-reissue", args=[world.issued.pk]),
        {"reason": "Renamed.", "confirmed": "1"},
    )
    new = Certificate.objects.get(status="issued", result=world.result)
    assert new.name_en == "Renamed Terminals Limited"
    page = secretariat_client.get(verify)
    assert "Revoked" in page.text and printed in page.text


def test_revoking_asks_for_the_password_again_when_the_last_time_is_old(secretariat_client, world):
    url = reverse("awards:certificate-revoke", args=[world.issued.pk])
    age_session(secretariat_client, key=REAUTH_AT, seconds=11 * 60)
    confirm = f"{reverse('reauthenticate')}?next={quote(url, safe='')}"
    response = secretariat_client.post(
        url, {"reason": "Issued to the wrong enterprise."}, HTTP_REFERER=f"http://testserver{url}"
    )
    assert response["Location"] == confirm
    world.issued.refresh_from_db()
    assert world.issued.status == "issued"
    response = secretariat_client.post(confirm, {"password": PASSWORD, "next": url})
    assert response["Location"] == url
    secretariat_client.post(url, {"reason": "Issued to the wrong enterprise.", "confirmed": "1"})
    world.issued.refresh_from_db()
    assert world.issued.status == "revoked"
