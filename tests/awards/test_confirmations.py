"""Every irreversible action of the award cycle asks first (portal/confirm.py): a POST without
confirmed=1 changes nothing and answers with a page saying what will happen and to what, with
the numbers; the page's form sends the same fields again with confirmed=1, which does it."""

import datetime

import pytest
from django.urls import reverse

from awards.models import Assignment, Certificate, Cycle, Nomination, Review
from awards.services.ceremony import ceremony_entry_move
from awards.services.decisions import cycle_finalise, decisions_apply_suggestion
from portal import clock
from portal.models import AuditEntry
from tests.awards.ceremony_data import awardees, finalised_cycle
from tests.awards.certificate_data import awarded_result, certificate_of
from tests.awards.factories import AssignmentFactory, CycleFactory, NominationFactory
from tests.confirmations import asked, carried
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

# The panel


@pytest.fixture
def scoring_cycle():
    return CycleFactory(
        year=2024,
        status=Cycle.Status.REVIEW,
        scoring_deadline=clock.today() + datetime.timedelta(days=10),
    )


@pytest.fixture
def assignment(scoring_cycle, panel_member, secretariat):
    nomination = NominationFactory(
        cycle=scoring_cycle,
        enterprise=EnterpriseFactory(name_en="Pacific Gateway Terminals Limited"),
        nominated_by=secretariat,
    )
    return AssignmentFactory(nomination=nomination, member=panel_member, declaration="no_conflict")


def _panel_url(name, assignment):
    nomination = assignment.nomination
    return reverse(f"awards:{name}", args=[nomination.cycle.year, nomination.pk])


def test_declaring_a_conflict_asks_first_and_says_it_cannot_be_withdrawn(client, assignment):
    client.force_login(assignment.member)
    url = _panel_url("panel-declare", assignment)
    data = {"declaration": "conflict", "reason": "My brother joined its board."}

    response = client.post(url, data)

    assert asked(response) == (
        "Declare a conflict of interest with Pacific Gateway Terminals Limited? | Declare a "
        "conflict of interest with Pacific Gateway Terminals Limited: you will be recused from "
        "this nominee."
    )
    assert "A declared conflict cannot be withdrawn." in response.text
    assert carried(response) == {
        "declaration": ["conflict"],
        "reason": ["My brother joined its board."],
        "confirmed": ["1"],
    }
    assert Assignment.objects.get(pk=assignment.pk).declaration == "no_conflict"

    client.post(url, {**data, "confirmed": "1"})
    assert Assignment.objects.get(pk=assignment.pk).declaration == "conflict"


def test_declaring_no_conflict_is_not_asked(client, scoring_cycle, panel_member, secretariat):
    nomination = NominationFactory(cycle=scoring_cycle, nominated_by=secretariat)
    pending = AssignmentFactory(nomination=nomination, member=panel_member, declaration="pending")
    client.force_login(panel_member)

    response = client.post(_panel_url("panel-declare", pending), {"declaration": "no_conflict"})

    assert response.status_code == 302
    assert Assignment.objects.get(pk=pending.pk).declaration == "no_conflict"


def test_submitting_a_review_asks_first_with_the_scores_and_member_score(client, assignment):
    impact, commitment = assignment.nomination.cycle.criteria.order_by("position")
    client.force_login(assignment.member)
    url = _panel_url("panel-review", assignment)
    data = {f"criterion_{impact.pk}": "8", f"criterion_{commitment.pk}": "5", "submit": "1"}

    response = client.post(url, {**data, "comment": "Steady."})

    # Weights 2 and 1: (8 × 2 + 5) / 3 × 10 = 70.0
    assert asked(response) == (
        "Submit your review of Pacific Gateway Terminals Limited? | Submit your review of "
        "Pacific Gateway Terminals Limited: your member score 70.00 (0–100) will count in the "
        "panel score."
    )
    assert list(response.context["confirmation"].details) == [
        "Impact on enforcement: 8 / 10",
        "Commitment: 5 / 10",
    ]
    assert not Review.objects.exists()

    client.post(url, {**carried(response), "comment": "Steady."})
    review = Review.objects.get()
    assert (review.status, review.comment) == (Review.Status.SUBMITTED, "Steady.")


def test_saving_a_draft_is_not_asked(client, assignment):
    client.force_login(assignment.member)
    response = client.post(_panel_url("panel-review", assignment), {"save": "1"})

    assert response.status_code == 302
    assert Review.objects.get().status == Review.Status.DRAFT


def test_a_review_with_a_criterion_unscored_is_refused_before_any_question(client, assignment):
    impact = assignment.nomination.cycle.criteria.order_by("position").first()
    client.force_login(assignment.member)
    response = client.post(
        _panel_url("panel-review", assignment), {f"criterion_{impact.pk}": "8", "submit": "1"}
    )

    assert response.templates[0].name == "awards/panel/nominee.html"
    assert "Score this criterion before submitting." in response.text


# Decisions, finalisation, publication (the worked example: A and B suggested, C, D pending)


def test_applying_the_suggestion_asks_first_with_how_many_decisions_change(
    client, secretariat, cycle, nominees
):
    client.force_login(secretariat)
    url = reverse("awards:decision-apply-suggestion", args=[2024])

    response = client.post(url)

    assert asked(response) == (
        "Apply the suggestion to the 2024 decisions? | Apply the suggestion: 4 decisions will "
        "be set or changed."
    )
    assert list(response.context["confirmation"].details)[0] == (
        "2 nominees will be awarded (the top of the ranking); every other nominee will be not "
        "awarded."
    )
    assert set(Nomination.objects.values_list("awarded", flat=True)) == {None}

    client.post(url, {"confirmed": "1"})
    assert Nomination.objects.filter(awarded=True).count() == 2
    # Applied again: nothing would change, and the page says so.
    assert asked(client.post(url)).endswith(
        "Apply the suggestion: 0 decisions will be set or changed."
    )


def test_finalising_asks_first_with_the_awardees(client, secretariat, cycle, nominees):
    decisions_apply_suggestion(cycle=cycle, user=secretariat)
    client.force_login(secretariat)
    url = reverse("awards:cycle-finalise", args=[2024])

    response = client.post(url)

    assert response.status_code == 200
    assert "Finalise the 2024 cycle: its results are frozen with 2 awardees." in response.text
    assert 'name="confirmed" value="1"' in response.text
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.REVIEW

    client.post(url, {"confirmed": "1"})
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.FINALISED


def test_publishing_asks_first_with_the_awardees_and_who_is_notified(
    client, secretariat, secretariat2, cycle, nominees
):
    decisions_apply_suggestion(cycle=cycle, user=secretariat)
    cycle_finalise(cycle=cycle, user=secretariat)
    client.force_login(secretariat2)
    url = reverse("awards:cycle-publish", args=[2024])

    response = client.post(url)

    assert response.status_code == 200
    assert (
        "Publish the 2024 results: 2 awardees; the partners of the 4 nominees will be notified."
        in response.text
    )
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.FINALISED

    client.post(url, {"confirmed": "1"})
    cycle.refresh_from_db()
    assert cycle.status == Cycle.Status.PUBLISHED


# Nominations, certificates, the ceremony


def test_withdrawing_a_nomination_asks_first(client, secretariat, cycle, nominees):
    client.force_login(secretariat)
    nomination = nominees["A"]
    url = reverse("awards:nomination-withdraw", args=[2024, nomination.pk])

    response = client.post(url, {"reason": "Merged into another enterprise."})

    assert asked(response) == (
        f"Withdraw the nomination of {nomination.enterprise.name}? | Withdraw the nomination of "
        f"{nomination.enterprise.name} from the 2024 cycle: it leaves the ranking and cannot be "
        "awarded."
    )
    assert list(response.context["confirmation"].details) == [
        "2 submitted reviews of it will no longer count.",
        "Reason: Merged into another enterprise.",
    ]
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.ACTIVE

    client.post(url, carried(response))
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.WITHDRAWN


@pytest.fixture
def certificate(secretariat):
    cycle = CycleFactory(year=2024, status=Cycle.Status.PUBLISHED)
    enterprise = EnterpriseFactory(name_en="Harbour Freight Limited")
    result = awarded_result(cycle, enterprise, nominated_by=secretariat, rank=1, streak=1)
    return certificate_of(result, serial="EEPA-2024-0001")


@pytest.mark.parametrize(
    ("action", "expected"),
    [
        (
            "certificate-revoke",
            "Revoke certificate EEPA-2024-0001? | Revoke certificate EEPA-2024-0001 of Harbour "
            "Freight Limited: its verification page will say it was revoked, and no certificate "
            "replaces it.",
        ),
        (
            "certificate-reissue",
            "Reissue certificate EEPA-2024-0001? | Reissue certificate EEPA-2024-0001 of Harbour "
            "Freight Limited: it will be revoked and a new certificate, with a new serial "
            "number, issued in its place.",
        ),
    ],
)
def test_revoking_or_reissuing_a_certificate_asks_first(
    client, secretariat, certificate, action, expected
):
    client.force_login(secretariat)
    url = reverse(f"awards:{action}", args=[certificate.pk])

    response = client.post(url, {"reason": "The name was misspelt."})

    assert asked(response) == expected
    assert list(response.context["confirmation"].details) == ["Reason: The name was misspelt."]
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.ISSUED

    client.post(url, carried(response))
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_resetting_the_ceremony_order_asks_first_with_how_many_move(client, secretariat):
    cycle = finalised_cycle()
    results = list(awardees(cycle, secretariat, count=3).values())
    ceremony_entry_move(result=results[0], user=secretariat, direction="down")
    client.force_login(secretariat)
    url = reverse("awards:ceremony-reset", args=[2024])

    response = client.post(url)

    assert asked(response) == (
        "Put the 2024 ceremony list back in the default order? | Put the ceremony list back in "
        "the default order: 2 awardees will change place."
    )
    assert not AuditEntry.objects.filter(action="awards.ceremony.reset").exists()

    client.post(url, {"confirmed": "1"})
    assert AuditEntry.objects.filter(action="awards.ceremony.reset").count() == 1
