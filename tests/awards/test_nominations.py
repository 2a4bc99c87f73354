"""Eligibility, nominating one by one and in bulk, withdrawing; the nominations page."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from awards.models import Cycle, Nomination
from awards.selectors.eligibility import eligibility_of, enterprise_eligibility
from awards.services.nominations import (
    bulk_candidates,
    nomination_create,
    nomination_withdraw,
    nominations_bulk_create,
)
from partners.models import EnforcementFlag, Enterprise
from portal.models import AuditEntry
from tests.awards.factories import CycleFactory, NominationFactory, verified_events
from tests.factories import EnterpriseFactory, EventFactory

pytestmark = pytest.mark.django_db
D = datetime.date
MID_2024 = D(2024, 6, 1)


@pytest.fixture
def open_cycle():
    # Assessment window 2024-01-01 to 2024-12-31.
    return CycleFactory(year=2024, status=Cycle.Status.NOMINATIONS)


def concern(enterprise, user, flagged_on, reason="Under investigation", cleared=False):
    flag = EnforcementFlag.objects.create(
        enterprise=enterprise, flagged_on=flagged_on, reason=reason, raised_by=user
    )
    if cleared:
        flag.cleared_at, flag.cleared_by, flag.clearance_reason = timezone.now(), user, "No case"
        flag.save()
    return flag


def with_events(enterprise, officer, verifier, n, occurred_on=MID_2024):
    specs = [("training", "routine", occurred_on)] * n
    return verified_events(enterprise, verifier, officer, *specs)


# Eligibility


def test_an_active_enterprise_without_concerns_is_eligible(open_cycle, enterprise):
    eligibility = enterprise_eligibility(open_cycle, enterprise)
    assert eligibility.eligible
    assert eligibility.reasons == ()


def test_a_suspended_enterprise_is_ineligible(open_cycle):
    suspended = EnterpriseFactory(status=Enterprise.Status.SUSPENDED)
    eligibility = enterprise_eligibility(open_cycle, suspended)
    assert not eligibility.eligible
    assert eligibility.reason == "Suspended"


@pytest.mark.parametrize("flagged_on", [D(2024, 1, 1), D(2024, 5, 2), D(2024, 12, 31)])
def test_an_active_concern_inside_the_window_makes_it_ineligible(
    open_cycle, enterprise, officer, flagged_on
):
    concern(enterprise, officer, flagged_on, "Suspected false declaration")
    eligibility = enterprise_eligibility(open_cycle, enterprise)
    assert not eligibility.eligible
    assert eligibility.reason == (
        f"Enforcement concern of {flagged_on:%-d %b %Y}: Suspected false declaration"
    )


@pytest.mark.parametrize("flagged_on", [D(2023, 12, 31), D(2025, 1, 1)])
def test_a_concern_outside_the_window_does_not_count(open_cycle, enterprise, officer, flagged_on):
    concern(enterprise, officer, flagged_on)
    assert enterprise_eligibility(open_cycle, enterprise).eligible


def test_a_cleared_concern_does_not_count(open_cycle, enterprise, secretariat):
    concern(enterprise, secretariat, D(2024, 5, 2), cleared=True)
    assert enterprise_eligibility(open_cycle, enterprise).eligible


def test_every_reason_is_given(open_cycle, officer):
    enterprise = EnterpriseFactory(status=Enterprise.Status.SUSPENDED)
    concern(enterprise, officer, D(2024, 8, 9), "Second concern")
    concern(enterprise, officer, D(2024, 5, 2), "First concern")
    assert enterprise_eligibility(open_cycle, enterprise).reasons == (
        "Suspended",
        "Enforcement concern of 2 May 2024: First concern",
        "Enforcement concern of 9 Aug 2024: Second concern",
    )


@pytest.mark.parametrize("n", [1, 10])
def test_eligibility_of_a_list_is_one_query(open_cycle, officer, n, django_assert_num_queries):
    enterprises = EnterpriseFactory.create_batch(n)
    for enterprise in enterprises:
        concern(enterprise, officer, D(2024, 3, 3))
    with django_assert_num_queries(1):
        eligibility = eligibility_of(open_cycle, enterprises)
    assert [e.eligible for e in eligibility.values()] == [False] * n


# Nominating one enterprise


def test_the_secretariat_nominates_an_eligible_enterprise(open_cycle, enterprise, secretariat):
    nomination = nomination_create(cycle=open_cycle, enterprise=enterprise, user=secretariat)
    assert (nomination.status, nomination.nominated_by) == (Nomination.Status.ACTIVE, secretariat)
    entry = AuditEntry.objects.for_object(nomination).get()
    assert (entry.action, entry.actor) == ("awards.nomination.created", secretariat)


def test_a_nomination_keeps_the_enterprises_name_as_stored_not_as_it_was_read(
    open_cycle, enterprise, secretariat
):
    Enterprise.objects.filter(pk=enterprise.pk).update(name_en="Renamed Since Terminals")
    # `enterprise` still holds the old name, as a form read before the rename would.
    nomination = nomination_create(cycle=open_cycle, enterprise=enterprise, user=secretariat)
    assert Nomination.objects.get(pk=nomination.pk).sort_name == "Renamed Since Terminals"


def test_an_ineligible_enterprise_cannot_be_nominated(open_cycle, enterprise, secretariat, officer):
    concern(enterprise, officer, D(2024, 5, 2), "Smuggling case pending")
    with pytest.raises(ValidationError) as refused:
        nomination_create(cycle=open_cycle, enterprise=enterprise, user=secretariat)
    assert refused.value.messages == [
        "Pacific Gateway Terminals Limited cannot be nominated: "
        "Enforcement concern of 2 May 2024: Smuggling case pending"
    ]
    assert not Nomination.objects.exists()


def test_a_suspended_enterprise_cannot_be_nominated(open_cycle, secretariat):
    suspended = EnterpriseFactory(name_en="Idle Wharf Limited", status="suspended")
    with pytest.raises(ValidationError) as refused:
        nomination_create(cycle=open_cycle, enterprise=suspended, user=secretariat)
    assert refused.value.messages == ["Idle Wharf Limited cannot be nominated: Suspended"]


def test_an_enterprise_is_nominated_once(open_cycle, enterprise, secretariat):
    nomination_create(cycle=open_cycle, enterprise=enterprise, user=secretariat)
    with pytest.raises(ValidationError) as refused:
        nomination_create(cycle=open_cycle, enterprise=enterprise, user=secretariat)
    assert refused.value.messages == ["Pacific Gateway Terminals Limited is already nominated."]
    assert Nomination.objects.count() == 1


@pytest.mark.parametrize("status", [Cycle.Status.FINALISED, Cycle.Status.PUBLISHED])
def test_nothing_is_nominated_in_a_frozen_cycle(enterprise, secretariat, status):
    cycle = CycleFactory(year=2024, status=status)
    with pytest.raises(ValidationError):
        nomination_create(cycle=cycle, enterprise=enterprise, user=secretariat)
    with pytest.raises(ValidationError):
        nominations_bulk_create(cycle=cycle, min_events=0, user=secretariat)
    assert not Nomination.objects.exists()


@pytest.mark.parametrize(
    "status", [Cycle.Status.DRAFT, Cycle.Status.NOMINATIONS, Cycle.Status.REVIEW]
)
def test_nominating_is_open_until_the_cycle_is_finalised(enterprise, secretariat, status):
    cycle = CycleFactory(year=2024, status=status)
    assert nomination_create(cycle=cycle, enterprise=enterprise, user=secretariat).pk


def test_a_withdrawn_nomination_is_reinstated(open_cycle, enterprise, secretariat):
    nomination = nomination_create(cycle=open_cycle, enterprise=enterprise, user=secretariat)
    nomination_withdraw(nomination=nomination, user=secretariat, reason="Asked to wait a year")
    again = nomination_create(cycle=open_cycle, enterprise=enterprise, user=secretariat)
    assert again.pk == nomination.pk
    assert (again.status, again.withdrawal_reason) == (Nomination.Status.ACTIVE, "")
    entry = AuditEntry.objects.for_object(nomination).first()
    assert (entry.action, entry.note) == ("awards.nomination.reinstated", "Asked to wait a year")


def test_only_the_secretariat_nominates_and_withdraws(
    open_cycle, enterprise, officer, panel_member
):
    nomination = NominationFactory(cycle=open_cycle, enterprise=EnterpriseFactory())
    for user in (officer, panel_member):
        with pytest.raises(PermissionDenied):
            nomination_create(cycle=open_cycle, enterprise=enterprise, user=user)
        with pytest.raises(PermissionDenied):
            nominations_bulk_create(cycle=open_cycle, min_events=0, user=user)
        with pytest.raises(PermissionDenied):
            nomination_withdraw(nomination=nomination, user=user, reason="No")
    assert list(Nomination.objects.all()) == [nomination]
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ACTIVE


# Withdrawing


def test_withdrawing_keeps_the_nomination_with_its_reason(open_cycle, enterprise, secretariat):
    nomination = nomination_create(cycle=open_cycle, enterprise=enterprise, user=secretariat)
    nomination_withdraw(nomination=nomination, user=secretariat, reason="  Merged with another  ")
    nomination.refresh_from_db()
    assert (nomination.status, nomination.withdrawal_reason) == ("withdrawn", "Merged with another")
    entry = AuditEntry.objects.for_object(nomination).first()
    assert (entry.action, entry.changes, entry.note) == (
        "awards.nomination.withdrawn",
        {"status": ["active", "withdrawn"]},
        "Merged with another",
    )


def test_withdrawing_needs_a_reason(open_cycle, enterprise, secretariat):
    nomination = NominationFactory(cycle=open_cycle, enterprise=enterprise)
    with pytest.raises(ValidationError) as refused:
        nomination_withdraw(nomination=nomination, user=secretariat, reason="  ")
    assert refused.value.messages == ["Say why the nomination is withdrawn."]


def test_a_nomination_is_withdrawn_once(open_cycle, enterprise, secretariat):
    nomination = NominationFactory(cycle=open_cycle, enterprise=enterprise)
    nomination_withdraw(nomination=nomination, user=secretariat, reason="First")
    with pytest.raises(ValidationError) as refused:
        nomination_withdraw(nomination=nomination, user=secretariat, reason="Second")
    assert refused.value.messages == ["This nomination was already withdrawn."]
    nomination.refresh_from_db()
    assert nomination.withdrawal_reason == "First"


def test_a_nomination_of_a_finalised_cycle_cannot_be_withdrawn(enterprise, secretariat):
    cycle = CycleFactory(year=2024, status=Cycle.Status.FINALISED)
    nomination = NominationFactory(cycle=cycle, enterprise=enterprise)
    with pytest.raises(ValidationError):
        nomination_withdraw(nomination=nomination, user=secretariat, reason="Too late")
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ACTIVE


# In bulk


@pytest.fixture
def registry(open_cycle, officer, verifier, secretariat):
    """Enterprises with 0 to 3 verified events in the window, and every reason to be left out."""
    e = {
        name: EnterpriseFactory(name_en=name)
        for name in ["A none", "B one", "C two", "D three", "E suspended", "F flagged"]
        + ["G cleared flag", "H nominated", "I withdrawn", "J outside", "K unverified"]
    }
    with_events(e["B one"], officer, verifier, 1)
    with_events(e["C two"], officer, verifier, 2)
    with_events(e["D three"], officer, verifier, 3)
    for name in ["E suspended", "F flagged", "G cleared flag", "H nominated", "I withdrawn"]:
        with_events(e[name], officer, verifier, 3)
    e["E suspended"].status = Enterprise.Status.SUSPENDED
    e["E suspended"].save()
    concern(e["F flagged"], officer, D(2024, 4, 1))
    concern(e["G cleared flag"], officer, D(2024, 4, 1), cleared=True)
    NominationFactory(cycle=open_cycle, enterprise=e["H nominated"], nominated_by=secretariat)
    NominationFactory(
        cycle=open_cycle, enterprise=e["I withdrawn"], nominated_by=secretariat, status="withdrawn"
    )
    with_events(e["J outside"], officer, verifier, 3, occurred_on=D(2023, 12, 31))
    EventFactory.create_batch(3, enterprise=e["K unverified"], logged_by=officer, submitted=True)
    return e


def _names(enterprises):
    return [enterprise.name_en for enterprise in enterprises]


@pytest.mark.parametrize(
    ("min_events", "expected"),
    [
        (0, ["A none", "B one", "C two", "D three", "G cleared flag", "J outside", "K unverified"]),
        (1, ["B one", "C two", "D three", "G cleared flag"]),
        (2, ["C two", "D three", "G cleared flag"]),
        (3, ["D three", "G cleared flag"]),
        (4, []),
    ],
)
def test_bulk_candidates(open_cycle, registry, min_events, expected):
    assert _names(bulk_candidates(open_cycle, min_events)) == expected


def test_bulk_nominates_every_candidate(open_cycle, registry, secretariat):
    created = nominations_bulk_create(cycle=open_cycle, min_events=2, user=secretariat, expected=3)
    assert _names(n.enterprise for n in created) == ["C two", "D three", "G cleared flag"]
    assert sorted(
        Nomination.objects.filter(cycle=open_cycle)
        .active()
        .values_list("enterprise__name_en", flat=True)
    ) == ["C two", "D three", "G cleared flag", "H nominated"]
    assert [n.sort_name for n in Nomination.objects.filter(pk__in=[n.pk for n in created])] == [
        n.enterprise.name_en for n in Nomination.objects.filter(pk__in=[n.pk for n in created])
    ]
    entries = AuditEntry.objects.filter(action="awards.nomination.created_in_bulk")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(str(n.pk) for n in created)
    assert {(entry.actor, entry.note) for entry in entries} == {(secretariat, "2")}


def test_bulk_is_refused_when_the_list_changed_since_it_was_shown(
    open_cycle, registry, secretariat, officer, verifier
):
    with_events(registry["B one"], officer, verifier, 1)  # B now has two events
    with pytest.raises(ValidationError) as refused:
        nominations_bulk_create(cycle=open_cycle, min_events=2, user=secretariat, expected=3)
    assert refused.value.messages == [
        "The list changed since you checked it: 4 enterprises would now be nominated. "
        "Check it again."
    ]
    assert Nomination.objects.count() == 2


def test_bulk_refuses_a_negative_threshold(open_cycle, secretariat):
    with pytest.raises(ValidationError):
        nominations_bulk_create(cycle=open_cycle, min_events=-1, user=secretariat)


# The pages


def test_the_nominations_page_shows_eligibility_events_and_nominations(
    client, open_cycle, registry, secretariat
):
    client.force_login(secretariat)
    response = client.get(reverse("awards:nomination-list", args=[2024]))
    rows = {
        e.name_en: (eligibility, e.verified_in_window, n)
        for e, eligibility, n in response.context["rows"]
    }
    assert rows["D three"][0].eligible and rows["D three"][1] == 3 and rows["D three"][2] is None
    assert rows["E suspended"][0].reason == "Suspended"
    assert rows["F flagged"][0].reason == "Enforcement concern of 1 Apr 2024: Under investigation"
    assert rows["J outside"][1] == 0
    assert rows["K unverified"][1] == 0
    assert rows["H nominated"][2].status == "active"
    assert rows["I withdrawn"][2].status == "withdrawn"
    assert response.context["nominated"] == 1
    content = response.content.decode()
    assert "Enforcement concern of 1 Apr 2024: Under investigation" in content


def test_the_nominations_page_counts_nominees_no_longer_eligible(
    client, open_cycle, enterprise, secretariat, officer
):
    NominationFactory(cycle=open_cycle, enterprise=enterprise, nominated_by=secretariat)
    concern(enterprise, officer, D(2024, 9, 9))  # raised after the nomination
    client.force_login(secretariat)
    response = client.get(reverse("awards:nomination-list", args=[2024]))
    assert response.context["ineligible_nominated"] == 1
    assert "1 nominated enterprise is no longer eligible" in response.content.decode()


# session, user, roles, cycle, the page of enterprises (its count, its rows with their kept
# event counts), concerns, the page's nominations, the cycle's nominated and ineligible counts
@pytest.mark.parametrize("n", [3, 30])
def test_the_nominations_page_costs_the_same_for_any_number_of_enterprises(
    client, open_cycle, secretariat, officer, verifier, n, django_assert_num_queries
):
    for enterprise in EnterpriseFactory.create_batch(n):
        with_events(enterprise, officer, verifier, 2)
        concern(enterprise, officer, D(2024, 2, 2))
        NominationFactory(cycle=open_cycle, enterprise=enterprise, nominated_by=secretariat)
    client.force_login(secretariat)
    url = reverse("awards:nomination-list", args=[2024])
    client.get(url)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["rows"]) == n


def test_nominating_from_the_page(client, open_cycle, enterprise, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("awards:nomination-create", args=[2024]), {"enterprise": enterprise.pk}
    )
    assert response.status_code == 302
    assert Nomination.objects.get().enterprise == enterprise


def test_the_page_says_why_a_nomination_is_refused(client, open_cycle, secretariat, officer):
    suspended = EnterpriseFactory(name_en="Idle Wharf Limited", status="suspended")
    client.force_login(secretariat)
    response = client.post(
        reverse("awards:nomination-create", args=[2024]), {"enterprise": suspended.pk}, follow=True
    )
    assert "Idle Wharf Limited cannot be nominated: Suspended" in response.content.decode()
    assert not Nomination.objects.exists()


def test_the_bulk_preview_shows_how_many_before_anything_is_saved(
    client, open_cycle, registry, secretariat
):
    client.force_login(secretariat)
    response = client.get(reverse("awards:nomination-bulk", args=[2024]), {"min_events": 2})
    assert _names(response.context["candidates"]) == ["C two", "D three", "G cleared flag"]
    assert response.context["confirm"].initial == {"min_events": 2, "expected": 3}
    assert "3 enterprises would be nominated" in response.content.decode()
    assert Nomination.objects.count() == 2


def test_confirming_the_bulk_preview(client, open_cycle, registry, secretariat):
    client.force_login(secretariat)
    response = client.post(
        reverse("awards:nomination-bulk", args=[2024]),
        {"min_events": 2, "expected": 3},
        follow=True,
    )
    assert "3 enterprises nominated." in response.content.decode()
    assert Nomination.objects.active().count() == 4


def test_a_stale_bulk_confirmation_goes_back_to_the_preview(
    client, open_cycle, registry, secretariat
):
    client.force_login(secretariat)
    response = client.post(
        reverse("awards:nomination-bulk", args=[2024]), {"min_events": 2, "expected": 5}
    )
    assert response["Location"] == reverse("awards:nomination-bulk", args=[2024]) + "?min_events=2"
    assert Nomination.objects.count() == 2


def test_withdrawing_from_the_dossier(client, open_cycle, enterprise, secretariat):
    nomination = NominationFactory(
        cycle=open_cycle, enterprise=enterprise, nominated_by=secretariat
    )
    client.force_login(secretariat)
    url = reverse("awards:nomination-withdraw", args=[2024, nomination.pk])
    response = client.post(
        url, {"reason": "Declined the nomination", "confirmed": "1"}, follow=True
    )
    assert "Nomination withdrawn." in response.content.decode()
    assert "Declined the nomination" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.status == "withdrawn"


def test_a_nomination_of_another_cycle_is_not_found(client, open_cycle, enterprise, secretariat):
    nomination = NominationFactory(
        cycle=open_cycle, enterprise=enterprise, nominated_by=secretariat
    )
    CycleFactory(year=2023)
    client.force_login(secretariat)
    assert client.get(reverse("awards:dossier", args=[2023, nomination.pk])).status_code == 404
    assert client.get(reverse("awards:nomination-list", args=[2031])).status_code == 404
