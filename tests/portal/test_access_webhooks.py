"""Who may open the webhook pages (portal/webhooks/views.py): an enterprise's active managers,
their own enterprise's endpoints only (partner1 and partner2 are both managers here, each of
their own enterprise); 404 for another enterprise's endpoint; 403 for every other role, a
partner user who is not a manager and the superuser (who manages no enterprise). Lists under
a constant number of queries."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from partners.models import Membership
from portal.webhooks import services
from portal.webhooks.models import Delivery, Endpoint
from tests.access import (
    ALL_405,
    LOGIN,
    Access,
    check_access,
    parametrize_access,
    role_users,
    to,
)

pytestmark = pytest.mark.django_db

LIST = "/my-enterprise/webhooks/"
MANAGERS = (LOGIN, 403, 403, 403, 403, 200, 200, 403, 403)
# partner1 acts on its own enterprise's endpoint; partner2, a manager elsewhere, gets 404.
PARTNER1S = (LOGIN, 403, 403, 403, 403, 200, 404, 403, 403)


def _detail(world) -> str:
    return f"{LIST}{world.endpoint.pk}/"


PARTNER1_BACK = (LOGIN, 403, 403, 403, 403, to(_detail), 404, 403, 403)
ONE = lambda w: [w.endpoint.pk]  # noqa: E731

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("webhooks:endpoint-list", "get", MANAGERS),
    Access("webhooks:endpoint-create", "get", MANAGERS),
    Access("webhooks:endpoint-create", "post", MANAGERS, data={"url": "", "event_types": ["event.verified"]}),  # noqa: E501
    Access("webhooks:endpoint-detail", "get", PARTNER1S, ONE),
    Access("webhooks:endpoint-test", "get", ALL_405, ONE),
    Access("webhooks:endpoint-test", "post", PARTNER1_BACK, ONE),
    Access("webhooks:endpoint-resume", "get", ALL_405, ONE),
    Access("webhooks:endpoint-resume", "post", PARTNER1_BACK, ONE),
    Access("webhooks:endpoint-secret", "get", ALL_405, ONE),
    Access("webhooks:endpoint-secret", "post", PARTNER1S, ONE),
    Access("webhooks:endpoint-delete", "get", ALL_405, ONE),
    Access("webhooks:endpoint-delete", "post", (LOGIN, 403, 403, 403, 403, to(LIST), 404, 403, 403), ONE),  # noqa: E501
]
# fmt: on


def _managers(*users):
    Membership.objects.filter(user__in=users).update(is_manager=True)
    for user in users:
        user.refresh_from_db()


@pytest.fixture
def world(
    officer,
    verifier,
    secretariat,
    panel_member,
    partner_user,
    other_partner_user,
    webhook_receiver,
):
    _managers(partner_user, other_partner_user)
    endpoint, _secret = services.endpoint_create(
        user=partner_user, url=webhook_receiver.url, event_types=["event.verified"]
    )
    Endpoint.objects.filter(pk=endpoint.pk).update(status=Endpoint.Status.PAUSED)
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        endpoint=endpoint,
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    # The form sent empty comes back with its errors (200), with no message.
    check_access(client, world, row, role)


def test_a_partner_user_who_is_not_a_manager_gets_403(client, colleague, world):
    client.force_login(colleague)
    assert client.get(LIST).status_code == 403
    assert client.get(_detail(world)).status_code == 403
    assert client.post(f"{_detail(world)}test/").status_code == 403


def test_a_manager_adds_an_endpoint_and_reads_its_secret_once(
    client, partner_user, webhook_receiver
):
    _managers(partner_user)
    client.force_login(partner_user)
    form = client.get(reverse("webhooks:endpoint-create")).context["form"]
    response = client.post(
        reverse("webhooks:endpoint-create"),
        {
            "url": webhook_receiver.url,
            "description": "Terminal operations system",
            "event_types": ["report.status_changed", "certificate.issued"],
            "submission_token": form["submission_token"].value(),
        },
    )

    endpoint = Endpoint.objects.get()
    secret = response.context["secret"]
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert secret in response.content.decode()
    assert (endpoint.url, endpoint.description, endpoint.event_types) == (
        webhook_receiver.url,
        "Terminal operations system",
        ["certificate.issued", "report.status_changed"],
    )
    assert secret not in client.get(endpoint.get_absolute_url()).content.decode()


def test_an_endpoint_on_the_private_network_is_refused_by_the_form(client, partner_user):
    _managers(partner_user)
    client.force_login(partner_user)
    response = client.post(
        reverse("webhooks:endpoint-create"),
        {"url": "https://169.254.169.254/latest/", "event_types": ["event.verified"]},
    )

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "url": ["The host resolves to an address that is not public (169.254.169.254)"]
    }
    assert not Endpoint.objects.exists()


def test_the_send_test_button_logs_a_delivery(
    client, world, webhook_receiver, partner_user, django_capture_on_commit_callbacks
):
    client.force_login(partner_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"{_detail(world)}test/")
    response = client.get(_detail(world))

    delivery = Delivery.objects.get()
    assert (delivery.event_type, delivery.status, delivery.response_status) == (
        "webhook.test",
        "delivered",
        200,
    )
    page = response.content.decode()
    assert str(delivery.webhook_id) in page
    assert "200" in page


@pytest.mark.parametrize("count", [1, 3])
def test_the_endpoint_list_reads_a_constant_number_of_queries(
    client, partner_user, webhook_receiver, django_assert_num_queries, count
):
    _managers(partner_user)
    for _ in range(count):
        services.endpoint_create(
            user=partner_user, url=webhook_receiver.url, event_types=["event.verified"]
        )
    client.force_login(partner_user)
    # session, user, roles, membership (the rule), endpoints
    with django_assert_num_queries(5):
        assert client.get(LIST).status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_the_delivery_log_reads_a_constant_number_of_queries(
    client, world, partner_user, django_assert_num_queries, count
):
    for _ in range(count):
        services.endpoint_send_test(user=partner_user, endpoint=world.endpoint)
    client.force_login(partner_user)
    # session, user, roles, membership, endpoint, its creator, deliveries' count and page
    with django_assert_num_queries(8):
        assert client.get(_detail(world)).status_code == 200
