"""Who may open the award cycle pages: the list, a cycle, its settings and its status steps.

Rows in the format of tests/partners/test_access.py, whose completeness test collects ACCESS.
"""

from decimal import Decimal
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.urls import reverse, reverse_lazy
from django.utils import timezone

from awards.models import Cycle, NominationResult
from tests.access import (
    LOGIN,
    SECRETARIAT_ONLY,
    Access,
    check_access,
    parametrize_access,
    role_users,
    to,
)
from tests.awards.cycle_data import cycle_form_data
from tests.awards.factories import AssignmentFactory, CycleFactory, NominationFactory

pytestmark = pytest.mark.django_db
Status = Cycle.Status

# The world's cycles, one per status; the panel member is assigned in the one in review.
DRAFT, NOMINATIONS, REVIEW, FINALISED, PUBLISHED = 2026, 2025, 2024, 2023, 2022


def _year(year):
    return lambda w: [year]


def _page(year):
    return to(f"/awards/cycles/{year}/")


WITH_PANEL = (LOGIN, 403, 403, 200, 200, 403, 403, 200, 403)
# A panel member sees only the cycles they are assigned in.
NOT_THE_PANELS = (LOGIN, 403, 403, 200, 404, 403, 403, 200, 403)
NOBODY = (LOGIN, 403, 403, 403, 403, 403, 403, 403, 403)


def _done(year):
    """The secretariat's (and superuser's) request succeeds and leads to the cycle's page."""
    return (LOGIN, 403, 403, _page(year), 403, 403, 403, _page(year), 403)


LOGIN_TO_COPY = to(
    f"{reverse_lazy('login')}?next={quote(f'/awards/cycles/new/?copy_from={REVIEW}')}"
)
REASON = {"reason": "A verified event of the first-ranked nominee was found to be wrong."}

# fmt: off
ACCESS = [
    #      url name, method, (anonymous, officer, verifier, secretariat, panel, partner1, partner2, superuser, no_role)  # noqa: E501
    Access("awards:cycle-list", "get", WITH_PANEL),
    Access("awards:cycle-create", "get", SECRETARIAT_ONLY),
    Access("awards:cycle-create", "get", (LOGIN_TO_COPY, *SECRETARIAT_ONLY[1:]), data={"copy_from": REVIEW}, case="copy"),  # noqa: E501
    Access("awards:cycle-create", "post", _done(2027), data=cycle_form_data(2027)),
    Access("awards:cycle-detail", "get", WITH_PANEL, _year(REVIEW), case="assigned"),
    Access("awards:cycle-detail", "get", NOT_THE_PANELS, _year(DRAFT), case="not-assigned"),
    # Partner 1's enterprise was nominated in the published cycle: partners still see their
    # results on their own pages, not the cycle's settings.
    Access("awards:cycle-detail", "get", NOT_THE_PANELS, _year(PUBLISHED), case="published"),
    Access("awards:cycle-update", "get", SECRETARIAT_ONLY, _year(DRAFT)),
    Access("awards:cycle-update", "get", SECRETARIAT_ONLY, _year(REVIEW), case="review"),
    # Nothing in a finalised cycle can be edited, not even by the superuser.
    Access("awards:cycle-update", "get", NOBODY, _year(FINALISED), case="finalised"),
    Access("awards:cycle-update", "post", _done(DRAFT), _year(DRAFT), data=cycle_form_data(DRAFT, title_en="EEPA 2026")),  # noqa: E501
    Access("awards:cycle-advance", "get", SECRETARIAT_ONLY, _year(DRAFT)),
    Access("awards:cycle-advance", "post", _done(DRAFT), _year(DRAFT), data={"from_status": "draft"}),  # noqa: E501
    Access("awards:cycle-advance", "post", _done(NOMINATIONS), _year(NOMINATIONS), data={"from_status": "nominations"}, case="to-review"),  # noqa: E501
    # Finalising is a decision, taken on the decisions page.
    Access("awards:cycle-advance", "get", NOBODY, _year(REVIEW), case="review"),
    Access("awards:cycle-advance", "post", NOBODY, _year(REVIEW), data={"from_status": "review"}, case="review"),  # noqa: E501
    Access("awards:cycle-reopen", "get", SECRETARIAT_ONLY, _year(FINALISED)),
    Access("awards:cycle-reopen", "post", _done(FINALISED), _year(FINALISED), data=REASON),
    Access("awards:cycle-reopen", "get", NOBODY, _year(DRAFT), case="draft"),
    Access("awards:cycle-reopen", "post", NOBODY, _year(PUBLISHED), data=REASON, case="published"),  # noqa: E501
]
# fmt: on


@pytest.fixture
def world(officer, verifier, secretariat, panel_member, partner_user, other_partner_user):
    enterprise = partner_user.membership.enterprise
    CycleFactory(year=DRAFT)
    nominations = CycleFactory(year=NOMINATIONS, status=Status.NOMINATIONS)
    NominationFactory(cycle=nominations, enterprise=enterprise, nominated_by=secretariat)
    review = CycleFactory(year=REVIEW, status=Status.REVIEW)
    AssignmentFactory(
        nomination=NominationFactory(cycle=review, enterprise=enterprise, nominated_by=secretariat),
        member=panel_member,
    )
    finalised = CycleFactory(
        year=FINALISED,
        status=Status.FINALISED,
        finalised_at=timezone.now(),
        finalised_by=secretariat,
    )
    NominationResult.objects.create(
        nomination=NominationFactory(
            cycle=finalised, enterprise=enterprise, nominated_by=secretariat, awarded=True
        ),
        rank=1,
        verified_events=4,
        cooperation_score=Decimal("40.00"),
        panel_score=Decimal("80.00"),
        reviews=3,
        final_score=Decimal("56.00"),
        awarded=True,
    )
    published = CycleFactory(year=PUBLISHED, status=Status.PUBLISHED)
    NominationFactory(cycle=published, enterprise=enterprise, nominated_by=secretariat)
    return SimpleNamespace(
        users=role_users(
            officer, verifier, secretariat, panel_member, partner_user, other_partner_user
        ),
    )


@parametrize_access(ACCESS)
def test_access(client, world, row, role):
    check_access(client, world, row, role)


@pytest.mark.parametrize(
    "row", [row for row in ACCESS if row.method == "post" and row.expected[3] != 403]
)
def test_each_successful_post_did_what_it_says(client, world, row):
    """The redirects above are not refusals in disguise: the secretariat's request changed the
    cycle."""
    client.force_login(world.users["secretariat"])
    client.post(reverse(row.url_name, args=row.args(world)), row.data)
    changed = {
        "awards:cycle-create": lambda: Cycle.objects.filter(year=2027).exists(),
        "awards:cycle-update": lambda: Cycle.objects.get(year=DRAFT).title_en == "EEPA 2026",
        "awards:cycle-advance": lambda: (
            Cycle.objects.get(year=row.args(world)[0]).status in (Status.NOMINATIONS, Status.REVIEW)
            and Cycle.objects.get(year=row.args(world)[0]).status != row.data["from_status"]
        ),
        "awards:cycle-reopen": lambda: Cycle.objects.get(year=FINALISED).status == Status.REVIEW,
    }[row.url_name]
    assert changed()
