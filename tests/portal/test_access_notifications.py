"""The notifications pages: every signed-in user's own list and email settings. Rows in the
format of tests/partners/test_access.py, whose completeness test collects ACCESS."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.notifications import Kind as AwardKind
from partners.notifications import Kind as PartnerKind
from portal.models import Notification, UserPreference
from portal.notification_context import unread_notifications
from portal.notifications.kinds import registered_kinds
from tests.access import (
    ALL_405,
    LOGIN,
    ROLES,
    Access,
    check_access,
    parametrize_access,
    role_users,
    to,
)

pytestmark = pytest.mark.django_db

LIST = "/notifications/"
PREFERENCES = "/notifications/preferences/"
SIGNED_IN = (LOGIN,) + (200,) * (len(ROLES) - 1)
# Only partner1 has the notification; to anybody else it does not exist.
OWN_ONLY = (LOGIN, 404, 404, 404, 404, to("/awards/my-certificates/"), 404, 404, 404)


def _own(w):
    return [w.notification.pk]


# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("notification-list", "get", SIGNED_IN),
    Access("notification-read", "get", ALL_405, _own),
    Access("notification-read", "post", OWN_ONLY, _own),
    Access("notification-read-all", "get", ALL_405),
    Access("notification-read-all", "post", (LOGIN,) + (to(LIST),) * (len(ROLES) - 1)),
    Access("notification-preferences", "get", SIGNED_IN),
    Access("notification-preferences", "post", (LOGIN,) + (to(PREFERENCES),) * (len(ROLES) - 1), data={"language": "zh-hant"}),  # noqa: E501
]
# fmt: on


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        notification=_notification(partner_user, serial="EEPA-2024-0001"),
    )


def _notification(user, serial, **fields):
    return Notification.objects.create(
        recipient=user,
        kind=AwardKind.CERTIFICATE_ISSUED,
        params={"year": 2024, "serial": serial},
        link="/awards/my-certificates/",
        **fields,
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    check_access(client, world, row, role)


# The list


def test_the_list_shows_unread_first_then_newest(client, partner_user, other_partner_user):
    old_unread = _notification(partner_user, "EEPA-2022-0001")
    read = _notification(partner_user, "EEPA-2023-0001", read_at=timezone.now())
    new_unread = _notification(partner_user, "EEPA-2024-0001")
    _notification(other_partner_user, "EEPA-2024-0002")
    client.force_login(partner_user)

    response = client.get(reverse("notification-list"))

    assert [row[0] for row in response.context["rows"]] == [new_unread, old_unread, read]
    assert "Certificate EEPA-2024-0001 issued" in response.text
    assert "EEPA-2024-0002" not in response.text


def test_the_list_reads_in_the_ui_language(client, partner_user, compiled_catalogue):
    Notification.objects.create(
        recipient=partner_user,
        kind=PartnerKind.EVENT_VERIFIED,
        params={
            "event": 1,
            "enterprise": "Pacific Gateway Terminals Limited",
            "event_type": "controlled_delivery",
            "occurred_on": "2024-05-17",
            "significance": "routine",
            "summary": "",
        },
    )
    client.force_login(partner_user)
    client.post(reverse("set_language"), {"language": "zh-hant", "next": "/"})

    assert "受控交付" in client.get(reverse("notification-list")).text


def test_opening_one_marks_it_read_and_follows_its_link(client, world):
    client.force_login(world.users["partner1"])

    response = client.post(reverse("notification-read", args=[world.notification.pk]))

    assert response["Location"] == "/awards/my-certificates/"
    world.notification.refresh_from_db()
    assert world.notification.read_at is not None


def test_mark_all_read_marks_only_ones_own(client, world, partner_user, other_partner_user):
    _notification(partner_user, "EEPA-2023-0001")
    theirs = _notification(other_partner_user, "EEPA-2024-0002")
    client.force_login(partner_user)

    client.post(reverse("notification-read-all"))

    assert not Notification.objects.filter(recipient=partner_user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_takes_a_fixed_number_of_queries(
    client, partner_user, count, django_assert_num_queries
):
    for year in range(count):
        _notification(partner_user, f"EEPA-{2020 + year}-0001")
    client.force_login(partner_user)

    # Session, user, roles (the menu), count for the pages, notifications.
    with django_assert_num_queries(5):
        response = client.get(reverse("notification-list"))

    assert len(response.context["rows"]) == count


def test_the_unread_count_for_the_menu(rf, partner_user, other_partner_user):
    _notification(partner_user, "EEPA-2023-0001")
    _notification(partner_user, "EEPA-2024-0001")
    _notification(partner_user, "EEPA-2022-0001", read_at=timezone.now())
    _notification(other_partner_user, "EEPA-2024-0002")
    request = rf.get("/")
    request.user = partner_user

    assert unread_notifications(request)["unread_notifications"] == 2


def test_anonymous_visitors_have_no_unread_count(rf):
    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/")
    request.user = AnonymousUser()

    assert unread_notifications(request) == {"unread_notifications": 0}


# Email settings


def test_the_settings_offer_only_the_users_kinds(client, partner_user, panel_member):
    client.force_login(partner_user)
    offered = [v for v, _label in client.get(PREFERENCES).context["form"].fields["emails"].choices]
    assert offered == [
        "event_verified",
        "report_status_changed",
        "webhook_endpoint_paused",
        "results_published",
        "certificate_issued",
    ]
    client.force_login(panel_member)
    offered = [v for v, _label in client.get(PREFERENCES).context["form"].fields["emails"].choices]
    assert offered == ["panel_assigned", "scoring_deadline"]


def test_switching_emails_off_and_the_language(client, partner_user):
    UserPreference.objects.create(user=partner_user, emails_off=["reviews_complete"])
    client.force_login(partner_user)

    response = client.post(
        PREFERENCES,
        {"language": "zh-hant", "emails": ["event_verified", "certificate_issued"]},
    )

    assert response["Location"] == PREFERENCES
    preference = UserPreference.objects.get(user=partner_user)
    assert preference.language == "zh-hant"
    # A kind not offered to partners keeps its setting.
    assert preference.emails_off == [
        "report_status_changed",
        "results_published",
        "reviews_complete",
        "webhook_endpoint_paused",
    ]
    form = client.get(PREFERENCES).context["form"]
    assert form.initial == {
        "language": "zh-hant",
        # In the order the apps register their kinds: partners', then awards'.
        "emails": [
            "event_verified",
            "event_returned",
            "event_verified_comment",
            "verification_digest",
            "certificate_issued",
            "panel_assigned",
            "scoring_deadline",
            "approval_awaited",
            "quorum_short",
        ],
    }


def test_a_new_user_gets_every_email_in_the_sites_language(client, partner_user):
    client.force_login(partner_user)

    form = client.get(PREFERENCES).context["form"]

    assert form.initial["language"] == "en"
    assert form.initial["emails"] == [kind.code for kind in registered_kinds()]
