import re

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


def test_a_partner_sees_its_verified_events_summary_but_never_titles_or_restricted_details(
    client, partner_user, enterprise, officer, verified_event
):
    officer.first_name, officer.last_name = "Wai-keung", "Tsang"
    officer.save()
    draft = EventFactory(enterprise=enterprise, logged_by=officer, title="Draft about Tsing Yi")
    client.force_login(partner_user)
    content = client.get(enterprise.get_absolute_url()).content.decode()
    assert verified_event.partner_summary in content
    for hidden in [
        verified_event.title,
        verified_event.restricted_details,
        draft.title,
        officer.get_full_name(),
    ]:
        assert hidden not in content


def test_a_refused_four_eyes_action_says_why(client, enterprise):
    from tests.factories import UserFactory

    both = UserFactory(username="both", roles=["Officer", "Verifier"])
    event = EventFactory(enterprise=enterprise, logged_by=both, submitted=True)
    client.force_login(both)
    response = client.post(reverse("partners:event-verify", args=[event.pk]))
    assert response.status_code == 403
    assert "You logged this event: another verifier must verify it." in response.text
    # Where the buttons would be, the event's page says why they are not.
    page = client.get(event.get_absolute_url())
    assert 'id="verify-refusal">You logged this event: another verifier must verify it.<' in (
        page.text
    )
    assert (
        'id="return-refusal">You logged this event: another verifier must return it if it needs '
        "work.<" in page.text
    )


def test_amounts_are_shown_in_hong_kong_dollars_with_separators(client, officer, verified_event):
    from decimal import Decimal

    CooperationEvent.objects.filter(pk=verified_event.pk).update(
        seizure_value_hkd=Decimal("1500000000.00")
    )
    client.force_login(officer)
    for language in ["en", "zh-hant"]:
        client.cookies["django_language"] = language
        assert (
            "HK$1,500,000,000.00" in client.get(verified_event.get_absolute_url()).content.decode()
        )


def test_a_suspended_enterprise_offers_no_log_an_event_button(client, officer, enterprise):
    client.force_login(officer)
    log_url = reverse("partners:event-create") + f"?enterprise={enterprise.pk}"
    assert log_url in client.get(enterprise.get_absolute_url()).content.decode()
    Enterprise.objects.filter(pk=enterprise.pk).update(status=Enterprise.Status.SUSPENDED)
    assert log_url not in client.get(enterprise.get_absolute_url()).content.decode()


def test_a_title_too_long_is_refused_with_its_length_never_cut_by_the_browser(
    client, officer, enterprise
):
    # Issue 14: the field's maxlength made the browser cut a pasted title at 200 silently.
    client.force_login(officer)
    form_page = client.get(reverse("partners:event-create")).text
    [title_input] = re.findall(r'<input[^>]*name="title"[^>]*>', form_page)
    assert "maxlength" not in title_input
    response = client.post(
        reverse("partners:event-create"),
        {
            "enterprise": enterprise.pk,
            "event_type": "training",
            "occurred_on": "2024-05-17",
            "title": "x" * 230,
            "significance": "routine",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "title": ["Ensure this value has at most 200 characters (it has 230)."]
    }
    assert not CooperationEvent.objects.exists()


def test_the_withdraw_form_is_folded_behind_its_button(client, officer, submitted_event):
    client.force_login(officer)

    html = client.get(submitted_event.get_absolute_url()).content.decode()

    # Closed <details> (no script needed), its summary the button, the form inside.
    folded = re.search(r'<details class="withdraw-form">(.*?)</details>', html, re.S)
    assert folded, "the Withdraw form is not folded"
    assert re.search(
        r'<summary class="btn btn-outline-danger">Withdraw this event…</summary>', folded[1]
    )
    assert reverse("partners:event-withdraw", args=[submitted_event.pk]) in folded[1]
    assert 'name="reason"' in folded[1]
