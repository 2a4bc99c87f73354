"""Decisions, finalisation (the frozen snapshot, immutable and race-free) and publication (four
eyes), on the worked example of tests/awards/ranking_world.py: 1 B, 2 A, 3 C, D pending,
two awards planned."""

import datetime
from urllib.parse import quote

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from awards.models import Cycle, Nomination, NominationResult
from awards.selectors.ranking import live_ranking, ranking_of
from awards.services import ensure_cycle_editable
from awards.services.decisions import (
    cycle_finalise,
    cycle_publish,
    decisions_apply_suggestion,
    nomination_decide,
)
from portal.models import AuditEntry
from portal.sessions import REAUTH_AT
from tests.awards.factories import submitted_review
from tests.awards.ranking_world import D, nominee, panel, simple_cycle
from tests.concurrency import run_at_once
from tests.factories import PASSWORD, EventFactory, UserFactory
from tests.portal.two_factor import age_session

pytestmark = pytest.mark.django_db


def _decisions(cycle):
    return {
        n.enterprise.br_number: (n.awarded, n.decision_rationale)
        for n in Nomination.objects.filter(cycle=cycle).select_related("enterprise")
    }


def _actions(action):
    return list(AuditEntry.objects.filter(action=action).values_list("object_id", "changes"))


# Deciding


def test_awarding_a_suggested_nominee_needs_no_rationale(secretariat, nominees):
    nomination_decide(nomination=nominees["A"], user=secretariat, awarded=True)

    assert _decisions(nominees["A"].cycle)["10000001"] == (True, "")
    assert _actions("awards.nomination.decided") == [
        (str(nominees["A"].pk), {"awarded": ["", "True"]})
    ]


def test_awarding_outside_the_top_n_needs_a_rationale(secretariat, nominees):
    with pytest.raises(ValidationError) as refused:
        nomination_decide(nomination=nominees["C"], user=secretariat, awarded=True, rationale=" ")

    assert refused.value.messages == [
        "Awarding Enterprise 10000003 Limited departs from the ranking (rank 3; the top 2 are "
        "suggested): write a rationale."
    ]
    assert nominees["C"].awarded is None
    nomination_decide(
        nomination=nominees["C"],
        user=secretariat,
        awarded=True,
        rationale="  Led the joint operation that the panel could not yet score.  ",
    )
    assert _decisions(nominees["C"].cycle)["10000003"] == (
        True,
        "Led the joint operation that the panel could not yet score.",
    )


def test_not_awarding_a_suggested_nominee_needs_a_rationale(secretariat, nominees):
    with pytest.raises(ValidationError, match="Not awarding Enterprise 10000002 Limited departs"):
        nomination_decide(nomination=nominees["B"], user=secretariat, awarded=False)

    nomination_decide(
        nomination=nominees["B"],
        user=secretariat,
        awarded=False,
        rationale="An enforcement case opened after the window.",
    )
    assert _decisions(nominees["B"].cycle)["10000002"] == (
        False,
        "An enforcement case opened after the window.",
    )


def test_a_pending_nominee_cannot_be_awarded_but_may_be_decided_not_awarded(secretariat, nominees):
    with pytest.raises(ValidationError, match="fewer reviews than the quorum"):
        nomination_decide(
            nomination=nominees["D"], user=secretariat, awarded=True, rationale="Strong record."
        )
    nomination_decide(nomination=nominees["D"], user=secretariat, awarded=False)

    assert _decisions(nominees["D"].cycle)["10000004"] == (False, "")


def test_decisions_are_taken_by_the_secretariat_during_review_on_active_nominations(
    secretariat, panel_member, cycle, nominees
):
    with pytest.raises(PermissionDenied):
        nomination_decide(nomination=nominees["B"], user=panel_member, awarded=True)
    Nomination.objects.filter(pk=nominees["A"].pk).update(
        status=Nomination.Status.WITHDRAWN, withdrawal_reason="Asked to withdraw."
    )
    with pytest.raises(ValidationError, match="withdrawn"):
        nomination_decide(nomination=nominees["A"], user=secretariat, awarded=False)
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.NOMINATIONS)
    with pytest.raises(ValidationError, match="this cycle is nominations"):
        nomination_decide(nomination=nominees["B"], user=secretariat, awarded=True)


def test_applying_the_suggestion_awards_the_top_n_only(secretariat, cycle, nominees):
    nomination_decide(
        nomination=nominees["C"], user=secretariat, awarded=True, rationale="Departure."
    )
    nomination_decide(nomination=nominees["A"], user=secretariat, awarded=True)

    changed = decisions_apply_suggestion(cycle=cycle, user=secretariat)

    assert changed == 3  # B and D were undecided, C's departure is undone; A stays
    assert _decisions(cycle) == {
        "10000001": (True, ""),
        "10000002": (True, ""),
        "10000003": (False, ""),
        "10000004": (False, ""),
    }
    assert _actions("awards.cycle.suggestion_applied") == [(str(cycle.pk), {})]


# Finalising


def test_finalising_refuses_while_a_nominee_is_undecided(secretariat, cycle, nominees):
    nomination_decide(nomination=nominees["B"], user=secretariat, awarded=True)

    with pytest.raises(ValidationError) as refused:
        cycle_finalise(cycle=cycle, user=secretariat)

    assert refused.value.messages == [
        "3 nominees are not decided yet: Enterprise 10000001 Limited, Enterprise 10000003 "
        "Limited, Enterprise 10000004 Limited."
    ]
    cycle.refresh_from_db()
    assert (cycle.status, NominationResult.objects.count()) == ("review", 0)


def test_finalising_checks_the_rationales_against_the_ranking_as_it_is_now(
    secretariat, cycle, nominees
):
    decisions_apply_suggestion(cycle=cycle, user=secretariat)  # B and A awarded
    # A late review of A: M 80, 60, 0 → 46.67, final 24 + 18.668 = 42.67, below C's 43.33.
    submitted_review(nominees["A"], UserFactory(username="panel3"), [0])

    with pytest.raises(ValidationError) as refused:
        cycle_finalise(cycle=cycle, user=secretariat)

    assert refused.value.messages == [
        "These decisions depart from the ranking and need a rationale: Enterprise 10000003 "
        "Limited, Enterprise 10000001 Limited."
    ]


@pytest.mark.smoke
def test_finalising_freezes_every_number_and_decision(secretariat, cycle, nominees):
    decisions_apply_suggestion(cycle=cycle, user=secretariat)
    nomination_decide(
        nomination=nominees["C"], user=secretariat, awarded=True, rationale="Third award."
    )

    cycle_finalise(cycle=cycle, user=secretariat)

    cycle.refresh_from_db()
    assert (cycle.status, cycle.finalised_by, cycle.finalised_at is not None) == (
        "finalised",
        secretariat,
        True,
    )
    results = {
        r.nomination.enterprise.br_number: (
            r.rank,
            r.category_points,
            r.verified_events,
            r.cooperation_score,
            r.panel_score,
            r.reviews,
            r.final_score,
            r.awarded,
            r.rationale,
            r.streak,
        )
        for r in NominationResult.objects.select_related("nomination__enterprise")
    }
    assert results == {
        "10000002": (
            1,
            {"controlled_delivery": "50.00", "training": "0.00"},
            2,
            D("50.00"),
            D("55.00"),
            2,
            D("52.00"),
            True,
            "",
            1,
        ),
        "10000001": (
            2,
            {"controlled_delivery": "30.00", "training": "10.00"},
            5,
            D("40.00"),
            D("70.00"),
            2,
            D("52.00"),
            True,
            "",
            1,
        ),
        "10000003": (
            3,
            {"controlled_delivery": "10.00", "training": "0.00"},
            1,
            D("10.00"),
            D("93.33"),
            3,
            D("43.33"),
            True,
            "Third award.",
            1,
        ),
        "10000004": (
            None,
            {"controlled_delivery": "50.00", "training": "5.00"},
            6,
            D("55.00"),
            D("70.00"),
            1,
            D("61.00"),
            False,
            "",
            0,
        ),
    }
    assert _actions("awards.cycle.finalised") == [
        (str(cycle.pk), {"status": ["review", "finalised"]})
    ]


@pytest.fixture
def finalised(secretariat, cycle, nominees):
    decisions_apply_suggestion(cycle=cycle, user=secretariat)
    return cycle_finalise(cycle=cycle, user=secretariat)


def test_after_finalising_nothing_in_the_cycle_can_be_edited(secretariat, finalised, nominees):
    refusals = [
        lambda: nomination_decide(nomination=nominees["C"], user=secretariat, awarded=False),
        lambda: decisions_apply_suggestion(cycle=finalised, user=secretariat),
        lambda: cycle_finalise(cycle=finalised, user=secretariat),
    ]
    for refused in refusals:
        with pytest.raises(ValidationError):
            refused()
    with pytest.raises(ValidationError) as frozen, transaction.atomic():
        ensure_cycle_editable(finalised)
    assert frozen.value.messages == [
        "Elite Enterprise Partnership Award 2024 is finalised: nothing in it can be changed any "
        "more."
    ]
    assert _decisions(finalised)["10000003"] == (False, "")


def test_later_changes_to_events_and_reviews_do_not_touch_the_snapshot(
    secretariat, officer, verifier, finalised, nominees
):
    before = ranking_of(finalised)
    # A verified event inside the window and a late review, written behind the services' back.
    EventFactory(
        enterprise=nominees["C"].enterprise,
        event_type="controlled_delivery",
        significance="major",
        occurred_on=datetime.date(2024, 11, 30),
        logged_by=officer,
        verified=True,
        verified_by=verifier,
    )
    submitted_review(nominees["D"], UserFactory(username="panel4"), [10])

    after = ranking_of(finalised)

    def summary(ranking):
        return [
            (r.rank, r.nomination.pk, r.cooperation_score, r.reviews, r.final_score)
            for r in ranking.rows
        ]

    assert summary(after) == summary(before)
    assert [(r.rank, r.enterprise.br_number) for r in after.ranked] == [
        (1, "10000002"),
        (2, "10000001"),
        (3, "10000003"),
    ]
    # …although live they would count: C earns 30 more points and D reaches the quorum.
    live = {r.enterprise.br_number: r for r in live_ranking(finalised).rows}
    assert (live["10000003"].cooperation_score, live["10000004"].rank) == (D("40.00"), 1)


def test_streaks_count_consecutive_awards_ending_with_the_cycle(secretariat):
    members = panel(2)
    for year, awarded in ((2022, {"11111111", "22222222"}), (2023, {"11111111"}), (2024, None)):
        cycle = simple_cycle(year=year, awards_planned=3)
        for br in ("11111111", "22222222", "33333333"):
            nomination = nominee(
                cycle,
                br,
                deliveries=1,
                scores=[5, 5],
                members=members,
                occurred_on=datetime.date(year, 6, 1),
            )
            if awarded is not None:
                nomination_decide(
                    nomination=nomination,
                    user=secretariat,
                    awarded=br in awarded,
                    rationale="Decided.",
                )
        if awarded is not None:
            cycle_finalise(cycle=cycle, user=secretariat)
    # 2024: everybody awarded (all three are within the top 3).
    decisions_apply_suggestion(cycle=cycle, user=secretariat)
    cycle_finalise(cycle=cycle, user=secretariat)

    streaks = {
        r.nomination.enterprise.br_number: r.streak
        for r in NominationResult.objects.filter(nomination__cycle=cycle)
    }
    assert streaks == {"11111111": 3, "22222222": 1, "33333333": 1}


def test_a_reopened_cycle_is_frozen_anew_with_one_result_per_nomination(
    secretariat, finalised, nominees
):
    Cycle.objects.filter(pk=finalised.pk).update(status=Cycle.Status.REVIEW)
    nomination_decide(nomination=nominees["C"], user=secretariat, awarded=True, rationale="Why.")

    cycle_finalise(cycle=finalised, user=secretariat)

    assert NominationResult.objects.count() == 4
    assert NominationResult.objects.get(nomination=nominees["C"]).awarded is True


@pytest.mark.django_db(transaction=True)
def test_two_finalisations_at_once_cannot_both_succeed(secretariat, secretariat2, cycle, nominees):
    decisions_apply_suggestion(cycle=cycle, user=secretariat)

    outcomes = run_at_once(
        lambda: cycle_finalise(cycle=cycle, user=secretariat),
        lambda: cycle_finalise(cycle=cycle, user=secretariat2),
    )

    assert sorted(o if o == "ok" else type(o).__name__ for o in outcomes) == [
        "ValidationError",
        "ok",
    ]
    [refusal] = [o for o in outcomes if o != "ok"]
    assert refusal.messages == ["This cycle is already finalised."]
    assert NominationResult.objects.count() == 4
    assert AuditEntry.objects.filter(action="awards.cycle.finalised").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_decision_racing_a_finalisation_is_either_in_the_snapshot_or_refused(
    secretariat, secretariat2, cycle, nominees
):
    decisions_apply_suggestion(cycle=cycle, user=secretariat)

    outcomes = run_at_once(
        lambda: cycle_finalise(cycle=cycle, user=secretariat),
        lambda: nomination_decide(
            nomination=nominees["C"], user=secretariat2, awarded=True, rationale="Late."
        ),
    )

    assert outcomes[0] == "ok"
    decided = Nomination.objects.get(pk=nominees["C"].pk).awarded
    assert NominationResult.objects.get(nomination=nominees["C"]).awarded == decided
    assert outcomes[1] == "ok" if decided else isinstance(outcomes[1], ValidationError)


# Publishing


def test_the_user_who_finalised_cannot_approve_the_publication(secretariat, finalised):
    with pytest.raises(PermissionDenied) as refused:
        cycle_publish(cycle=finalised, user=secretariat)

    assert str(refused.value) == (
        "You finalised this cycle, so you cannot also approve its publication: another member "
        "of the secretariat must (four eyes)."
    )
    finalised.refresh_from_db()
    assert finalised.status == "finalised"


def test_the_database_also_refuses_a_publication_by_the_finaliser(secretariat, finalised):
    with pytest.raises(IntegrityError), transaction.atomic():
        Cycle.objects.filter(pk=finalised.pk).update(
            status=Cycle.Status.PUBLISHED, published_by=secretariat
        )


def test_another_secretariat_user_publishes(secretariat2, finalised):
    cycle_publish(cycle=finalised, user=secretariat2)

    finalised.refresh_from_db()
    assert (finalised.status, finalised.published_by, finalised.published_at is not None) == (
        "published",
        secretariat2,
        True,
    )
    assert _actions("awards.cycle.published") == [
        (str(finalised.pk), {"status": ["finalised", "published"]})
    ]
    with pytest.raises(ValidationError, match="already published"):
        cycle_publish(cycle=finalised, user=secretariat2)


def test_only_a_finalised_cycle_is_published(secretariat2, cycle, nominees):
    with pytest.raises(ValidationError, match="Only a finalised cycle"):
        cycle_publish(cycle=cycle, user=secretariat2)


# The pages


def test_the_decisions_page_suggests_the_top_n(client, secretariat, cycle, nominees):
    client.force_login(secretariat)
    response = client.get(reverse("awards:decision-list", args=[2024]))

    assert response.status_code == 200
    assert [
        (row.rank, row.suggested, form is not None) for row, form in response.context["ranked_rows"]
    ] == [(1, True, True), (2, True, True), (3, False, True)]
    assert [(row.rank, row.suggested) for row, _ in response.context["pending_rows"]] == [
        (None, False)
    ]
    assert "Apply the suggestion (award the top 2)" in response.text
    assert reverse("awards:cycle-finalise", args=[2024]) in response.text


def test_a_departure_without_rationale_is_refused_on_the_page(client, secretariat, cycle, nominees):
    client.force_login(secretariat)
    url = reverse("awards:decision-update", args=[2024, nominees["C"].pk])
    prefix = f"n{nominees['C'].pk}"

    response = client.post(
        url, {f"{prefix}-awarded": "yes", f"{prefix}-rationale": ""}, follow=True
    )

    assert response.redirect_chain == [
        (f"{reverse('awards:decision-list', args=[2024])}#nomination-{nominees['C'].pk}", 302)
    ]
    assert "departs from the ranking (rank 3; the top 2 are suggested)" in response.text
    client.post(url, {f"{prefix}-awarded": "yes", f"{prefix}-rationale": "Exceptional year."})
    assert _decisions(cycle)["10000003"] == (True, "Exceptional year.")


def test_finalising_from_the_pages(client, secretariat, cycle, nominees):
    client.force_login(secretariat)
    url = reverse("awards:cycle-finalise", args=[2024])

    confirm = client.get(url)
    assert confirm.context["problems"] == [
        "4 nominees are not decided yet: Enterprise 10000002 Limited, Enterprise 10000001 "
        "Limited, Enterprise 10000003 Limited, Enterprise 10000004 Limited."
    ]
    client.post(reverse("awards:decision-apply-suggestion", args=[2024]), {"confirmed": "1"})
    confirm = client.get(url)
    assert confirm.context["problems"] == []
    assert [row.enterprise.br_number for row in confirm.context["awarded"]] == [
        "10000002",
        "10000001",
    ]

    response = client.post(url, {"confirmed": "1"}, follow=True)

    assert response.redirect_chain == [(reverse("awards:ranking-detail", args=[2024]), 302)]
    assert response.context["ranking"].frozen is True
    assert "The cycle is finalised: its results are frozen." in response.text
    decisions = client.get(reverse("awards:decision-list", args=[2024]))
    assert [form for _, form in decisions.context["ranked_rows"]] == [None, None, None]
    assert "Approve publication" not in decisions.text


def test_publication_is_approved_on_the_page_by_another_secretariat_user(
    client, secretariat, secretariat2, finalised
):
    url = reverse("awards:cycle-publish", args=[2024])
    client.force_login(secretariat)
    refused = client.get(url)
    assert refused.status_code == 403
    assert "another member of the secretariat must" in refused.text

    client.force_login(secretariat2)
    decisions = client.get(reverse("awards:decision-list", args=[2024]))
    assert "Approve publication…" in decisions.text
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirmed": "1"}, follow=True)

    assert "Publication approved: the cycle is published." in response.text
    finalised.refresh_from_db()
    assert finalised.status == "published"


def test_the_decisions_page_offers_pending_nominees_only_not_awarded(
    client, secretariat, cycle, nominees
):
    client.force_login(secretariat)
    response = client.get(reverse("awards:decision-list", args=[2024]))
    [(_, pending_form)] = response.context["pending_rows"]
    ranked_form = response.context["ranked_rows"][0][1]
    assert [value for value, _ in pending_form.fields["awarded"].choices] == ["no"]
    assert [value for value, _ in ranked_form.fields["awarded"].choices] == ["yes", "no"]


def test_publication_asks_for_the_password_again_when_the_last_time_is_old(
    client, secretariat, secretariat2, finalised
):
    url = reverse("awards:cycle-publish", args=[2024])
    client.force_login(secretariat2)
    age_session(client, key=REAUTH_AT, seconds=11 * 60)
    confirm = f"{reverse('reauthenticate')}?next={quote(url, safe='')}"
    assert client.get(url)["Location"] == confirm
    # The POST goes back to the page that held its form, to be submitted again.
    assert client.post(url, HTTP_REFERER=f"http://testserver{url}")["Location"] == confirm
    finalised.refresh_from_db()
    assert finalised.status == "finalised"

    assert client.post(confirm, {"password": PASSWORD, "next": url})["Location"] == url
    client.post(url, {"confirmed": "1"})
    finalised.refresh_from_db()
    assert finalised.status == "published"
