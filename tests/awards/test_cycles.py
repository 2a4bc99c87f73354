"""Award cycles: settings, rules and criteria, copying last year's, and the status steps."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from awards.models import Cycle, EventTypeRule, NominationResult, PanelCriterion
from awards.services import cycles as services
from awards.services.cycles import DEFAULT_RULES
from portal.models import AuditEntry
from tests.awards.cycle_data import cycle_form_data, locked_cycle_form_data
from tests.awards.factories import AssignmentFactory, CycleFactory, NominationFactory
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal
Status = Cycle.Status

CRITERIA = [
    {"name_en": "Impact on enforcement", "name_zh": "執法成效", "weight": D("2")},
    {"name_en": "Commitment", "name_zh": "承擔", "weight": D("1"), "description_en": "Shown"},
]


def settings(year=2026, **overrides) -> dict:
    values = {
        "year": year,
        "title_en": f"Elite Enterprise Partnership Award {year}",
        "title_zh": f"{year}年卓越企業夥伴嘉許計劃",
        "window_start": datetime.date(year, 1, 1),
        "window_end": datetime.date(year, 12, 31),
        "criteria": CRITERIA,
    }
    return {**values, **overrides}


def rules_of(cycle) -> dict:
    return {r.event_type: (r.points, r.cap) for r in EventTypeRule.objects.filter(cycle=cycle)}


def criteria_of(cycle) -> list:
    return list(
        PanelCriterion.objects.filter(cycle=cycle).values_list(
            "name_en", "name_zh", "weight", "position"
        )
    )


def entries(cycle, action):
    return list(
        AuditEntry.objects.for_object(cycle).filter(action=action).order_by("created_at", "pk")
    )


def finalised_cycle(secretariat, year=2023, awarded=(True, False)):
    cycle = CycleFactory(
        year=year, status=Status.FINALISED, finalised_at=timezone.now(), finalised_by=secretariat
    )
    for rank, is_awarded in enumerate(awarded, start=1):
        nomination = NominationFactory(
            cycle=cycle,
            enterprise=EnterpriseFactory(name_en=f"Nominee {rank} Limited"),
            nominated_by=secretariat,
            awarded=is_awarded,
        )
        NominationResult.objects.create(
            nomination=nomination,
            rank=rank,
            category_points={},
            verified_events=3,
            cooperation_score=D("50.00"),
            panel_score=D("70.00"),
            reviews=3,
            final_score=D(f"{60 - rank}.00"),
            awarded=is_awarded,
        )
    return cycle


# Creating


def test_a_new_cycle_is_a_draft_with_the_default_rules_and_its_criteria(secretariat):
    cycle = services.cycle_create(user=secretariat, **settings())
    cycle.refresh_from_db()
    assert cycle.status == Status.DRAFT
    assert (cycle.quorum, cycle.cooperation_weight, cycle.awards_planned) == (3, D("0.60"), 10)
    assert cycle.multipliers == {"routine": D(1), "notable": D(2), "major": D(3)}
    assert rules_of(cycle) == DEFAULT_RULES
    assert criteria_of(cycle) == [
        ("Impact on enforcement", "執法成效", D("2.00"), 0),
        ("Commitment", "承擔", D("1.00"), 1),
    ]
    assert cycle.criteria.get(position=1).description_en == "Shown"
    [entry] = entries(cycle, "awards.cycle.created")
    assert entry.actor == secretariat


def test_the_factory_builds_cycles_with_the_same_default_rules():
    assert rules_of(CycleFactory(year=2030)) == DEFAULT_RULES


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"window_end": datetime.date(2025, 12, 31)},
            "window_end",
            "The assessment window cannot end before it starts.",
        ),
        (
            {"nomination_deadline": datetime.date(2025, 12, 31)},
            "nomination_deadline",
            "Nominations cannot close before the assessment window opens.",
        ),
        (
            {
                "nomination_deadline": datetime.date(2026, 9, 30),
                "scoring_deadline": datetime.date(2026, 9, 1),
            },
            "scoring_deadline",
            "Scoring cannot close before nominations do.",
        ),
        (
            {"scoring_deadline": datetime.date(2026, 12, 30)},
            "scoring_deadline",
            "Scoring cannot close before the assessment window does: the panel scores the "
            "whole record.",
        ),
        (
            {"cooperation_weight": D("1.01")},
            "cooperation_weight",
            "Ensure this value is less than or equal to 1.",
        ),
        (
            {"cooperation_weight": D("-0.10")},
            "cooperation_weight",
            "Ensure this value is greater than or equal to 0.",
        ),
        (
            {"multiplier_notable": D("0")},
            "multiplier_notable",
            "A multiplier must be greater than 0.",
        ),  # noqa: E501
        ({"quorum": 0}, "quorum", "Ensure this value is greater than or equal to 1."),
        ({"awards_planned": 0}, "awards_planned", "Plan at least one award."),
        ({"title_zh": ""}, "title_zh", "This field cannot be blank."),
    ],
)
def test_create_refuses_settings_that_make_no_sense(secretariat, overrides, field, message):
    with pytest.raises(ValidationError) as refused:
        services.cycle_create(user=secretariat, **settings(**overrides))
    assert refused.value.message_dict == {field: [message]}
    assert not Cycle.objects.exists()


def test_the_window_may_be_a_single_day_and_deadlines_may_fall_on_its_edges(secretariat):
    day = datetime.date(2026, 6, 30)
    cycle = services.cycle_create(
        user=secretariat,
        **settings(window_start=day, window_end=day, nomination_deadline=day, scoring_deadline=day),
    )
    assert cycle.pk


def test_create_refuses_a_year_that_has_a_cycle(secretariat):
    CycleFactory(year=2026)
    with pytest.raises(ValidationError) as refused:
        services.cycle_create(user=secretariat, **settings())
    assert refused.value.message_dict == {"year": ["Award cycle with this Year already exists."]}


def test_create_refuses_rules_and_criteria_that_cannot_score(secretariat):
    rules = {**DEFAULT_RULES, "training": (D("0"), D("4")), "facilitation": (D("3"), D("-1"))}
    del rules["data_sharing"]
    rules["smuggling"] = (D(1), D(1))
    criteria = [{"name_en": "Impact", "name_zh": "成效", "weight": D("0")}]
    with pytest.raises(ValidationError) as refused:
        services.cycle_create(user=secretariat, rules=rules, **settings(criteria=criteria))
    assert refused.value.message_dict == {
        "rules": [
            "“smuggling” is not an event type.",
            "Facilitation and support: the cap must be greater than 0.",
            "Real-time data sharing has no rule.",
            "Training programme: the points per event must be greater than 0.",
        ],
        "criteria": ["Impact: the weight must be greater than 0."],
    }
    assert not Cycle.objects.exists()


def test_a_cycle_needs_at_least_one_criterion(secretariat):
    with pytest.raises(ValidationError) as refused:
        services.cycle_create(user=secretariat, **settings(criteria=[]))
    assert refused.value.message_dict == {
        "criteria": ["A cycle needs at least one panel criterion."]
    }  # noqa: E501


def test_only_the_secretariat_creates_cycles(officer, panel_member):
    for user in (officer, panel_member):
        with pytest.raises(PermissionDenied):
            services.cycle_create(user=user, **settings())
    assert not Cycle.objects.exists()


# Changing the settings


def test_update_saves_everything_at_once_and_audits_the_changed_fields(secretariat):
    cycle = CycleFactory(year=2026)
    impact, commitment = cycle.criteria.all()
    rules = {**DEFAULT_RULES, "training": (D("2"), D("4"))}
    services.cycle_update(
        cycle=cycle,
        user=secretariat,
        title_en="EEPA 2026",
        cooperation_weight=D("0.7"),
        quorum=3,
        rules=rules,
        criteria=[
            {"pk": commitment.pk, "name_en": "Commitment", "name_zh": "承擔", "weight": D("1.5")},
            {"name_en": "Innovation", "name_zh": "創新", "weight": D("1")},
        ],
    )
    cycle.refresh_from_db()
    assert (cycle.title_en, cycle.cooperation_weight) == ("EEPA 2026", D("0.70"))
    assert rules_of(cycle) == rules
    assert criteria_of(cycle) == [
        ("Commitment", "承擔", D("1.50"), 0),
        ("Innovation", "創新", D("1.00"), 1),
    ]
    assert not PanelCriterion.objects.filter(pk=impact.pk).exists()
    [entry] = entries(cycle, "awards.cycle.updated")
    assert entry.changes["title_en"] == ["Elite Enterprise Partnership Award 2026", "EEPA 2026"]
    assert entry.changes["cooperation_weight"] == ["0.60", "0.70"]
    assert "quorum" not in entry.changes
    assert entry.changes["event rules"][1].endswith("training 2.00 / 4.00")
    assert entry.changes["panel criteria"] == [
        "Impact on enforcement / Impact on enforcement ×2.00; Commitment / Commitment ×1.00",
        "Commitment / 承擔 ×1.50; Innovation / 創新 ×1.00",
    ]


def test_an_update_that_changes_nothing_is_not_audited(secretariat):
    cycle = CycleFactory(year=2026)
    services.cycle_update(
        cycle=cycle, user=secretariat, cooperation_weight=D("0.6"), rules=DEFAULT_RULES
    )
    assert entries(cycle, "awards.cycle.updated") == []


def test_update_refuses_a_criterion_of_another_cycle(secretariat):
    cycle, other = CycleFactory(year=2026), CycleFactory(year=2025)
    foreign = other.criteria.first()
    with pytest.raises(ValidationError):
        services.cycle_update(
            cycle=cycle,
            user=secretariat,
            criteria=[{"pk": foreign.pk, "name_en": "X", "name_zh": "X", "weight": D(1)}],
        )
    assert foreign.cycle == other and cycle.criteria.count() == 2


def test_in_review_the_settings_the_scores_depend_on_are_fixed(secretariat):
    cycle = CycleFactory(year=2026, status=Status.REVIEW)
    criteria = [
        {"pk": c.pk, "name_en": c.name_en, "name_zh": c.name_zh, "weight": D(5)}
        for c in cycle.criteria.all()
    ]
    fixed = [
        {"window_end": datetime.date(2026, 11, 30)},
        {"multiplier_major": D(4)},
        {"rules": {**DEFAULT_RULES, "training": (D(1), D(8))}},
        {"criteria": criteria},
    ]
    for change in fixed:
        with pytest.raises(ValidationError) as refused:
            services.cycle_update(cycle=cycle, user=secretariat, **change)
        assert refused.value.messages == [
            "The assessment window, multipliers, event-type rules and panel criteria are fixed "
            "once the panel review has started: the scores depend on them."
        ]
    # The rest may still change, and the same values may be sent again.
    services.cycle_update(
        cycle=cycle,
        user=secretariat,
        cooperation_weight=D("0.50"),
        awards_planned=5,
        window_end=datetime.date(2026, 12, 31),
        rules=DEFAULT_RULES,
    )
    cycle.refresh_from_db()
    assert (cycle.cooperation_weight, cycle.awards_planned) == (D("0.50"), 5)
    assert rules_of(cycle) == DEFAULT_RULES


@pytest.mark.parametrize("status", [Status.FINALISED, Status.PUBLISHED])
def test_a_frozen_cycle_refuses_every_edit(secretariat, status):
    cycle = CycleFactory(year=2024, status=status)
    with pytest.raises(ValidationError) as refused:
        services.cycle_update(cycle=cycle, user=secretariat, title_en="Changed")
    assert refused.value.code == "cycle_frozen"
    cycle.refresh_from_db()
    assert cycle.title_en == "Elite Enterprise Partnership Award 2024"


def test_update_accepts_only_settings(secretariat):
    cycle = CycleFactory(year=2026)
    with pytest.raises(TypeError):
        services.cycle_update(cycle=cycle, user=secretariat, status=Status.PUBLISHED)


# Copying last year's settings


def test_next_years_settings_are_last_years_a_year_later(secretariat):
    source = CycleFactory(
        year=2024,
        window_start=datetime.date(2023, 2, 28),
        window_end=datetime.date(2024, 2, 29),
        nomination_deadline=datetime.date(2024, 3, 31),
        scoring_deadline=datetime.date(2024, 6, 30),
        cooperation_weight=D("0.55"),
        quorum=4,
        awards_planned=18,
        multiplier_major=D("4"),
        rules={**DEFAULT_RULES, "training": (D("1.5"), D("3"))},
    )
    source.criteria.filter(position=0).update(description_en="Seizures", description_zh="檢獲")
    cycle = services.cycle_copy(source=source, user=secretariat)
    cycle.refresh_from_db()
    assert cycle.year == 2025
    assert cycle.title_en == "Elite Enterprise Partnership Award 2025"
    assert cycle.title_zh == "2025年卓越企業夥伴嘉許計劃"
    assert (cycle.window_start, cycle.window_end) == (
        datetime.date(2024, 2, 28),
        datetime.date(2025, 2, 28),
    )
    assert (cycle.nomination_deadline, cycle.scoring_deadline) == (
        datetime.date(2025, 3, 31),
        datetime.date(2025, 6, 30),
    )
    assert (cycle.cooperation_weight, cycle.quorum, cycle.awards_planned) == (D("0.55"), 4, 18)
    assert cycle.multipliers == {"routine": D(1), "notable": D(2), "major": D(4)}
    assert rules_of(cycle) == {**DEFAULT_RULES, "training": (D("1.5"), D("3"))}
    assert list(cycle.criteria.values_list("name_en", "description_en", "weight")) == [
        ("Impact on enforcement", "Seizures", D("2.00")),
        ("Commitment", "", D("1.00")),
    ]
    assert cycle.status == Status.DRAFT
    [entry] = entries(cycle, "awards.cycle.created")
    assert (entry.note, entry.note_params) == ("awards.note.copied_from", {"year": 2024})
    with translation.override("en"):
        assert entry.note_for_display == "Settings copied from 2024."


# Moving on


def test_the_secretariat_moves_a_cycle_forward_one_step_at_a_time(secretariat):
    cycle = CycleFactory(year=2026)
    NominationFactory(cycle=cycle, nominated_by=secretariat)
    services.cycle_advance(cycle=cycle, user=secretariat, from_status=Status.DRAFT)
    cycle.refresh_from_db()
    assert cycle.status == Status.NOMINATIONS
    services.cycle_advance(cycle=cycle, user=secretariat)
    cycle.refresh_from_db()
    assert cycle.status == Status.REVIEW
    assert [e.changes for e in entries(cycle, "awards.cycle.advanced")] == [
        {"status": ["draft", "nominations"]},
        {"status": ["nominations", "review"]},
    ]


def test_advance_stops_at_review_finalising_is_a_decision(secretariat):
    for year, (status, message) in enumerate(
        [
            (
                Status.REVIEW,
                "A cycle in review moves on when the secretariat finalises its decisions.",
            ),
            (
                Status.FINALISED,
                "A finalised cycle moves on when a second secretariat user approves publication.",
            ),
            (Status.PUBLISHED, "A published cycle is complete."),
        ],
        start=2020,
    ):
        cycle = CycleFactory(year=year, status=status)
        with pytest.raises(ValidationError) as refused:
            services.cycle_advance(cycle=cycle, user=secretariat)
        assert refused.value.messages == [message]
        cycle.refresh_from_db()
        assert cycle.status == status


def test_a_confirmation_for_a_status_the_cycle_has_left_does_nothing(secretariat):
    cycle = CycleFactory(year=2026, status=Status.NOMINATIONS)
    with pytest.raises(ValidationError) as refused:
        services.cycle_advance(cycle=cycle, user=secretariat, from_status=Status.DRAFT)
    assert refused.value.messages == [
        "The cycle has moved on meanwhile: it is now in “Nominations”."
    ]  # noqa: E501
    cycle.refresh_from_db()
    assert cycle.status == Status.NOMINATIONS


def test_the_review_needs_an_active_nomination(secretariat):
    cycle = CycleFactory(year=2026, status=Status.NOMINATIONS)
    NominationFactory(cycle=cycle, nominated_by=secretariat, status="withdrawn")
    with pytest.raises(ValidationError) as refused:
        services.cycle_advance(cycle=cycle, user=secretariat)
    assert refused.value.messages == [
        "Nominate at least one enterprise before the panel review starts."
    ]


def test_only_the_secretariat_moves_a_cycle_on(officer, panel_member):
    cycle = CycleFactory(year=2026)
    for user in (officer, panel_member):
        with pytest.raises(PermissionDenied):
            services.cycle_advance(cycle=cycle, user=user)
    assert entries(cycle, "awards.cycle.advanced") == []


def test_reopening_needs_a_written_reason(secretariat):
    cycle = finalised_cycle(secretariat)
    for reason in ("", "  \n "):
        with pytest.raises(ValidationError) as refused:
            services.cycle_reopen(cycle=cycle, user=secretariat, reason=reason)
        assert refused.value.messages == ["Say why the cycle is reopened."]
    cycle.refresh_from_db()
    assert cycle.status == Status.FINALISED
    assert NominationResult.objects.filter(nomination__cycle=cycle).count() == 2


def test_reopening_removes_the_frozen_results_in_the_audited_step(secretariat):
    cycle = finalised_cycle(secretariat)
    other = finalised_cycle(secretariat, year=2022, awarded=(True,))
    services.cycle_reopen(
        cycle=cycle, user=secretariat, reason="  A verified event was found to be wrong.  "
    )
    cycle.refresh_from_db()
    assert (cycle.status, cycle.finalised_at, cycle.finalised_by) == (Status.REVIEW, None, None)
    assert not NominationResult.objects.filter(nomination__cycle=cycle).exists()
    assert NominationResult.objects.filter(nomination__cycle=other).count() == 1
    # The decisions stay, for the secretariat to finalise again.
    assert list(cycle.nominations.order_by("pk").values_list("awarded", flat=True)) == [
        True,
        False,
    ]
    [entry] = entries(cycle, "awards.cycle.reopened")
    assert entry.actor == secretariat
    assert entry.note == "A verified event was found to be wrong."
    nominees = [n.enterprise for n in cycle.nominations.order_by("pk")]
    assert entry.changes["status"] == ["finalised", "review"]
    assert entry.changes["finalised_by"] == [str(secretariat), ""]
    assert entry.changes["frozen results"] == [
        f"1. Nominee 1 Limited ({nominees[0].br_number}): 59.00 awarded\n"
        f"2. Nominee 2 Limited ({nominees[1].br_number}): 58.00",
        "",
    ]


def test_only_a_finalised_cycle_can_be_reopened(secretariat):
    published = CycleFactory(year=2022, status=Status.PUBLISHED)
    review = CycleFactory(year=2024, status=Status.REVIEW)
    with pytest.raises(ValidationError) as refused:
        services.cycle_reopen(cycle=published, user=secretariat, reason="Because")
    assert refused.value.messages == [
        "A published cycle cannot be reopened: partners see its results."
    ]  # noqa: E501
    with pytest.raises(ValidationError) as refused:
        services.cycle_reopen(cycle=review, user=secretariat, reason="Because")
    assert refused.value.messages == ["Only a finalised cycle can be reopened."]
    assert AuditEntry.objects.filter(action="awards.cycle.reopened").count() == 0


def test_only_the_secretariat_reopens(secretariat, panel_member):
    cycle = finalised_cycle(secretariat)
    with pytest.raises(PermissionDenied):
        services.cycle_reopen(cycle=cycle, user=panel_member, reason="I disagree")
    assert NominationResult.objects.filter(nomination__cycle=cycle).count() == 2


# Pages


def test_the_cycle_list_shows_every_cycle_with_its_status_and_nominations(client, secretariat):
    cycle = CycleFactory(year=2024, status=Status.REVIEW)
    NominationFactory.create_batch(2, cycle=cycle, nominated_by=secretariat)
    NominationFactory(cycle=cycle, nominated_by=secretariat, status="withdrawn")
    CycleFactory(year=2025)
    client.force_login(secretariat)
    response = client.get(reverse("awards:cycle-list"))
    assert [(c.year, c.status, c.nominations_count) for c in response.context["cycles"]] == [
        (2025, "draft", 0),
        (2024, "review", 2),
    ]
    assert "/awards/cycles/new/?copy_from=2025" in response.text
    assert "Copy settings from the 2025 cycle" in response.text


def test_a_panel_member_lists_only_the_cycles_they_review_in(client, panel_member, secretariat):
    cycle = CycleFactory(year=2024, status=Status.REVIEW)
    AssignmentFactory.create_batch(
        2, nomination__cycle=cycle, nomination__nominated_by=secretariat, member=panel_member
    )
    CycleFactory(year=2025)
    client.force_login(panel_member)
    response = client.get(reverse("awards:cycle-list"))
    assert [(c.year, c.nominations_count) for c in response.context["cycles"]] == [(2024, 2)]
    assert "New cycle" not in response.text


def _cycles_with_nominations(count, secretariat):
    for offset in range(count):
        cycle = CycleFactory(year=2000 + offset, rules={}, criteria=[("Impact", D(1))])
        NominationFactory.create_batch(2, cycle=cycle, nominated_by=secretariat)


@pytest.mark.parametrize("count", [1, 3, 10])
def test_the_cycle_list_takes_the_same_queries_for_any_number_of_cycles(
    client, secretariat, django_assert_num_queries, count
):
    _cycles_with_nominations(count, secretariat)
    client.force_login(secretariat)
    # Session, user, roles, the cycles with their counts.
    with django_assert_num_queries(4):
        response = client.get(reverse("awards:cycle-list"))
    assert len(response.context["cycles"]) == count


@pytest.mark.parametrize("count", [1, 10])
def test_the_panels_cycle_list_takes_the_same_queries_for_any_number_of_cycles(
    client, secretariat, panel_member, django_assert_num_queries, count
):
    for offset in range(count):
        AssignmentFactory(
            nomination__cycle=CycleFactory(year=2000 + offset, rules={}, criteria=[("A", D(1))]),
            nomination__nominated_by=secretariat,
            member=panel_member,
        )
    client.force_login(panel_member)
    with django_assert_num_queries(4):
        response = client.get(reverse("awards:cycle-list"))
    assert len(response.context["cycles"]) == count


def test_the_cycle_page_shows_its_settings_rules_criteria_and_next_step(client, secretariat):
    cycle = CycleFactory(year=2026, rules={"training": (D("1"), D("4"))})
    client.force_login(secretariat)
    response = client.get(cycle.get_absolute_url())
    assert response.context["rules"][0].event_type == "training"
    assert response.context["total_cap"] == D("4.00")
    assert response.context["total_weight"] == D("3.00")
    assert response.context["actions"] == {"edit", "advance"}
    assert "Open nominations" in response.text
    assert "/awards/cycles/2026/advance/" in response.text
    assert "Impact on enforcement" in response.text


def test_a_cycle_in_review_says_what_is_fixed_and_how_it_moves_on(client, secretariat):
    cycle = CycleFactory(year=2026, status=Status.REVIEW)
    client.force_login(secretariat)
    response = client.get(cycle.get_absolute_url())
    assert response.context["actions"] == {"edit", "finalise"}
    assert "/awards/cycles/2026/finalise/" in response.text
    assert "A cycle in review moves on when the secretariat finalises its decisions." in (
        response.text
    )
    assert "are fixed now that the panel review has started" in response.text


def test_a_finalised_cycle_offers_to_reopen_and_no_edit(client, secretariat):
    cycle = finalised_cycle(secretariat)
    client.force_login(secretariat)
    response = client.get(cycle.get_absolute_url())
    assert response.context["actions"] == {"reopen", "publish"}
    assert "/awards/cycles/2023/reopen/" in response.text
    assert "/awards/cycles/2023/publish/" in response.text
    assert "/awards/cycles/2023/edit/" not in response.text


def test_a_panel_member_sees_the_criteria_but_no_actions(client, secretariat, panel_member):
    cycle = CycleFactory(year=2024, status=Status.REVIEW)
    AssignmentFactory(
        nomination__cycle=cycle, nomination__nominated_by=secretariat, member=panel_member
    )  # noqa: E501
    client.force_login(panel_member)
    response = client.get(cycle.get_absolute_url())
    assert response.context["actions"] == set()
    assert "Commitment" in response.text
    assert "Edit settings" not in response.text
    assert "Audit trail" not in response.text


def test_creating_a_cycle_from_the_page(client, secretariat):
    client.force_login(secretariat)
    data = cycle_form_data(2026, nomination_deadline="2026-03-31", scoring_deadline="2027-01-31")
    data["rules-points_training"] = "1.5"
    response = client.post(reverse("awards:cycle-create"), data)
    assert response.status_code == 302
    cycle = Cycle.objects.get(year=2026)
    assert response["Location"] == cycle.get_absolute_url()
    assert rules_of(cycle) == {**DEFAULT_RULES, "training": (D("1.5"), D("4"))}
    assert criteria_of(cycle) == [
        ("Impact on enforcement", "執法成效", D("2.00"), 0),
        ("Commitment", "承擔", D("1.00"), 1),
    ]
    assert cycle.nomination_deadline == datetime.date(2026, 3, 31)


def test_the_new_cycle_form_starts_with_next_year_and_the_default_rules(client, secretariat):
    CycleFactory(year=2024)
    client.force_login(secretariat)
    response = client.get(reverse("awards:cycle-create"))
    form = response.context["form"]
    assert form.cycle["year"].value() == 2025
    assert form.rules["points_controlled_delivery"].value() == D("10")
    assert form.rules["cap_controlled_delivery"].value() == D("30")
    assert form.criteria.total_form_count() == 1


def test_the_new_cycle_form_shows_every_error_at_once(client, secretariat):
    client.force_login(secretariat)
    data = cycle_form_data(
        2026,
        criteria=[{"name_en": "Impact", "name_zh": "成效", "weight": "1", "DELETE": True}],
        window_end="2025-12-31",
        cooperation_weight="1.2",
    )
    data["rules-cap_training"] = "0"
    response = client.post(reverse("awards:cycle-create"), data)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.cycle.errors == {
        "window_end": ["The assessment window cannot end before it starts."],
        "cooperation_weight": ["Ensure this value is less than or equal to 1."],
    }
    assert form.rules.errors == {"cap_training": ["Must be greater than 0."]}
    assert form.criteria.non_form_errors() == ["A cycle needs at least one panel criterion."]
    assert "A cycle needs at least one panel criterion." in response.text
    assert "Must be greater than 0." in response.text
    assert not Cycle.objects.exists()


def test_a_criterion_weight_of_zero_is_shown_on_its_field(client, secretariat):
    client.force_login(secretariat)
    data = cycle_form_data(2026, criteria=[{"name_en": "Impact", "name_zh": "成效", "weight": "0"}])
    response = client.post(reverse("awards:cycle-create"), data)
    assert response.context["form"].criteria.errors == [
        {"weight": ["The weight must be greater than 0."]}
    ]
    assert not Cycle.objects.exists()


def test_the_copy_button_prefills_the_form_with_last_years_settings(client, secretariat):
    source = CycleFactory(year=2024, quorum=4, rules={**DEFAULT_RULES, "training": (D(2), D(8))})
    client.force_login(secretariat)
    url = reverse("awards:cycle-create") + "?copy_from=2024"
    form = client.get(url).context["form"]
    assert form.cycle["year"].value() == 2025
    assert form.cycle["title_en"].value() == "Elite Enterprise Partnership Award 2025"
    assert form.cycle["window_start"].value() == datetime.date(2025, 1, 1)
    assert form.cycle["quorum"].value() == 4
    assert form.rules["cap_training"].value() == D("8.00")
    assert [f["name_en"].value() for f in form.criteria][:2] == [
        "Impact on enforcement",
        "Commitment",
    ]
    # Saving the pre-filled form (criteria posted as new ones) creates 2025.
    data = cycle_form_data(2025, rules={**DEFAULT_RULES, "training": (D(2), D(8))}, quorum="4")
    response = client.post(url, data)
    cycle = Cycle.objects.get(year=2025)
    assert response["Location"] == cycle.get_absolute_url()
    assert rules_of(cycle)["training"] == (D(2), D(8))
    with translation.override("en"):
        assert entries(cycle, "awards.cycle.created")[0].note_for_display == (
            "Settings copied from 2024."
        )
    assert Cycle.objects.get(year=2024) == source


def test_editing_a_cycle_from_the_page(client, secretariat):
    cycle = CycleFactory(year=2026)
    impact, commitment = cycle.criteria.all()
    client.force_login(secretariat)
    form = client.get(reverse("awards:cycle-update", args=[2026])).context["form"]
    assert [f["pk"].value() for f in form.criteria][:2] == [impact.pk, commitment.pk]
    data = cycle_form_data(
        2026,
        criteria=[
            {"pk": impact.pk, "name_en": "Impact", "name_zh": "成效", "weight": "3"},
            {
                "pk": commitment.pk,
                "name_en": "Commitment",
                "name_zh": "承擔",
                "weight": "1",
                "DELETE": True,
            },  # noqa: E501
            {"name_en": "Innovation", "name_zh": "創新", "weight": "1"},
        ],
        **{"criteria-INITIAL_FORMS": "2", "title_en": "EEPA 2026"},
    )
    response = client.post(reverse("awards:cycle-update", args=[2026]), data)
    assert response["Location"] == cycle.get_absolute_url()
    cycle.refresh_from_db()
    assert cycle.title_en == "EEPA 2026"
    assert criteria_of(cycle) == [
        ("Impact", "成效", D("3.00"), 0),
        ("Innovation", "創新", D("1.00"), 1),
    ]  # noqa: E501


def test_editing_a_cycle_in_review_changes_only_what_may_change(client, secretariat):
    cycle = CycleFactory(year=2026, status=Status.REVIEW)
    client.force_login(secretariat)
    url = reverse("awards:cycle-update", args=[2026])
    response = client.get(url)
    form = response.context["form"]
    assert form.rules is None and form.criteria is None
    assert form.cycle.fields["window_start"].disabled
    assert "are fixed now that the panel review has started" in response.text
    # A window posted anyway is ignored: the field is disabled.
    data = locked_cycle_form_data(cycle, cooperation_weight="0.5", window_start="2026-06-01")
    response = client.post(url, data)
    assert response["Location"] == cycle.get_absolute_url()
    cycle.refresh_from_db()
    assert (cycle.cooperation_weight, cycle.window_start) == (D("0.50"), datetime.date(2026, 1, 1))
    assert rules_of(cycle) == DEFAULT_RULES


def test_a_frozen_cycle_cannot_be_edited_from_the_page(client, secretariat):
    finalised_cycle(secretariat)
    client.force_login(secretariat)
    response = client.post(reverse("awards:cycle-update", args=[2023]), cycle_form_data(2023))
    assert response.status_code == 403
    assert "A finalised cycle can no longer be edited." in response.text


def test_advancing_asks_for_confirmation_then_moves_one_step(client, secretariat):
    cycle = CycleFactory(year=2026)
    client.force_login(secretariat)
    url = reverse("awards:cycle-advance", args=[2026])
    response = client.get(url)
    assert "Open nominations for Elite Enterprise Partnership Award 2026?" in response.text
    cycle.refresh_from_db()
    assert cycle.status == Status.DRAFT
    response = client.post(url, {"from_status": "draft"}, follow=True)
    assert "The cycle is now in the “Nominations” stage." in response.text
    cycle.refresh_from_db()
    assert cycle.status == Status.NOMINATIONS
    # The same confirmation posted twice moves nothing further.
    response = client.post(url, {"from_status": "draft"}, follow=True)
    assert "The cycle has moved on meanwhile" in response.text
    cycle.refresh_from_db()
    assert cycle.status == Status.NOMINATIONS


def test_the_review_confirmation_says_what_becomes_fixed(client, secretariat):
    cycle = CycleFactory(year=2026, status=Status.NOMINATIONS)
    NominationFactory.create_batch(2, cycle=cycle, nominated_by=secretariat)
    client.force_login(secretariat)
    response = client.get(reverse("awards:cycle-advance", args=[2026]))
    assert "2 enterprises are nominated." in response.text
    assert "can no longer change" in response.text


def test_a_refused_step_is_shown_as_an_error(client, secretariat):
    CycleFactory(year=2026, status=Status.NOMINATIONS)
    client.force_login(secretariat)
    response = client.post(
        reverse("awards:cycle-advance", args=[2026]), {"from_status": "nominations"}, follow=True
    )
    assert "Nominate at least one enterprise before the panel review starts." in response.text


def test_reopening_from_the_page(client, secretariat):
    cycle = finalised_cycle(secretariat)
    client.force_login(secretariat)
    url = reverse("awards:cycle-reopen", args=[2023])
    response = client.get(url)
    assert "Its frozen results (2 nominations) are removed" in response.text
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert response.context["form"].errors == {"reason": ["This field is required."]}
    response = client.post(url, {"reason": "An event was verified in error."})
    assert response["Location"] == cycle.get_absolute_url()
    cycle.refresh_from_db()
    assert cycle.status == Status.REVIEW


def test_the_navigation_leads_the_secretariat_and_panel_to_the_cycles(
    client, secretariat, panel_member, officer
):
    link = 'href="/awards/cycles/"'
    for user, shown in ((secretariat, True), (panel_member, True), (officer, False)):
        client.force_login(user)
        assert (link in client.get(reverse("password_change")).text) is shown


# Admin


def _admin_data(cycle, **changes) -> dict:
    data = {
        name: "" if getattr(cycle, name) is None else str(getattr(cycle, name))
        for name in services.CYCLE_FIELDS
    }
    rules = list(cycle.event_rules.all())
    criteria = list(cycle.criteria.all())
    for prefix, rows in (("event_rules", rules), ("criteria", criteria)):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": str(len(rows)),
                f"{prefix}-INITIAL_FORMS": str(len(rows)),
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
        for index, row in enumerate(rows):
            data[f"{prefix}-{index}-id"] = str(row.pk)
            data[f"{prefix}-{index}-cycle"] = str(cycle.pk)
    for index, rule in enumerate(rules):
        data[f"event_rules-{index}-points"] = str(rule.points)
        data[f"event_rules-{index}-cap"] = str(rule.cap)
    for index, criterion in enumerate(criteria):
        for name in ("position", "name_en", "name_zh", "description_en", "description_zh"):
            data[f"criteria-{index}-{name}"] = str(getattr(criterion, name))
        data[f"criteria-{index}-weight"] = str(criterion.weight)
    data.update(changes)
    return data


@pytest.fixture
def admin_user():
    return UserFactory(username="admin", is_superuser=True, is_staff=True)


def test_the_admin_edits_a_draft_cycles_settings_and_audits_them(client, admin_user):
    cycle = CycleFactory(year=2026)
    training = [r.event_type for r in cycle.event_rules.all()].index("training")
    client.force_login(admin_user)
    url = reverse("admin:awards_cycle_change", args=[cycle.pk])
    data = _admin_data(cycle, title_en="EEPA 2026", **{f"event_rules-{training}-cap": "5"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    cycle.refresh_from_db()
    assert cycle.title_en == "EEPA 2026"
    assert rules_of(cycle)["training"] == (D("1.00"), D("5.00"))
    updates = entries(cycle, "awards.cycle.updated")
    assert [sorted(e.changes) for e in updates] == [["title_en"], ["event rules"]]
    assert updates[1].changes["event rules"][1].endswith("training 1.00 / 5.00")
    assert {e.note for e in updates} == {"admin"}


def test_the_admin_applies_the_same_checks(client, admin_user):
    cycle = CycleFactory(year=2026)
    client.force_login(admin_user)
    url = reverse("admin:awards_cycle_change", args=[cycle.pk])
    data = _admin_data(
        cycle, window_end="2025-01-01", **{"criteria-0-DELETE": "on", "criteria-1-DELETE": "on"}
    )  # noqa: E501
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "window_end": ["The assessment window cannot end before it starts."]
    }
    assert response.context["inline_admin_formsets"][1].formset.non_form_errors() == [
        "A cycle needs at least one panel criterion."
    ]


def test_in_the_admin_a_cycle_in_review_keeps_its_scoring_settings(client, admin_user):
    cycle = CycleFactory(year=2026, status=Status.REVIEW)
    client.force_login(admin_user)
    response = client.get(reverse("admin:awards_cycle_change", args=[cycle.pk]))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert "window_start" not in form.fields and "cooperation_weight" in form.fields
    for inline in response.context["inline_admin_formsets"]:
        assert not inline.has_change_permission and not inline.has_add_permission


def test_the_admin_only_views_finalised_cycles_and_the_records_of_the_review(
    client, admin_user, secretariat
):
    cycle = finalised_cycle(secretariat)
    client.force_login(admin_user)
    response = client.post(reverse("admin:awards_cycle_change", args=[cycle.pk]), {})
    assert response.status_code == 403
    assert client.get(reverse("admin:awards_cycle_change", args=[cycle.pk])).status_code == 200
    assert client.get(reverse("admin:awards_cycle_add")).status_code == 403
    result = NominationResult.objects.filter(nomination__cycle=cycle).first()
    for name, pk in (
        ("nominationresult", result.pk),
        ("nomination", result.nomination_id),
    ):
        assert client.get(reverse(f"admin:awards_{name}_change", args=[pk])).status_code == 200
        assert client.post(reverse(f"admin:awards_{name}_change", args=[pk]), {}).status_code == 403  # noqa: E501
        assert (
            client.post(
                reverse(f"admin:awards_{name}_delete", args=[pk]), {"post": "yes"}
            ).status_code
            == 403
        )  # noqa: E501
    assert NominationResult.objects.filter(pk=result.pk).exists()


def test_a_cycle_with_certificates_cannot_be_reopened(secretariat):
    from awards.services.certificates import certificates_issue_for_cycle

    cycle = finalised_cycle(secretariat)
    [certificate] = certificates_issue_for_cycle(cycle=cycle, user=secretariat)
    with pytest.raises(ValidationError, match="correct a certificate by reissuing it"):
        services.cycle_reopen(cycle=cycle, user=secretariat, reason="Wrong event")
    cycle.refresh_from_db()
    assert cycle.status == Status.FINALISED
    certificate.refresh_from_db()
    assert certificate.status == "issued"


def test_reopening_discards_the_ceremony_list_and_failed_generation_runs(secretariat):
    from awards.models import CeremonyEntry, CertificateJob, CertificateRun
    from awards.services.ceremony import ceremony_list_fill

    cycle = finalised_cycle(secretariat)
    ceremony_list_fill(cycle=cycle, user=secretariat)
    run = CertificateRun.objects.create(cycle=cycle, started_by=secretariat)
    CertificateJob.objects.create(
        run=run,
        result=NominationResult.objects.get(nomination__cycle=cycle, awarded=True),
        status=CertificateJob.Status.FAILED,
        error="disk full",
    )

    services.cycle_reopen(cycle=cycle, user=secretariat, reason="A verified event was wrong.")

    assert not CeremonyEntry.objects.exists()
    assert not CertificateRun.objects.exists()
    [entry] = entries(cycle, "awards.cycle.reopened")
    assert entry.changes["ceremony list"][0].startswith("1. Nominee 1 Limited")
