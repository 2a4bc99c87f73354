"""The irreversible actions on events, reports and colleagues ask first (portal/confirm.py): a
POST without confirmed=1 changes nothing and answers with what will happen and to what; the
page's form sends the same fields again with confirmed=1, which does it."""

import pytest
from django.urls import reverse

from partners.models import CooperationEvent, Invitation, Membership, PartnerReport
from partners.services import colleagues
from portal.auth import person_name
from tests.confirmations import asked, carried
from tests.factories import MembershipFactory, UserFactory
from tests.partners.report_data import report_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("status", "summary"),
    [
        (
            "submitted",
            "Withdraw the event “Tip on container MSKU” of Pacific Gateway Terminals Limited: it "
            "will not be verified and will never count.",
        ),
        (
            "verified",
            "Withdraw the verified event “Tip on container MSKU” of Pacific Gateway Terminals "
            "Limited: it will no longer count towards the enterprise's cooperation score.",
        ),
    ],
)
def test_withdrawing_an_event_asks_first(
    client, secretariat, submitted_event, verified_event, status, summary
):
    event = submitted_event if status == "submitted" else verified_event
    CooperationEvent.objects.filter(pk=event.pk).update(title="Tip on container MSKU")
    client.force_login(secretariat)
    url = reverse("partners:event-withdraw", args=[event.pk])

    response = client.post(url, {"reason": "Logged twice."})

    assert asked(response) == f"Withdraw the event “Tip on container MSKU”? | {summary}"
    assert list(response.context["confirmation"].details) == ["Reason: Logged twice."]
    event.refresh_from_db()
    assert event.status == status

    client.post(url, carried(response))
    event.refresh_from_db()
    assert (event.status, event.withdrawal_reason) == ("withdrawn", "Logged twice.")


def test_withdrawing_without_a_reason_is_refused_before_any_question(
    client, officer, submitted_event
):
    client.force_login(officer)
    response = client.post(reverse("partners:event-withdraw", args=[submitted_event.pk]))

    assert response.status_code == 302
    submitted_event.refresh_from_db()
    assert submitted_event.status == "submitted"


def test_closing_a_report_asks_first(client, officer, partner_user):
    report = report_of(partner_user)
    client.force_login(officer)
    url = reverse("partners:report-close", args=[report.pk])

    response = client.post(url, {"note": "Not a customs matter."})

    number = report.acknowledgement_number
    assert asked(response) == (
        f"Close report {number}? | Close report {number} without a cooperation event: Pacific "
        "Gateway Terminals Limited will see it closed."
    )
    report.refresh_from_db()
    assert report.status == PartnerReport.Status.RECEIVED

    client.post(url, carried(response))
    report.refresh_from_db()
    assert report.status == PartnerReport.Status.CLOSED


def test_turning_a_report_into_an_event_asks_first(client, officer, partner_user):
    report = report_of(partner_user)
    client.force_login(officer)
    url = reverse("partners:report-convert", args=[report.pk])

    response = client.post(url)

    number = report.acknowledgement_number
    assert asked(response) == (
        f"Turn report {number} into a cooperation event? | Turn report {number} into a draft "
        "cooperation event of Pacific Gateway Terminals Limited: the report will be marked "
        "acted on."
    )
    assert not CooperationEvent.objects.exists()

    client.post(url, carried(response))
    report.refresh_from_db()
    assert report.status == PartnerReport.Status.ACTED_ON
    assert CooperationEvent.objects.get() == report.event


@pytest.fixture
def manager(partner_user):
    Membership.objects.filter(user=partner_user).update(is_manager=True)
    partner_user.refresh_from_db()
    return partner_user


def test_deactivating_a_colleague_asks_first(client, manager, enterprise):
    colleague = MembershipFactory(
        enterprise=enterprise,
        user=UserFactory(username="colleague", first_name="Mei", last_name="Chan"),
    )
    client.force_login(manager)
    url = reverse("partners:colleague-deactivate", args=[colleague.pk])

    response = client.post(url)

    name = person_name(colleague.user)
    assert asked(response) == (
        f"Deactivate {name}? | Deactivate {name}: they will no longer see Pacific Gateway "
        "Terminals Limited in the portal, nor send reports for it."
    )
    assert "You can reactivate them later from this page." in response.text
    colleague.refresh_from_db()
    assert colleague.is_active

    client.post(url, carried(response))
    colleague.refresh_from_db()
    assert not colleague.is_active


def test_withdrawing_an_invitation_asks_first(client, manager):
    invitation = colleagues.invitation_send(user=manager, email="ada@example.com")
    client.force_login(manager)
    url = reverse("partners:invitation-revoke", args=[invitation.pk])

    response = client.post(url)

    assert asked(response) == (
        "Withdraw the invitation to ada@example.com? | Withdraw the invitation to "
        "ada@example.com: its link will stop working at once."
    )
    assert Invitation.objects.get().state() == Invitation.State.PENDING

    client.post(url, carried(response))
    assert Invitation.objects.get().state() == Invitation.State.REVOKED
