"""Verifying an event (issue 14, item 7): a second step that says what will happen, with an
optional comment for the officer, "verify and go to the next" through the verifier's queue, and
the reason a button is missing, where it would be."""

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from partners import rules
from partners.filters import AWAITING_VERIFICATION
from partners.models import CooperationEvent
from portal.models import AuditEntry, Notification
from portal.notifications.kinds import readable_date, render
from tests.factories import EventFactory, UserFactory

pytestmark = pytest.mark.django_db
Status = CooperationEvent.Status


def _verify_url(event) -> str:
    return reverse("partners:event-verify", args=[event.pk])


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _last_message(response) -> str:
    # Redirects are not followed here: the messages of earlier requests are still queued.
    return _messages(response)[-1]


def test_the_second_step_says_what_verifying_will_do(client, verifier, submitted_event):
    # The officer's name, their own words, is shown as text.
    submitted_event.logged_by.first_name = "<b>Ann</b>"
    submitted_event.logged_by.save()
    client.force_login(verifier)
    page = client.get(submitted_event.get_absolute_url()).text
    # The event's page leads to the second step; nothing is verified by a click on it.
    assert f'href="{_verify_url(submitted_event)}">Verify…</a>' in page

    response = client.get(_verify_url(submitted_event))

    assert response.status_code == 200
    assert (
        f"Verify “{submitted_event.title}”: it will count towards "
        "Pacific Gateway Terminals Limited's score." in response.text
    )
    assert "only the secretariat can withdraw it." in response.text
    # A plain form: it works without JavaScript, and each button says what it does.
    assert f'<form method="post" action="{_verify_url(submitted_event)}"' in response.text
    assert '<button type="submit" class="btn btn-success" name="then" value="event">Verify' in (
        response.text
    )
    assert 'name="then" value="next" aria-describedby="queue-left">Verify and go to the next' in (
        response.text
    )
    assert "Comment for the officer (optional)" in response.text
    assert (
        '<div id="id_comment_helptext" class="form-text">Kept in the event\'s audit trail '
        "and sent to &lt;b&gt;Ann&lt;/b&gt;, who logged it.</div>"
    ) in response.text
    submitted_event.refresh_from_db()
    assert submitted_event.status == Status.SUBMITTED


def test_a_comment_goes_into_the_audit_trail_and_to_the_officer(
    client, verifier, officer, partner_user, submitted_event
):
    client.force_login(verifier)
    comment = "Matches the seizure report; next time attach the manifest."

    response = client.post(_verify_url(submitted_event), {"comment": f"  {comment}\n"})

    assert response.status_code == 302
    assert response["Location"] == submitted_event.get_absolute_url()
    assert _messages(response) == ["Event verified."]
    submitted_event.refresh_from_db()
    assert (submitted_event.status, submitted_event.verified_by) == (Status.VERIFIED, verifier)
    entry = AuditEntry.objects.for_object(submitted_event).get(action="partners.event.verified")
    assert (entry.actor, entry.note, entry.changes) == (
        verifier,
        comment,
        {"status": ["submitted", "verified"]},
    )
    # In the event's audit history, for every staff reader.
    client.force_login(officer)
    trail = client.get(submitted_event.get_absolute_url()).text.split('id="audit-heading"')[1]
    assert f'<div class="text-muted">{comment}</div>' in trail
    # The officer who logged it is told, with the comment; the partner gets its own notice,
    # without it.
    [to_officer] = Notification.objects.filter(recipient=officer)
    assert to_officer.kind == "event_verified_comment"
    assert to_officer.link == submitted_event.get_absolute_url()
    title, body = render(to_officer)
    occurred = readable_date(submitted_event.occurred_on.isoformat())
    assert title == "Event verified, with a comment"
    assert body == (
        "Your event for Pacific Gateway Terminals Limited "
        f"({submitted_event.get_event_type_display()} on {occurred}) was verified by "
        f"{verifier.get_full_name()}, who comments: {comment}"
    )
    [to_partner] = Notification.objects.filter(recipient=partner_user)
    assert to_partner.kind == "event_verified"
    assert comment not in "".join(render(to_partner))


def test_without_a_comment_the_officer_is_not_notified(client, verifier, officer, submitted_event):
    client.force_login(verifier)
    client.post(_verify_url(submitted_event), {"comment": "   "})
    submitted_event.refresh_from_db()
    assert submitted_event.status == Status.VERIFIED
    entry = AuditEntry.objects.for_object(submitted_event).get(action="partners.event.verified")
    assert entry.note == ""
    assert not Notification.objects.filter(recipient=officer).exists()


def test_a_comment_too_long_is_refused_with_its_length(client, verifier, submitted_event):
    client.force_login(verifier)
    response = client.post(_verify_url(submitted_event), {"comment": "x" * 2001})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "comment": ["Ensure this value has at most 2000 characters (it has 2001)."]
    }
    assert "maxlength" not in response.text.split('name="comment"')[1].split(">")[0]
    submitted_event.refresh_from_db()
    assert submitted_event.status == Status.SUBMITTED


def test_an_event_verified_by_someone_else_meanwhile_is_not_verified_twice(
    client, verifier, verifier2, submitted_event
):
    client.force_login(verifier2)
    client.post(_verify_url(submitted_event))
    client.force_login(verifier)

    for response in (
        client.get(_verify_url(submitted_event)),
        client.post(_verify_url(submitted_event)),
    ):
        assert response.status_code == 302
        assert response["Location"] == submitted_event.get_absolute_url()
        assert _last_message(response).startswith("This event was already verified by ")
    assert AuditEntry.objects.filter(action="partners.event.verified").count() == 1


# Verify and go to the next


@pytest.fixture
def queue(enterprise, officer, verifier):
    """Five submitted events, in the queue's order (the longest waiting first), one of them
    logged by the verifier; a draft and a verified event, in no queue."""
    start = timezone.now() - datetime.timedelta(days=10)

    def submitted(hours, logged_by=officer):
        return EventFactory(
            enterprise=enterprise,
            logged_by=logged_by,
            submitted=True,
            submitted_at=start + datetime.timedelta(hours=hours),
        )

    events = {
        "first": submitted(1),
        "second": submitted(2),
        "own": submitted(3, logged_by=verifier),  # four eyes: never theirs to verify
        "third": submitted(4),
        # Submitted at the same moment as the third: after it (the primary key decides).
        "fourth": submitted(4),
    }
    EventFactory(enterprise=enterprise, logged_by=officer)
    EventFactory(enterprise=enterprise, logged_by=officer, verified=True)
    return events


def _verify_and_next(client, event):
    return client.post(_verify_url(event), {"then": "next"})


def test_verify_and_next_follows_the_queues_order_skipping_the_verifiers_own(
    client, verifier, queue
):
    client.force_login(verifier)
    # The verifier opened the second one first (the first is skipped, for now).
    response = _verify_and_next(client, queue["second"])
    assert response["Location"] == queue["third"].get_absolute_url()
    assert _last_message(response) == "Event verified. This is the next in your queue."
    assert _verify_and_next(client, queue["third"])["Location"] == (
        queue["fourth"].get_absolute_url()
    )
    # Past the end of the queue: the one still waiting from its start.
    assert _verify_and_next(client, queue["fourth"])["Location"] == (
        queue["first"].get_absolute_url()
    )
    response = _verify_and_next(client, queue["first"])
    assert response["Location"] == f"{reverse('partners:event-list')}?{AWAITING_VERIFICATION}"
    assert _last_message(response) == "Event verified. Nothing else awaits your verification."
    statuses = {name: CooperationEvent.objects.get(pk=e.pk).status for name, e in queue.items()}
    assert statuses == {
        "first": Status.VERIFIED,
        "second": Status.VERIFIED,
        "own": Status.SUBMITTED,
        "third": Status.VERIFIED,
        "fourth": Status.VERIFIED,
    }


def test_the_next_is_the_next_of_the_queue_list_itself(client, verifier, queue):
    """The same order as the list the verifier works from (the dashboard's link)."""
    client.force_login(verifier)
    listed = client.get(f"{reverse('partners:event-list')}?{AWAITING_VERIFICATION}")
    order = [event.pk for event in listed.context["page"].object_list]
    mine = [pk for pk in order if pk != queue["own"].pk]
    assert mine == [queue[name].pk for name in ("first", "second", "third", "fourth")]
    response = _verify_and_next(client, queue["first"])
    assert response["Location"] == reverse("partners:event-detail", args=[mine[1]])


def test_the_second_step_says_how_many_events_are_left(client, verifier, queue):
    client.force_login(verifier)
    response = client.get(_verify_url(queue["first"]))
    assert response.context["waiting"] == 3
    assert "3 other events await your verification." in response.text


# The reasons a button is missing


def test_the_reasons_for_each_missing_button_for_the_users_who_would_look_for_it(
    enterprise, officer, officer2, verifier, secretariat
):
    both = UserFactory(username="both", roles=["Officer", "Verifier"])
    own = EventFactory(enterprise=enterprise, logged_by=both, submitted=True)

    def refusals(user, event):
        return rules.event_refusals(user, event, rules.event_actions(user, event))

    assert refusals(both, own) == {
        "verify": "You logged this event: another verifier must verify it.",
        "return": "You logged this event: another verifier must return it if it needs work.",
    }
    submitted = EventFactory(enterprise=enterprise, logged_by=officer, submitted=True)
    assert refusals(officer2, submitted) == {
        "withdraw": "Only the officer who logged it can withdraw it before verification; "
        "a verified event only the secretariat.",
    }
    returned = EventFactory(enterprise=enterprise, logged_by=officer, status=Status.RETURNED)
    assert refusals(officer2, returned) == {
        "edit": "Only the officer who logged this event can do that.",
        "withdraw": "Only the officer who logged it can withdraw it before verification; "
        "a verified event only the secretariat.",
    }
    verified = EventFactory(enterprise=enterprise, logged_by=officer, verified=True)
    assert refusals(officer, verified) == {
        "withdraw": "Only the officer who logged it can withdraw it before verification; "
        "a verified event only the secretariat.",
    }
    # Nobody is told about buttons of another role, nor of a status that allows no such move.
    assert refusals(secretariat, submitted) == {}
    assert refusals(verifier, submitted) == {}
    assert refusals(verifier, verified) == {}


def test_the_page_says_why_where_the_button_would_be(client, enterprise, officer, officer2):
    returned = EventFactory(enterprise=enterprise, logged_by=officer, status=Status.RETURNED)
    client.force_login(officer2)
    page = client.get(returned.get_absolute_url()).text
    assert 'id="edit-refusal">Only the officer who logged this event can do that.</p>' in page
    assert 'id="submit-refusal"' not in page  # the same words are said once
    assert (
        'id="withdraw-refusal">Only the officer who logged it can withdraw it before '
        "verification; a verified event only the secretariat.</p>" in page
    )
