"""Who may open what: one row per URL and method, one column per role.

A new view needs a row in ACCESS (here or in any tests/**/test_access*.py module), or
`test_every_url_has_an_access_row` fails. The cells and the test each row runs are in
tests/access.py.
"""

import importlib
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from partners.services import events as services
from tests import upload_files
from tests.access import (
    ALL_405,
    LOGIN,
    ROLES,
    Access,
    Redirect,
    check_access,
    parametrize_access,
    role_users,
    to,
)
from tests.factories import EventFactory

pytestmark = pytest.mark.django_db

# Django's own admin checks `is_staff` itself; only its entry page is in the table.
NAMESPACES_WITHOUT_ROWS = {"admin"}


def _own_enterprise(w):
    return [w.enterprise.pk]


def _draft(w):
    return [w.draft.pk]


def _submitted(w):
    return [w.submitted.pk]


def _logged_by_verifier(w):
    return [w.logged_by_verifier.pk]


def _back_to(event_name: str) -> Redirect:
    return to(lambda w: getattr(w, event_name).get_absolute_url())


REASON = {"reason": "The seizure value is not supported by the case file."}
ADMIN_LOGIN = to("/admin/login/?next=/admin/")

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("home", "get", (LOGIN, to("/dashboard/"), to("/dashboard/"), to("/dashboard/"), to("/awards/panel/"), to("/my-enterprise/"), to("/my-enterprise/"), to("/dashboard/"), 403)),  # noqa: E501
    Access("login", "get", (200, 200, 200, 200, 200, 200, 200, 200, 200)),
    Access("logout", "get", ALL_405),
    Access("logout", "post", (to("/accounts/login/"),) * len(ROLES)),
    Access("password_change", "get", (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    Access("password_change_done", "get", (LOGIN, 200, 200, 200, 200, 200, 200, 200, 200)),
    Access("set_language", "post", (to("/enterprises/"),) * len(ROLES), data={"language": "zh-hant", "next": "/enterprises/"}),  # noqa: E501
    Access("admin:index", "get", (ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, ADMIN_LOGIN, 200, ADMIN_LOGIN)),  # noqa: E501
    # Enterprises
    Access("partners:enterprise-list", "get", (LOGIN, 200, 200, 200, 403, 403, 403, 200, 403)),
    Access("partners:enterprise-create", "get", (LOGIN, 403, 403, 200, 403, 403, 403, 200, 403)),
    Access("enterprise-detail", "get", (LOGIN, 200, 200, 200, 404, 200, 404, 200, 404), _own_enterprise, case="partner1s"),  # noqa: E501
    Access("enterprise-detail", "get", (LOGIN, 200, 200, 200, 404, 404, 200, 200, 404), lambda w: [w.other_enterprise.pk], case="partner2s"),  # noqa: E501
    Access("partners:enterprise-update", "get", (LOGIN, 403, 403, 200, 403, 403, 403, 200, 403), _own_enterprise),  # noqa: E501
    # The partner home: each partner its own enterprise; superusers have no enterprise.
    Access("my-enterprise", "get", (LOGIN, 403, 403, 403, 403, 200, 200, 403, 403)),
    # Cooperation events
    Access("partners:event-list", "get", (LOGIN, 200, 200, 200, 403, 403, 403, 200, 403)),
    Access("partners:event-export", "get", (LOGIN, 200, 200, 200, 403, 403, 403, 200, 403)),
    Access("partners:event-create", "get", (LOGIN, 200, 403, 403, 403, 403, 403, 200, 403)),
    Access("partners:event-import", "get", (LOGIN, 200, 403, 403, 403, 403, 403, 200, 403)),
    Access("partners:import-template-csv", "get", (LOGIN, 200, 403, 403, 403, 403, 403, 200, 403)),
    Access("partners:import-template-xlsx", "get", (LOGIN, 200, 403, 403, 403, 403, 403, 200, 403)),  # noqa: E501
    Access("partners:event-detail", "get", (LOGIN, 200, 200, 200, 403, 403, 403, 200, 403), _submitted, case="submitted"),  # noqa: E501
    # Somebody else's draft is out of scope, even for the superuser.
    Access("partners:event-detail", "get", (LOGIN, 200, 404, 404, 403, 403, 403, 404, 403), _draft, case="draft"),  # noqa: E501
    Access("partners:event-update", "get", (LOGIN, 200, 403, 403, 403, 403, 403, 404, 403), _draft, case="draft"),  # noqa: E501
    # A submitted event is no longer editable, not even by the officer who logged it.
    Access("partners:event-update", "get", (LOGIN, 403, 403, 403, 403, 403, 403, 403, 403), _submitted, case="submitted"),  # noqa: E501
    Access("partners:event-submit", "get", ALL_405, _draft),
    Access("partners:event-submit", "post", (LOGIN, _back_to("draft"), 403, 403, 403, 403, 403, 404, 403), _draft),  # noqa: E501
    # The second step: what verifying will do, a comment, then POST.
    Access("partners:event-verify", "get", (LOGIN, 403, 200, 403, 403, 403, 403, 200, 403), _submitted),  # noqa: E501
    Access("partners:event-verify", "get", (LOGIN, 403, 403, 403, 403, 403, 403, 200, 403), _logged_by_verifier, case="own"),  # noqa: E501
    # Out of scope (somebody else's draft): 404 for whoever may verify at all.
    Access("partners:event-verify", "get", (LOGIN, 403, 404, 403, 403, 403, 403, 404, 403), _draft, case="draft"),  # noqa: E501
    Access("partners:event-verify", "post", (LOGIN, 403, _back_to("submitted"), 403, 403, 403, 403, _back_to("submitted"), 403), _submitted),  # noqa: E501
    # Four eyes: a verifier never verifies or returns an event they logged.
    Access("partners:event-verify", "post", (LOGIN, 403, 403, 403, 403, 403, 403, _back_to("logged_by_verifier"), 403), _logged_by_verifier, case="own"),  # noqa: E501
    Access("partners:event-return", "get", ALL_405, _submitted),
    Access("partners:event-return", "post", (LOGIN, 403, _back_to("submitted"), 403, 403, 403, 403, _back_to("submitted"), 403), _submitted, data=REASON),  # noqa: E501
    Access("partners:event-return", "post", (LOGIN, 403, 403, 403, 403, 403, 403, _back_to("logged_by_verifier"), 403), _logged_by_verifier, data=REASON, case="own"),  # noqa: E501
    Access("partners:event-withdraw", "get", ALL_405, _submitted),
    Access("partners:event-withdraw", "post", (LOGIN, _back_to("submitted"), 403, _back_to("submitted"), 403, 403, 403, _back_to("submitted"), 403), _submitted, data={**REASON, "confirmed": "1"}),  # noqa: E501
    Access("partners:event-withdraw", "post", (LOGIN, 200, 403, 200, 403, 403, 403, 200, 403), _submitted, data=REASON, case="unconfirmed"),  # noqa: E501
    Access("partners:evidence-download", "get", (LOGIN, 200, 200, 200, 403, 403, 403, 200, 403), lambda w: [w.evidence.pk]),  # noqa: E501
    Access("partners:evidence-preview", "get", (LOGIN, 200, 200, 200, 403, 403, 403, 200, 403), lambda w: [w.evidence.pk]),  # noqa: E501
    # Evidence of somebody else's draft is out of scope: 404.
    Access("partners:evidence-preview", "get", (LOGIN, 200, 404, 404, 403, 403, 403, 404, 403), lambda w: [w.draft_evidence.pk], case="draft"),  # noqa: E501
    # Awards
    Access("awards:panel-home", "get", (LOGIN, 403, 403, 403, 200, 403, 403, 200, 403)),
]
# fmt: on


@pytest.fixture
def world(
    _fast_password_hashing,
    officer,
    verifier,
    secretariat,
    panel_member,
    partner_user,
    other_partner_user,
    draft_event,
    submitted_event,
):
    users = role_users(
        officer, verifier, secretariat, panel_member, partner_user, other_partner_user
    )
    evidence = services.evidence_attach(
        event=submitted_event,
        user=officer,
        upload=SimpleUploadedFile("statement.pdf", upload_files.pdf()),
    )
    return SimpleNamespace(
        users=users,
        enterprise=partner_user.membership.enterprise,
        other_enterprise=other_partner_user.membership.enterprise,
        draft=draft_event,
        submitted=submitted_event,
        # As if the verifier had once been an officer: the four-eyes rule still applies.
        logged_by_verifier=EventFactory(
            enterprise=submitted_event.enterprise, logged_by=verifier, submitted=True
        ),
        evidence=evidence,
        draft_evidence=services.evidence_attach(
            event=draft_event,
            user=officer,
            upload=SimpleUploadedFile("draft.png", upload_files.png()),
        ),
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    check_access(client, world, row, role)


def _url_names(patterns, namespace=""):
    """Every pattern's qualified name ("partners:event-list"); unnamed ones by their route."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name or f'<unnamed {pattern.pattern}>'}"


def all_access_rows() -> list[Access]:
    """This table and the ACCESS table of every other tests/**/test_access*.py module, so a
    view added anywhere without its access rows breaks the build."""
    rows = list(ACCESS)
    tests_dir = Path(__file__).resolve().parent.parent
    for path in sorted(tests_dir.rglob("test_access*.py")):
        module_name = ".".join(path.relative_to(tests_dir.parent).with_suffix("").parts)
        if module_name != __name__:
            # tests/api/test_access.py's ACCESS is the API's own matrix (tuples by key).
            rows += [
                row
                for row in getattr(importlib.import_module(module_name), "ACCESS", [])
                if isinstance(row, Access)
            ]
    return rows


def test_every_url_has_an_access_row():
    # The API's endpoints (api-…) are reached with keys, not sessions: their matrices of keys
    # and scopes are in their own tests (tests/api/, tests/partners/test_api_alerts.py).
    project_urls = {
        name
        for name in _url_names(get_resolver().url_patterns)
        if name.split(":")[0] not in NAMESPACES_WITHOUT_ROWS and not name.startswith("api-")
    }
    assert project_urls - {row.url_name for row in all_access_rows()} == set()


def test_every_post_only_view_has_a_post_row():
    rows = all_access_rows()
    post_only = {row.url_name for row in rows if row.expected == ALL_405}
    posted = {row.url_name for row in rows if row.method == "post"}
    assert post_only - posted == set()


def test_a_user_without_a_role_sees_the_no_role_page(client, world):
    client.force_login(world.users["no_role"])
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert [t.name for t in response.templates][0] == "portal/no_role.html"
    assert "Your account has no role in the portal yet." in response.text


def test_partner_home_is_their_own_enterprises_home(client, world):
    client.force_login(world.users["partner1"])
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain == [("/my-enterprise/", 302)]
    assert response.context["enterprise"] == world.enterprise
