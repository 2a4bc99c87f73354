"""A form sent with a mistake says so where everyone meets it, in Chromium: the panel's review
sent with a criterion unscored shows the message under that criterion's radio group (it was
hidden: Bootstrap shows .invalid-feedback only right after an invalid input), the group is
marked invalid and described by the message, and a summary at the top of the page is announced
(role="alert") and takes the focus, its link leading to the first button of the group."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from awards.models import Assignment, Cycle, Review
from portal.roles import Role
from tests.awards.factories import AssignmentFactory, CycleFactory, NominationFactory
from tests.browser.test_award_flow import log_in
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGE = "Score this criterion before submitting."


@pytest.fixture
def assignment():
    cycle = CycleFactory(
        year=2025,
        status=Cycle.Status.REVIEW,
        scoring_deadline=timezone.localdate() + datetime.timedelta(days=30),
    )
    nomination = NominationFactory(
        cycle=cycle,
        enterprise=EnterpriseFactory(name_en="Sunrise Harbour Terminals Limited"),
        nominated_by=UserFactory(roles=[Role.SECRETARIAT]),
    )
    return AssignmentFactory(
        nomination=nomination,
        member=UserFactory(username="panel1", roles=[Role.PANEL]),
        declaration=Assignment.Declaration.NO_CONFLICT,
    )


def test_a_review_submitted_with_a_criterion_unscored_shows_and_announces_why(
    page, live_server, assignment
):
    nomination = assignment.nomination
    _impact, commitment = nomination.cycle.criteria.order_by("position")
    log_in(page, live_server, "panel1")
    page.goto(f"{live_server.url}{reverse('awards:panel-nominee', args=[2025, nomination.pk])}")
    main = page.get_by_role("main")
    impact_group = main.get_by_role("group", name="Impact on enforcement")
    impact_group.get_by_label("7").check()
    main.get_by_role("button", name="Submit review").click()

    # The summary at the top: announced, focused, linking to the group.
    summary = main.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The form was not sent: one thing to correct")
    expect(summary).to_contain_text(f"Commitment: {MESSAGE}")
    # The group: its message visible under it, marked invalid and described by the message.
    group = main.get_by_role("group", name="Commitment")
    expect(group).to_have_attribute("aria-invalid", "true")
    expect(group.get_by_text(MESSAGE)).to_be_visible()
    # Its help (the weight), then the message.
    expect(group).to_have_accessible_description(f"Weight 1. {MESSAGE}")
    expect(impact_group).not_to_have_attribute("aria-invalid", "true")
    # What was scored is kept; the link leads to the unscored group's first button.
    expect(impact_group.get_by_label("7")).to_be_checked()
    summary.get_by_role("link", name="Commitment").click()
    expect(page.locator(f"#id_criterion_{commitment.pk}_0")).to_be_focused()
    assert not Review.objects.exists()
