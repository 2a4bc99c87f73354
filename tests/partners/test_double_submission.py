"""A create form sent twice creates one object (portal/submissions.py): a new event, a
partner's report, an invitation to a colleague. Sent twice in a row, the second sending is
taken to what the first created; sent twice at the same moment (two threads, two database
connections, PostgreSQL), one object all the same; sent again from the page shown anew (Back,
then send: a new token, the same content), one object too."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from partners.models import CooperationEvent, Invitation, Membership, PartnerReport
from portal.models import FormSubmission
from portal.submissions import ALREADY_SENT
from tests.concurrency import run_at_once
from tests.factories import UserFactory
from tests.upload_files import pdf

NEW_EVENT = reverse("partners:event-create")
NEW_REPORT = reverse("partners:report-submit")
INVITE = reverse("partners:colleague-invite")
TOKEN = re.compile(r'name="submission_token" value="([^"]+)"')


def _token(client, url) -> str:
    """The one-time token of the form as the page shows it."""
    return TOKEN.search(client.get(url).text).group(1)


def _event(enterprise, token) -> dict:
    return {
        "enterprise": enterprise.pk,
        "event_type": CooperationEvent.EventType.DETECTION_ASSISTANCE,
        "occurred_on": "2024-05-17",
        "significance": CooperationEvent.Significance.NOTABLE,
        "title": "On-site help tracking three containers",
        "partner_summary": "Helped staff track containers at the terminal.",
        "restricted_details": "Case HK-24-0117.",
        "submission_token": token,
    }


def _report(token) -> dict:
    return {
        "category": PartnerReport.Category.SUSPICIOUS_SHIPMENT,
        "description": "Three containers declared as toys, weighing like machinery.",
        "submission_token": token,
    }


def _invitation(token) -> dict:
    return {"email": "ada@example.com", "submission_token": token}


@pytest.fixture
def manager(partner_user):
    Membership.objects.filter(user=partner_user).update(is_manager=True)
    partner_user.refresh_from_db()
    return partner_user


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# One after the other


@pytest.mark.django_db
def test_a_new_event_form_sent_twice_makes_one_draft_and_shows_it(client, officer, enterprise):
    client.force_login(officer)
    data = _event(enterprise, _token(client, NEW_EVENT))

    first = client.post(NEW_EVENT, data)
    second = client.post(NEW_EVENT, data, follow=True)

    event = CooperationEvent.objects.get()
    assert first["Location"] == event.get_absolute_url()
    assert second.redirect_chain == [(event.get_absolute_url(), 302)]
    assert _messages(second)[-1] == str(ALREADY_SENT)


@pytest.mark.django_db
def test_two_new_event_forms_with_different_content_make_two_drafts(client, officer, enterprise):
    client.force_login(officer)
    client.post(NEW_EVENT, _event(enterprise, _token(client, NEW_EVENT)))
    client.post(NEW_EVENT, {**_event(enterprise, _token(client, NEW_EVENT)), "title": "Another"})

    assert CooperationEvent.objects.count() == 2


# Sent again from the page shown anew: Back shows the form again with what was typed in it
# (the browser restores the fields) but a new token (browsers do not restore hidden fields).


@pytest.mark.django_db
def test_a_report_sent_again_after_going_back_is_received_once(client, partner_user):
    client.force_login(partner_user)
    client.post(NEW_REPORT, _report(_token(client, NEW_REPORT)))

    again = client.post(NEW_REPORT, _report(_token(client, NEW_REPORT)), follow=True)

    report = PartnerReport.objects.get()
    assert again.redirect_chain == [(report.get_partner_url(), 302)]
    assert _messages(again)[-1] == str(ALREADY_SENT)
    assert FormSubmission.objects.count() == 1


@pytest.mark.django_db
def test_a_report_sent_again_after_going_back_without_its_attachment_is_received_once(
    client, partner_user
):
    """The file input is not restored by the browser: the same text is the same report."""
    client.force_login(partner_user)
    with_file = {
        **_report(_token(client, NEW_REPORT)),
        "attachments": SimpleUploadedFile("ticket.pdf", pdf(), "application/pdf"),
    }
    client.post(NEW_REPORT, with_file)

    client.post(NEW_REPORT, _report(_token(client, NEW_REPORT)))

    assert PartnerReport.objects.get().attachments.count() == 1


@pytest.mark.django_db
def test_a_report_with_other_words_is_another_report(client, partner_user):
    client.force_login(partner_user)
    client.post(NEW_REPORT, _report(_token(client, NEW_REPORT)))
    other = {**_report(_token(client, NEW_REPORT)), "description": "A fourth container."}
    client.post(NEW_REPORT, other)

    assert PartnerReport.objects.count() == 2


@pytest.mark.django_db
def test_the_same_report_an_hour_later_is_another_report(client, partner_user):
    client.force_login(partner_user)
    client.post(NEW_REPORT, _report(_token(client, NEW_REPORT)))
    FormSubmission.objects.update(created_at=timezone.now() - datetime.timedelta(minutes=61))

    client.post(NEW_REPORT, _report(_token(client, NEW_REPORT)))

    assert PartnerReport.objects.count() == 2


@pytest.mark.django_db
def test_a_new_event_sent_again_after_going_back_makes_one_draft(client, officer, enterprise):
    client.force_login(officer)
    client.post(NEW_EVENT, _event(enterprise, _token(client, NEW_EVENT)))

    again = client.post(NEW_EVENT, _event(enterprise, _token(client, NEW_EVENT)), follow=True)

    event = CooperationEvent.objects.get()
    assert again.redirect_chain == [(event.get_absolute_url(), 302)]
    assert _messages(again)[-1] == str(ALREADY_SENT)


@pytest.mark.django_db
def test_an_invitation_sent_again_after_going_back_is_sent_once(client, manager, mailoutbox):
    client.force_login(manager)
    client.post(INVITE, _invitation(_token(client, INVITE)))

    again = client.post(INVITE, _invitation(_token(client, INVITE)), follow=True)

    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1
    assert _messages(again)[-1] == str(ALREADY_SENT)


@pytest.mark.django_db
def test_an_invitation_withdrawn_may_be_sent_again_at_once(client, manager, mailoutbox):
    client.force_login(manager)
    client.post(INVITE, _invitation(_token(client, INVITE)))
    client.post(
        reverse("partners:invitation-revoke", args=[Invitation.objects.get().pk]),
        {"confirmed": "1"},
    )

    client.post(INVITE, _invitation(_token(client, INVITE)))

    assert Invitation.objects.count() == 2
    assert len(mailoutbox) == 2


@pytest.mark.django_db
def test_a_form_refused_for_its_errors_keeps_its_token_and_is_then_saved_once(
    client, officer, enterprise
):
    client.force_login(officer)
    token = _token(client, NEW_EVENT)

    refused = client.post(NEW_EVENT, {**_event(enterprise, token), "title": ""})
    assert refused.status_code == 200
    assert TOKEN.search(refused.text).group(1) == token
    client.post(NEW_EVENT, _event(enterprise, token))
    client.post(NEW_EVENT, _event(enterprise, token))

    assert CooperationEvent.objects.count() == 1


@pytest.mark.django_db
def test_the_same_token_from_another_user_is_another_form(client, officer, enterprise):
    """Tokens are claimed per user: another officer's form never answers for this one's."""
    colleague = UserFactory(username="officer-b", roles=["Officer"])
    client.force_login(officer)
    token = _token(client, NEW_EVENT)
    client.post(NEW_EVENT, _event(enterprise, token))
    client.force_login(colleague)
    client.post(NEW_EVENT, _event(enterprise, token))

    assert CooperationEvent.objects.count() == 2


@pytest.mark.django_db
def test_a_report_sent_twice_is_received_once(client, partner_user):
    client.force_login(partner_user)
    data = _report(_token(client, NEW_REPORT))

    client.post(NEW_REPORT, data)
    second = client.post(NEW_REPORT, data, follow=True)

    report = PartnerReport.objects.get()
    assert second.redirect_chain == [(report.get_partner_url(), 302)]
    assert _messages(second)[-1] == str(ALREADY_SENT)


@pytest.mark.django_db
def test_an_invitation_sent_twice_is_sent_once(client, manager, mailoutbox):
    client.force_login(manager)
    data = _invitation(_token(client, INVITE))

    client.post(INVITE, data)
    second = client.post(INVITE, data, follow=True)

    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1
    assert second.redirect_chain == [(reverse("partners:colleagues"), 302)]
    assert _messages(second)[-1] == str(ALREADY_SENT)


@pytest.mark.django_db
def test_the_colleagues_page_invitation_form_carries_a_token_too(client, manager):
    client.force_login(manager)
    assert TOKEN.search(client.get(reverse("partners:colleagues")).text)


@pytest.mark.django_db
def test_the_edit_form_of_an_event_has_no_token(client, officer, enterprise):
    client.force_login(officer)
    client.post(NEW_EVENT, _event(enterprise, _token(client, NEW_EVENT)))
    event = CooperationEvent.objects.get()

    assert not TOKEN.search(client.get(reverse("partners:event-update", args=[event.pk])).text)
    assert FormSubmission.objects.get().created == event


# At the same moment


def _at_once(user, url, data) -> list:
    """Two clients of `user` post `data` to `url` at the same moment; their responses."""
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(user)
    responses = [None, None]

    def post(index):
        def attempt():
            responses[index] = clients[index].post(url, data)

        return attempt

    assert run_at_once(post(0), post(1)) == ["ok", "ok"]
    return responses


@pytest.mark.django_db(transaction=True)
def test_two_identical_new_event_posts_at_once_make_one_draft(client, officer, enterprise):
    client.force_login(officer)
    data = _event(enterprise, _token(client, NEW_EVENT))

    responses = _at_once(officer, NEW_EVENT, data)

    event = CooperationEvent.objects.get()
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {event.get_absolute_url()}


@pytest.mark.django_db(transaction=True)
def test_two_identical_reports_at_once_make_one_report(client, partner_user):
    client.force_login(partner_user)
    data = _report(_token(client, NEW_REPORT))

    responses = _at_once(partner_user, NEW_REPORT, data)

    report = PartnerReport.objects.get()
    assert {r["Location"] for r in responses} == {report.get_partner_url()}


@pytest.mark.django_db(transaction=True)
def test_two_identical_invitations_at_once_make_one_invitation(client, manager, mailoutbox):
    client.force_login(manager)
    data = _invitation(_token(client, INVITE))

    responses = _at_once(manager, INVITE, data)

    assert Invitation.objects.count() == 1
    assert len(mailoutbox) == 1
    assert {r["Location"] for r in responses} == {reverse("partners:colleagues")}
