import pytest
from django.urls import reverse

from partners.models import Enterprise
from portal.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user(db):
    return UserFactory(username="root", is_superuser=True, is_staff=True)


def test_cooperation_events_cannot_be_added_or_changed_in_the_admin(
    client, admin_user, verified_event
):
    client.force_login(admin_user)
    change_url = reverse("admin:partners_cooperationevent_change", args=[verified_event.pk])
    assert client.get(reverse("admin:partners_cooperationevent_add")).status_code == 403
    assert client.get(change_url).status_code == 200  # view only
    response = client.post(change_url, {"significance": "major", "title": "Changed"})
    assert response.status_code == 403
    verified_event.refresh_from_db()
    assert verified_event.significance == "routine"


def test_an_enterprise_changed_in_the_admin_is_in_the_audit_trail(client, admin_user, enterprise):
    client.force_login(admin_user)
    data = {
        "name_en": enterprise.name_en,
        "name_zh": enterprise.name_zh,
        "br_number": enterprise.br_number,
        "sector": enterprise.sector,
        "status": Enterprise.Status.SUSPENDED,
    }
    response = client.post(reverse("admin:partners_enterprise_change", args=[enterprise.pk]), data)
    assert response.status_code == 302
    entry = AuditEntry.objects.for_object(enterprise).get()
    assert (entry.action, entry.actor, entry.changes, entry.note) == (
        "partners.enterprise.updated",
        admin_user,
        {"status": ["active", "suspended"]},
        "admin",
    )


def test_the_superuser_is_not_offered_a_my_enterprise_link(client, admin_user):
    client.force_login(admin_user)
    content = client.get(reverse("partners:enterprise-list")).content.decode()
    assert reverse("my-enterprise") not in content
