"""The security log (portal.views.security_log): every audit entry whose code starts with
AUTH_PREFIX, newest first, with filters, paginated, in a constant number of queries."""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from portal.audit_labels import AUTH_PREFIX, AuthEvent, LockoutNote, register_audit_labels
from portal.models import AuditEntry
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LOG = "/security-log/"


def log_in(client, username, password=PASSWORD, address="203.0.113.7"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        HTTP_USER_AGENT="Firefox/133.0",
    )


@pytest.fixture
def history(client, officer, partner_user):
    """A failed then successful login of the officer, a partner's failure from elsewhere, and
    an unknown username tried."""
    log_in(client, "officer", "guess")
    log_in(client, "officer")
    client.post(reverse("logout"))
    log_in(client, "partner1", "guess", address="198.51.100.20")
    log_in(client, "root", "toor", address="192.0.2.66")
    # Not shown: an entry of another kind.
    AuditEntry.objects.create(
        action="partners.event.verified",
        content_type_id=AuditEntry.objects.first().content_type_id,
        object_id="1",
        object_repr="event",
    )


def rows(response):
    return [(e.action, e.object_repr, e.client_address) for e in response.context["page"]]


def test_the_log_lists_the_auth_entries_newest_first(client, secretariat, history):
    client.force_login(secretariat)
    response = client.get(LOG)

    assert response.status_code == 200
    assert rows(response)[:6] == [
        # client.force_login: a request without an address.
        (AuthEvent.LOGIN, "secretariat", None),
        (AuthEvent.LOGIN_FAILED, "root", "192.0.2.66"),
        (AuthEvent.LOGIN_FAILED, "partner1", "198.51.100.20"),
        (AuthEvent.LOGOUT, "officer", "127.0.0.1"),
        (AuthEvent.LOGIN, "officer", "203.0.113.7"),
        (AuthEvent.LOGIN_FAILED, "officer", "203.0.113.7"),
    ]
    assert len(rows(response)) == 6
    assert "Login failed" in response.text
    assert "(no such account)" in response.text
    assert "Firefox/133.0" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"action": AuthEvent.LOGIN_FAILED}, ["root", "partner1", "officer"]),
        ({"username": "OFFICER"}, ["officer", "officer", "officer"]),
        ({"address": "198.51.100.20"}, ["partner1"]),
        ({"action": AuthEvent.LOGIN, "username": "officer"}, ["officer"]),
    ],
)
def test_the_filters(client, secretariat, history, query, expected):
    client.force_login(secretariat)
    response = client.get(LOG, query)
    assert [e.object_repr for e in response.context["page"]] == expected


def test_the_date_filters_use_the_administrations_days(client, secretariat, history):
    today = timezone.localdate()
    AuditEntry.objects.filter(object_repr="root").update(
        created_at=timezone.make_aware(
            datetime.datetime.combine(today - datetime.timedelta(days=3), datetime.time(23, 59))
        )
    )
    client.force_login(secretariat)
    three_days_ago = (today - datetime.timedelta(days=3)).isoformat()

    only_then = client.get(LOG, {"date_from": three_days_ago, "date_to": three_days_ago})
    since_yesterday = client.get(
        LOG, {"date_from": (today - datetime.timedelta(days=2)).isoformat()}
    )

    assert [e.object_repr for e in only_then.context["page"]] == ["root"]
    assert "root" not in [e.object_repr for e in since_yesterday.context["page"]]


def test_a_bad_filter_shows_nothing_and_says_so(client, secretariat, history):
    client.force_login(secretariat)
    response = client.get(LOG, {"address": "not-an-address"})
    assert list(response.context["page"]) == []
    assert "A filter is not valid" in response.text


def test_second_factor_codes_show_once_registered(client, secretariat, history):
    """Any code under AUTH_PREFIX is in the log; once its app registers a label, it is in the
    event filter too (the second-factor events)."""
    code = f"{AUTH_PREFIX}mfa.test_code_verified"
    register_audit_labels(actions={code: "Second factor verified (test)"})
    officer_entry = AuditEntry.objects.filter(action=AuthEvent.LOGIN).first()
    AuditEntry.objects.create(
        action=code,
        content_type_id=officer_entry.content_type_id,
        object_id=officer_entry.object_id,
        object_repr="officer",
        client_address="203.0.113.7",
    )
    client.force_login(secretariat)

    response = client.get(LOG, {"action": code})

    assert [e.action for e in response.context["page"]] == [code]
    assert "Second factor verified (test)" in response.text


def test_lock_outs_say_which_limit(client, secretariat, settings, officer):
    settings.LOGIN_FAILURE_LIMIT_PER_USERNAME = 2
    log_in(client, "officer", "a", address="192.0.2.1")
    log_in(client, "officer", "b", address="192.0.2.2")
    client.force_login(secretariat)

    response = client.get(LOG, {"action": AuthEvent.LOCKED_OUT})

    assert [e.note for e in response.context["page"]] == [LockoutNote.USERNAME]
    assert "too many failed logins for this username" in response.text


def _entries(count):
    content_type_id = ContentType.objects.get_for_model(get_user_model()).pk
    AuditEntry.objects.bulk_create(
        AuditEntry(
            action=AuthEvent.LOGIN_FAILED,
            content_type_id=content_type_id,
            object_id="",
            object_repr=f"user{n}",
            client_address=f"192.0.2.{n % 250}",
            user_agent="curl/8.0",
        )
        for n in range(count)
    )


def test_the_query_count_does_not_grow_with_the_log(client, secretariat, django_assert_num_queries):
    """The session, the user, their roles, the count, the page: measured with one entry, the
    same with a page of 50 out of 120 (whatever queries the middleware adds to every page)."""
    client.force_login(secretariat)
    _entries(1)
    with CaptureQueriesContext(connection) as small:
        assert client.get(LOG).status_code == 200
    _entries(119)

    with django_assert_num_queries(len(small)):
        response = client.get(LOG, {"page": 2})

    assert len(response.context["page"]) == 50
    assert len(small) <= 6


def test_the_index_serves_the_logs_order(secretariat):
    _entries(1)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
    plan = AuditEntry.objects.security_log()[:50].explain()
    assert "audit_auth_newest_first" in plan
