import pytest
from django.core.exceptions import PermissionDenied

from partners import services
from partners.models import CooperationEvent

pytestmark = pytest.mark.django_db
Status = CooperationEvent.Status


@pytest.mark.smoke
def test_an_event_goes_from_draft_to_verified(draft_event, officer, verifier):
    services.event_submit(event=draft_event, user=officer)
    event = services.event_verify(event=draft_event, user=verifier)
    event.refresh_from_db()
    assert event.status == Status.VERIFIED
    assert event.verified_by == verifier


def test_a_verifier_cannot_verify_an_event_they_logged(enterprise):
    from tests.factories import EventFactory, UserFactory

    both = UserFactory(username="both", roles=["Officer", "Verifier"])
    event = EventFactory(enterprise=enterprise, logged_by=both, submitted=True)
    with pytest.raises(PermissionDenied):
        services.event_verify(event=event, user=both)
    event.refresh_from_db()
    assert event.status == Status.SUBMITTED
