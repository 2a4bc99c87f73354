"""The date printed on certificates (issue 14, deliverable 7): the ceremony's date the
secretariat sets, else the day the results were published (in Hong Kong); shown on the
certificates page before generation, with a warning when the ceremony date lies before the
publication. Real PDFs from WeasyPrint, read back with pypdf."""

import calendar
import datetime

import pytest
from django.urls import reverse

from awards.models import Cycle
from awards.services.certificates import certificate_issue
from tests.awards.factories import CycleFactory
from tests.awards.test_certificate_pdf import awarded_result, pdf_text

pytestmark = pytest.mark.django_db

# 16:30 UTC on 5 December 2026 is 00:30 on 6 December in Hong Kong.
PUBLISHED_AT = datetime.datetime(2026, 12, 5, 16, 30, tzinfo=datetime.UTC)
MONTHS = [calendar.month_name[m] for m in range(1, 13)]


def _cycle(**fields) -> Cycle:
    return CycleFactory(year=2025, **fields)


def _printed(cycle: Cycle) -> str:
    certificate = certificate_issue(result=awarded_result(cycle))
    return pdf_text(certificate.pdf.read())


def test_the_ceremony_date_is_printed_in_both_languages():
    cycle = _cycle(
        status=Cycle.Status.PUBLISHED,
        published_at=PUBLISHED_AT,
        ceremony_date=datetime.date(2026, 12, 18),
    )

    assert "18 December 2026 2026年12月18日" in _printed(cycle)


def test_without_a_ceremony_date_the_day_of_publication_in_hong_kong_is_printed():
    cycle = _cycle(status=Cycle.Status.PUBLISHED, published_at=PUBLISHED_AT)

    text = _printed(cycle)

    assert "6 December 2026 2026年12月6日" in text
    assert "5 December" not in text


def test_a_finalised_cycle_without_either_date_prints_none():
    text = _printed(_cycle(status=Cycle.Status.FINALISED))

    assert [month for month in MONTHS if month in text] == []
    assert "月" not in text.replace("年", "")


def test_the_cycle_says_which_date_its_certificates_carry():
    published = _cycle(status=Cycle.Status.PUBLISHED, published_at=PUBLISHED_AT)
    assert published.certificate_date == datetime.date(2026, 12, 6)
    published.ceremony_date = datetime.date(2026, 12, 18)
    assert published.certificate_date == datetime.date(2026, 12, 18)
    assert published.ceremony_before_publication is False
    published.ceremony_date = datetime.date(2026, 12, 6)  # the same day: not before
    assert published.ceremony_before_publication is False
    published.ceremony_date = datetime.date(2025, 10, 23)
    assert published.ceremony_before_publication is True

    finalised = CycleFactory(year=2024, status=Cycle.Status.FINALISED)
    assert finalised.certificate_date is None
    assert finalised.ceremony_before_publication is False


# The certificates page, before generation


@pytest.fixture
def secretariat_client(client, secretariat):
    client.force_login(secretariat)
    return client


def _page(client, cycle):
    awarded_result(cycle)
    return client.get(reverse("awards:certificate-list", args=[cycle.year])).text


def test_the_page_shows_the_ceremony_date_certificates_will_carry(secretariat_client):
    cycle = _cycle(
        status=Cycle.Status.PUBLISHED,
        published_at=PUBLISHED_AT,
        ceremony_date=datetime.date(2026, 12, 18),
    )

    page = _page(secretariat_client, cycle)

    assert "Generate 1 certificate" in page
    assert (
        'Certificates are dated <strong>18 December 2026 <span lang="zh-Hant">2026年12月18日'
        "</span></strong>, the date of the ceremony."
    ) in page
    assert "before the results were published" not in page


def test_the_page_shows_the_publication_date_when_no_ceremony_date_is_set(secretariat_client):
    cycle = _cycle(status=Cycle.Status.PUBLISHED, published_at=PUBLISHED_AT)

    page = _page(secretariat_client, cycle)

    assert (
        'Certificates are dated <strong>6 December 2026 <span lang="zh-Hant">2026年12月6日'
        "</span></strong>, the day the results were published: no ceremony date is set."
    ) in page
    assert "No date is set for the ceremony" not in page


def test_the_page_warns_when_the_ceremony_date_lies_before_the_publication(
    secretariat_client,
):
    """The 2025 cycle printed "23 October 2025" on results published on 5 December 2026."""
    cycle = _cycle(
        status=Cycle.Status.PUBLISHED,
        published_at=PUBLISHED_AT,
        ceremony_date=datetime.date(2025, 10, 23),
    )

    page = _page(secretariat_client, cycle)

    ceremony_list = reverse("awards:ceremony-list", args=[2025])
    assert (
        "The ceremony date, 23 Oct 2025, is before the results were published on 6 Dec 2026: "
        "certificates would be dated before their results. "
        f'<a href="{ceremony_list}">Correct it on the ceremony list</a> before generating.'
    ) in page


def test_the_ceremony_list_warns_too(secretariat_client):
    cycle = _cycle(
        status=Cycle.Status.PUBLISHED,
        published_at=PUBLISHED_AT,
        ceremony_date=datetime.date(2025, 10, 23),
    )
    awarded_result(cycle)

    page = secretariat_client.get(reverse("awards:ceremony-list", args=[2025])).text

    assert "is before the results were published on 6 Dec 2026" in page


def test_a_finalised_cycle_without_a_ceremony_date_is_told_its_certificates_carry_none(
    secretariat_client,
):
    page = _page(secretariat_client, _cycle(status=Cycle.Status.FINALISED))

    assert "No date is set for the ceremony: certificates issued now will not show it." in page
    assert "Certificates are dated" not in page
