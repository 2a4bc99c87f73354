import pytest
from django.urls import reverse

from partners.models import CooperationEvent, Enterprise
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db


def test_an_export_with_an_invalid_filter_is_refused_rather_than_exporting_everything(
    client, officer, verified_event
):
    client.force_login(officer)
    response = client.get(reverse("partners:event-export"), {"status": "bogus", "format": "csv"})
    assert response.status_code == 400
    assert verified_event.title.encode() not in response.content


def test_a_returned_event_of_an_enterprise_suspended_since_can_still_be_corrected(
    client, officer, enterprise
):
    event = EventFactory(
        enterprise=enterprise,
        logged_by=officer,
        status=CooperationEvent.Status.RETURNED,
        return_reason="Add the container numbers.",
    )
    Enterprise.objects.filter(pk=enterprise.pk).update(status=Enterprise.Status.SUSPENDED)
    client.force_login(officer)

    response = client.post(
        reverse("partners:event-update", args=[event.pk]),
        {
            "enterprise": enterprise.pk,
            "event_type": event.event_type,
            "occurred_on": "2024-05-17",
            "title": "Tip on containers TGHU 1234567 and TGHU 7654321",
            "partner_summary": event.partner_summary,
            "restricted_details": event.restricted_details,
            "significance": event.significance,
        },
    )

    assert response.status_code == 302
    event.refresh_from_db()
    assert event.title == "Tip on containers TGHU 1234567 and TGHU 7654321"


def test_a_new_event_cannot_be_logged_for_a_suspended_enterprise(client, officer, enterprise):
    Enterprise.objects.filter(pk=enterprise.pk).update(status=Enterprise.Status.SUSPENDED)
    client.force_login(officer)
    response = client.post(
        reverse("partners:event-create"),
        {
            "enterprise": enterprise.pk,
            "event_type": "training",
            "occurred_on": "2024-05-17",
            "title": "Training",
            "significance": "routine",
        },
    )
    assert response.status_code == 200
    assert "enterprise" in response.context["form"].errors
    assert not CooperationEvent.objects.exists()
