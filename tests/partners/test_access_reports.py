"""Who may open the report pages: partners their own enterprise's reports, customs staff the
triage queue (officers act, verifiers and the secretariat read). Rows in the format of
tests/partners/test_access.py, whose completeness test collects ACCESS."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from partners.models import PartnerReport
from tests.access import (
    ALL_405,
    LOGIN,
    Access,
    check_access,
    parametrize_access,
    role_users,
    to,
)
from tests.partners.report_data import pdf, report_of

pytestmark = pytest.mark.django_db

PARTNERS_ONLY = (LOGIN, 403, 403, 403, 403, 200, 200, 403, 403)
STAFF_READ = (LOGIN, 200, 200, 200, 403, 403, 403, 200, 403)
NOTE = {"text": "Called the shipping line; the consignee is known to us."}
CLOSE = {"note": "Nothing found at inspection."}
REPORT = {
    "category": "suspicious_shipment",
    "description": "Seals look tampered with.",
    "shipment_references": "CSQU3054383",
}


def _partner1s(w):
    return [w.report.pk]


def _back(w):
    return w.report.get_absolute_url()


def _new_partner_report(w):
    return PartnerReport.objects.latest("pk").get_partner_url()


def _converted_event_form(w):
    event_id = PartnerReport.objects.get(pk=w.report.pk).event_id
    return reverse("partners:event-update", args=[event_id])


OFFICER_ACTS = (LOGIN, to(_back), 403, 403, 403, 403, 403, to(_back), 403)

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    # Superusers hold every role but have no enterprise of their own (as my-enterprise).
    Access("partners:my-reports", "get", PARTNERS_ONLY),
    Access("partners:report-submit", "get", PARTNERS_ONLY),
    Access("partners:report-submit", "post", (LOGIN, 403, 403, 403, 403, to(_new_partner_report), to(_new_partner_report), 403, 403), data=REPORT),  # noqa: E501
    Access("partners:my-report-detail", "get", (LOGIN, 403, 403, 403, 403, 200, 404, 403, 403), _partner1s, case="partner1s"),  # noqa: E501
    Access("partners:my-report-detail", "get", (LOGIN, 403, 403, 403, 403, 404, 200, 403, 403), lambda w: [w.other_report.pk], case="partner2s"),  # noqa: E501
    Access("partners:report-queue", "get", STAFF_READ),
    Access("partners:report-detail", "get", STAFF_READ, _partner1s),
    Access("partners:report-review", "get", ALL_405, _partner1s),
    Access("partners:report-review", "post", OFFICER_ACTS, _partner1s),
    Access("partners:report-note", "get", ALL_405, _partner1s),
    Access("partners:report-note", "post", OFFICER_ACTS, _partner1s, data=NOTE),
    Access("partners:report-convert", "get", ALL_405, _partner1s),
    Access("partners:report-convert", "post", (LOGIN, to(_converted_event_form), 403, 403, 403, 403, 403, to(_converted_event_form), 403), _partner1s, data={"confirmed": "1"}),  # noqa: E501
    Access("partners:report-convert", "post", (LOGIN, 200, 403, 403, 403, 403, 403, 200, 403), _partner1s, case="unconfirmed"),  # noqa: E501
    Access("partners:report-close", "get", ALL_405, _partner1s),
    Access("partners:report-close", "post", OFFICER_ACTS, _partner1s, data={**CLOSE, "confirmed": "1"}),  # noqa: E501
    Access("partners:report-attachment", "get", (LOGIN, 200, 200, 200, 403, 200, 404, 200, 403), lambda w: [w.attachment.pk]),  # noqa: E501
]
# fmt: on


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    report = report_of(partner_user, attachments=[pdf()])
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        report=report,
        attachment=report.attachments.get(),
        other_report=report_of(other_partner_user),
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    check_access(client, world, row, role)
