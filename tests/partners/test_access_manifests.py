"""Who may open the manifest pages: customs staff read them, officers import them; a partner,
the panel and anyone without a role never reach them. Rows in the format of
tests/partners/test_access.py, whose completeness test collects ACCESS."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from partners.models import Manifest
from tests.access import LOGIN, Access, check_access, parametrize_access, role_users, to
from tests.partners.manifest_data import LINE, manifest_file, manifest_of

pytestmark = pytest.mark.django_db

STAFF_READ = (LOGIN, 200, 200, 200, 403, 403, 403, 200, 403)
OFFICERS = (LOGIN, 200, 403, 403, 403, 403, 403, 200, 403)


def _new_manifest(w):
    return Manifest.objects.latest("pk").get_absolute_url()


# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("partners:manifest-list", "get", STAFF_READ),
    Access("partners:manifest-detail", "get", STAFF_READ, lambda w: [w.manifest.pk]),
    Access("partners:manifest-import", "get", OFFICERS),
    Access("partners:manifest-import", "post", (LOGIN, to(_new_manifest), 403, 403, 403, 403, 403, to(_new_manifest), 403), case="upload"),  # noqa: E501
    Access("partners:manifest-template-csv", "get", OFFICERS),
    Access("partners:manifest-template-xlsx", "get", OFFICERS),
]
# fmt: on


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
        manifest=manifest_of(officer),
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    # A file is read once: each request gets its own.
    data = {"file": manifest_file(LINE)} if row.case == "upload" else None
    check_access(client, world, row, role, data=data)


def test_an_unknown_manifest_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("partners:manifest-detail", args=[999999])).status_code == 404
