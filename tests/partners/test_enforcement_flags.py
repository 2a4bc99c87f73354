"""Enforcement concerns: raised by customs staff, cleared by the secretariat, never deleted,
audited, listed on the enterprise page for staff and never shown to partners."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from partners.models import EnforcementFlag
from partners.services.enterprises import enforcement_flag_clear, enforcement_flag_raise
from portal.models import AuditEntry
from tests.awards.factories import CycleFactory, NominationFactory

pytestmark = pytest.mark.django_db
day = datetime.date
REASON = "Suspected false declaration of origin (case under investigation)"


@pytest.fixture
def flag(enterprise, officer):
    return enforcement_flag_raise(
        enterprise=enterprise, user=officer, flagged_on=day(2024, 5, 2), reason=REASON
    )


@pytest.mark.parametrize("role", ["officer", "verifier", "secretariat"])
def test_customs_staff_raise_a_dated_concern(request, enterprise, role):
    user = request.getfixturevalue(role)
    flag = enforcement_flag_raise(
        enterprise=enterprise, user=user, flagged_on=day(2024, 5, 2), reason=f"  {REASON} "
    )
    assert (flag.flagged_on, flag.reason, flag.raised_by, flag.is_active) == (
        day(2024, 5, 2),
        REASON,
        user,
        True,
    )
    entry = AuditEntry.objects.for_object(flag).get()
    assert (entry.action, entry.actor, entry.changes, entry.note) == (
        "partners.enforcement_flag.raised",
        user,
        {"flagged_on": ["", "2024-05-02"]},
        REASON,
    )


@pytest.mark.parametrize("role", ["panel_member", "partner_user"])
def test_others_cannot_raise_a_concern(request, enterprise, role):
    with pytest.raises(PermissionDenied):
        enforcement_flag_raise(
            enterprise=enterprise,
            user=request.getfixturevalue(role),
            flagged_on=day(2024, 5, 2),
            reason=REASON,
        )
    assert not EnforcementFlag.objects.exists()


def test_a_concern_cannot_be_dated_in_the_future(enterprise, officer):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        enforcement_flag_raise(enterprise=enterprise, user=officer, flagged_on=tomorrow, reason="x")
    assert refused.value.messages == ["The date of the concern cannot be in the future."]


def test_a_concern_needs_a_reason(enterprise, officer):
    with pytest.raises(ValidationError) as refused:
        enforcement_flag_raise(
            enterprise=enterprise, user=officer, flagged_on=day(2024, 5, 2), reason=" "
        )
    assert refused.value.messages == ["Say what the concern is."]


def test_the_secretariat_clears_a_concern_which_stays_on_record(flag, secretariat):
    enforcement_flag_clear(flag=flag, user=secretariat, reason="No offence found")
    flag.refresh_from_db()
    assert (flag.is_active, flag.cleared_by, flag.clearance_reason) == (
        False,
        secretariat,
        "No offence found",
    )
    assert flag.cleared_at is not None
    entry = AuditEntry.objects.for_object(flag).first()
    assert (entry.action, entry.actor, entry.note) == (
        "partners.enforcement_flag.cleared",
        secretariat,
        "No offence found",
    )


@pytest.mark.parametrize("role", ["officer", "verifier", "panel_member"])
def test_only_the_secretariat_clears_a_concern(request, flag, role):
    with pytest.raises(PermissionDenied):
        enforcement_flag_clear(flag=flag, user=request.getfixturevalue(role), reason="Fine")
    flag.refresh_from_db()
    assert flag.is_active


def test_a_concern_is_cleared_once(flag, secretariat):
    enforcement_flag_clear(flag=flag, user=secretariat, reason="First")
    with pytest.raises(ValidationError) as refused:
        enforcement_flag_clear(flag=flag, user=secretariat, reason="Second")
    assert refused.value.messages == ["This concern was already cleared."]
    flag.refresh_from_db()
    assert flag.clearance_reason == "First"


def test_clearing_needs_a_reason(flag, secretariat):
    with pytest.raises(ValidationError):
        enforcement_flag_clear(flag=flag, user=secretariat, reason="")
    flag.refresh_from_db()
    assert flag.is_active


def test_concerns_are_never_deleted(flag):
    with pytest.raises(PermissionError):
        flag.delete()
    with pytest.raises(PermissionError):
        EnforcementFlag.objects.all().delete()
    assert EnforcementFlag.objects.count() == 1


def test_clearing_a_concern_makes_the_enterprise_eligible_again(flag, secretariat, enterprise):
    from awards.selectors.eligibility import enterprise_eligibility

    cycle = CycleFactory(year=2024)
    assert not enterprise_eligibility(cycle, enterprise).eligible
    enforcement_flag_clear(flag=flag, user=secretariat, reason="No offence found")
    assert enterprise_eligibility(cycle, enterprise).eligible


# The pages


def test_staff_see_the_concerns_with_their_history(client, flag, secretariat, enterprise, verifier):
    enforcement_flag_clear(flag=flag, user=secretariat, reason="No offence found")
    enforcement_flag_raise(
        enterprise=enterprise, user=verifier, flagged_on=day(2024, 9, 1), reason="Second concern"
    )
    client.force_login(verifier)
    response = client.get(enterprise.get_absolute_url())
    content = response.content.decode()
    assert [f.reason for f in response.context["enforcement_flags"]] == [
        "Second concern",
        REASON,
    ]
    assert "No offence found" in content
    assert "2 May 2024" in content
    # The verifier may raise concerns but not clear them.
    assert reverse("partners:enforcement-flag-create", args=[enterprise.pk]) in content
    assert "/clear/" not in content


def test_the_secretariat_gets_a_clear_link_for_active_concerns(client, flag, secretariat):
    client.force_login(secretariat)
    response = client.get(flag.enterprise.get_absolute_url())
    assert reverse("partners:enforcement-flag-clear", args=[flag.pk]) in response.content.decode()


def test_partners_never_see_concerns_about_their_enterprise(client, flag, partner_user):
    client.force_login(partner_user)
    response = client.get(flag.enterprise.get_absolute_url())
    assert response.status_code == 200
    assert list(response.context["enforcement_flags"]) == []
    content = response.content.decode()
    assert REASON not in content
    assert "Enforcement concern" not in content


def test_no_one_but_staff_sees_concerns(flag, partner_user, panel_member, officer):
    assert list(EnforcementFlag.objects.visible_to(officer)) == [flag]
    assert not EnforcementFlag.objects.visible_to(partner_user).exists()
    assert not EnforcementFlag.objects.visible_to(panel_member).exists()


def test_raising_a_concern_from_the_page(client, enterprise, officer):
    client.force_login(officer)
    url = reverse("partners:enforcement-flag-create", args=[enterprise.pk])
    response = client.post(url, {"flagged_on": "2024-05-02", "reason": REASON}, follow=True)
    assert "Enforcement concern raised." in response.content.decode()
    assert EnforcementFlag.objects.get().raised_by == officer


def test_a_future_date_is_refused_on_the_form(client, enterprise, officer):
    client.force_login(officer)
    url = reverse("partners:enforcement-flag-create", args=[enterprise.pk])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    response = client.post(url, {"flagged_on": tomorrow.isoformat(), "reason": REASON})
    assert response.status_code == 200
    assert response.context["form"].errors == {"flagged_on": ["The date cannot be in the future."]}


def test_clearing_a_concern_from_the_page(client, flag, secretariat):
    client.force_login(secretariat)
    url = reverse("partners:enforcement-flag-clear", args=[flag.pk])
    assert REASON in client.get(url).content.decode()
    response = client.post(url, {"reason": "Investigation closed"}, follow=True)
    assert "Enforcement concern cleared." in response.content.decode()
    flag.refresh_from_db()
    assert flag.clearance_reason == "Investigation closed"


def test_a_cleared_concern_cannot_be_cleared_again_from_the_page(client, flag, secretariat):
    enforcement_flag_clear(flag=flag, user=secretariat, reason="First")
    client.force_login(secretariat)
    url = reverse("partners:enforcement-flag-clear", args=[flag.pk])
    response = client.post(url, {"reason": "Second"}, follow=True)
    assert "This concern was already cleared." in response.content.decode()


# session, user, roles, enterprise, event count, event page, audit entries, concerns, event
# counts per type and year, nominations, latest finalised cycle, awarded_streaks (2), and the
# cooperation score across cycles: cycles, their rules, nominations, live scores (one aggregate)
@pytest.mark.parametrize("rows", [1, 10])
def test_the_enterprise_page_costs_the_same_for_any_number_of_concerns_and_cycles(
    client, enterprise, verified_event, officer, secretariat, rows, django_assert_num_queries
):
    for n in range(rows):
        flag = enforcement_flag_raise(
            enterprise=enterprise, user=officer, flagged_on=day(2024, 1, 1 + n), reason=f"#{n}"
        )
        if n % 2:
            enforcement_flag_clear(flag=flag, user=secretariat, reason="Closed")
        cycle = CycleFactory(year=2000 + n, status="published")
        NominationFactory(cycle=cycle, enterprise=enterprise, nominated_by=secretariat)
    client.force_login(secretariat)
    url = enterprise.get_absolute_url()
    client.get(url)
    with django_assert_num_queries(17):
        response = client.get(url)
    assert len(response.context["enforcement_flags"]) == rows
    assert len(response.context["award_history"].rows) == rows
