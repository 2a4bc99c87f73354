"""Panel review: the declaration gate, drafts and submissions, the deadline, who sees whose
scores, recused scores, the secretariat's progress and disagreement, the XLSX of reviews, and
what each page costs in queries."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.formats import date_format
from openpyxl import load_workbook

from awards.models import Assignment, Cycle, Nomination, Review
from awards.selectors.progress import Disagreement, cycle_progress
from awards.selectors.scores import score_nominations
from awards.services.panel import (
    assignment_declare,
    review_save,
)
from portal import clock
from portal.models import AuditEntry
from tests.awards.factories import (
    AssignmentFactory,
    CycleFactory,
    NominationFactory,
    submitted_review,
)
from tests.factories import EnterpriseFactory, EventFactory, UserFactory

pytestmark = pytest.mark.django_db
D = Decimal
RESTRICTED = "Case file HKC-2024-117: container seized at Kwai Chung (restricted)."
SUMMARY = "Flagged a suspicious consignment to the hotline."
SUBMITTED_AT = datetime.datetime(2024, 9, 27, 9, 30, tzinfo=datetime.UTC)  # 17:30 in Hong Kong


@pytest.fixture
def scoring_cycle():
    return CycleFactory(
        year=2024,
        status=Cycle.Status.REVIEW,
        quorum=2,
        scoring_deadline=clock.today() + datetime.timedelta(days=10),
    )


@pytest.fixture
def criteria(scoring_cycle):
    return list(scoring_cycle.criteria.all())  # Impact on enforcement (weight 2), Commitment (1)


@pytest.fixture
def nomination(scoring_cycle, officer, verifier):
    terminal = EnterpriseFactory(name_en="Pacific Gateway Terminals Limited", br_number="61458302")
    EventFactory(
        enterprise=terminal,
        occurred_on=datetime.date(2024, 5, 17),
        restricted_details=RESTRICTED,
        partner_summary=SUMMARY,
        logged_by=officer,
        verified=True,
        verified_by=verifier,
    )
    return NominationFactory(cycle=scoring_cycle, enterprise=terminal)


@pytest.fixture
def assignment(nomination, panel_member):
    return AssignmentFactory(nomination=nomination, member=panel_member, declaration="pending")


def _page(nomination):
    return reverse("awards:panel-nominee", args=[nomination.cycle.year, nomination.pk])


def _declare(nomination):
    return reverse("awards:panel-declare", args=[nomination.cycle.year, nomination.pk])


def _review(nomination):
    return reverse("awards:panel-review", args=[nomination.cycle.year, nomination.pk])


def _scores(criteria, *values):
    return {criterion.pk: value for criterion, value in zip(criteria, values, strict=True)}


def _refresh(assignment) -> Assignment:
    return Assignment.objects.get(pk=assignment.pk)


# The declaration gate


def test_the_dossier_stays_closed_until_the_member_declares(client, assignment, nomination):
    client.force_login(assignment.member)
    response = client.get(_page(nomination))
    assert response.status_code == 200
    assert "dossier" not in response.context
    assert "review_form" not in response.context
    assert RESTRICTED not in response.text
    assert SUMMARY not in response.text
    assert 'id="cooperation-score"' not in response.text
    assert 'name="declaration"' in response.text


def test_declaring_no_conflict_opens_the_dossier_with_its_restricted_details(
    client, assignment, nomination
):
    client.force_login(assignment.member)
    response = client.post(_declare(nomination), {"declaration": "no_conflict"})
    assert response.status_code == 302
    assert _refresh(assignment).declaration == "no_conflict"
    page = client.get(_page(nomination))
    assert RESTRICTED in page.text
    assert page.context["dossier"].cooperation_score == D("4.63")  # 100 × 5 / 108
    assert page.context["review_form"] is not None
    entry = AuditEntry.objects.get(action="awards.assignment.declared")
    assert entry.changes == {"declaration": ["pending", "no_conflict"]}


def test_a_recused_member_sees_no_restricted_details_and_cannot_score(
    client, assignment, nomination, criteria
):
    client.force_login(assignment.member)
    client.post(
        _declare(nomination),
        {"declaration": "conflict", "reason": "Former employer.", "confirmed": "1"},
    )
    assignment = _refresh(assignment)
    assert (assignment.declaration, assignment.conflict_reason) == ("conflict", "Former employer.")
    page = client.get(_page(nomination))
    assert page.status_code == 200
    assert RESTRICTED not in page.text
    assert SUMMARY not in page.text
    assert "dossier" not in page.context
    assert "You are recused from this nominee" in page.text
    data = {f"criterion_{c.pk}": 8 for c in criteria} | {"submit": "1"}
    assert client.post(_review(nomination), data).status_code == 403
    assert not Review.objects.exists()
    with pytest.raises(PermissionDenied):
        review_save(assignment=assignment, user=assignment.member, scores={}, comment="")


def test_a_conflict_needs_a_reason(client, assignment, nomination):
    client.force_login(assignment.member)
    response = client.post(_declare(nomination), {"declaration": "conflict", "reason": " "})
    assert response.status_code == 200
    assert response.context["declaration_form"].errors == {
        "reason": ["Say what the conflict of interest is."]
    }
    assert _refresh(assignment).declaration == "pending"
    with pytest.raises(ValidationError):
        assignment_declare(
            assignment=assignment, user=assignment.member, declaration="conflict", reason=""
        )


def test_a_declared_conflict_cannot_be_withdrawn(assignment):
    assignment_declare(
        assignment=assignment, user=assignment.member, declaration="conflict", reason="Shares."
    )
    with pytest.raises(ValidationError) as caught:
        assignment_declare(assignment=assignment, user=assignment.member, declaration="no_conflict")
    assert caught.value.messages == [
        "A declared conflict cannot be withdrawn: you were kept from this nominee's dossier and "
        "scores because of it, and taking it back would let a member who knows of a conflict "
        "score anyway. If it was declared by mistake, ask the secretariat."
    ]
    assert _refresh(assignment).declaration == "conflict"


def test_after_no_conflict_only_a_conflict_can_be_declared(client, assignment, nomination):
    assignment_declare(assignment=assignment, user=assignment.member, declaration="no_conflict")
    client.force_login(assignment.member)
    form = client.get(_page(nomination)).context["declaration_form"]
    assert [value for value, _ in form.fields["declaration"].choices] == ["conflict"]
    with pytest.raises(ValidationError):
        assignment_declare(assignment=assignment, user=assignment.member, declaration="no_conflict")


def test_nobody_declares_for_somebody_else(assignment):
    other = UserFactory(username="panel2", roles=["Panel"])
    with pytest.raises(PermissionDenied):
        assignment_declare(assignment=assignment, user=other, declaration="no_conflict")


def test_declarations_are_refused_once_the_cycle_is_finalised(assignment, scoring_cycle):
    Cycle.objects.filter(pk=scoring_cycle.pk).update(status=Cycle.Status.FINALISED)
    with pytest.raises(ValidationError):
        assignment_declare(assignment=assignment, user=assignment.member, declaration="conflict")


def test_a_late_conflict_stops_the_members_review_counting(assignment, nomination, criteria):
    assignment_declare(assignment=assignment, user=assignment.member, declaration="no_conflict")
    review_save(
        assignment=assignment,
        user=assignment.member,
        scores=_scores(criteria, 8, 6),
        submit=True,
    )
    submitted_review(nomination, UserFactory(username="panel2", roles=["Panel"]), [9, 9])
    [before] = score_nominations(nomination.cycle, Nomination.objects.all())
    assert (before.reviews, before.panel_score) == (2, D("81.67"))  # mean of 73.33… and 90

    assignment_declare(
        assignment=assignment,
        user=assignment.member,
        declaration="conflict",
        reason="Learnt today that my spouse consults for them.",
    )
    [after] = score_nominations(nomination.cycle, Nomination.objects.all())
    assert (after.reviews, after.panel_score) == (1, D("90.00"))
    assert after.pending  # below the quorum of 2 again
    assert Review.objects.get(assignment=assignment).status == "submitted"  # kept, not counted


# Drafts, submission, deadline


@pytest.fixture
def declared(assignment):
    return assignment_declare(
        assignment=assignment, user=assignment.member, declaration="no_conflict"
    )


def test_a_draft_may_be_partial_and_changed(declared, criteria):
    member = declared.member
    review = review_save(
        assignment=declared, user=member, scores=_scores(criteria, 7, None), comment="First look"
    )
    assert review.status == "draft"
    assert dict(review.scores.values_list("criterion__name_en", "score")) == {
        "Impact on enforcement": 7
    }
    review = review_save(
        assignment=declared, user=member, scores=_scores(criteria, None, 4), comment="Second"
    )
    assert dict(review.scores.values_list("criterion__name_en", "score")) == {"Commitment": 4}
    assert (review.comment, review.status, review.submitted_at) == ("Second", "draft", None)
    entries = AuditEntry.objects.filter(action="awards.review.saved").order_by("pk")
    assert [e.changes for e in entries] == [
        {"Impact on enforcement": ["", "7"], "comment": ["", "First look"]},
        {
            "Impact on enforcement": ["7", ""],
            "Commitment": ["", "4"],
            "comment": ["First look", "Second"],
        },  # noqa: E501
    ]


def test_submitting_needs_every_criterion(client, declared, nomination, criteria):
    with pytest.raises(ValidationError) as caught:
        review_save(
            assignment=declared,
            user=declared.member,
            scores=_scores(criteria, 7, None),
            submit=True,
        )
    assert caught.value.messages == [
        "Score every criterion before submitting; missing: Commitment."
    ]
    client.force_login(declared.member)
    response = client.post(_review(nomination), {f"criterion_{criteria[0].pk}": "7", "submit": "1"})
    assert response.status_code == 200
    assert response.context["review_form"].errors == {
        f"criterion_{criteria[1].pk}": ["Score this criterion before submitting."]
    }
    assert not Review.objects.exists()


def test_scores_are_whole_numbers_from_0_to_10(client, declared, nomination, criteria):
    client.force_login(declared.member)
    response = client.post(_review(nomination), {f"criterion_{criteria[0].pk}": "11", "save": "1"})
    assert response.status_code == 200
    assert f"criterion_{criteria[0].pk}" in response.context["review_form"].errors
    with pytest.raises(ValidationError):
        review_save(assignment=declared, user=declared.member, scores=_scores(criteria, -1, 3))


def test_a_submitted_review_is_final(client, declared, nomination, criteria):
    client.force_login(declared.member)
    data = {f"criterion_{criteria[0].pk}": "8", f"criterion_{criteria[1].pk}": "6"}
    response = client.post(
        _review(nomination), data | {"comment": "Solid.", "submit": "1", "confirmed": "1"}
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert review.status == "submitted"
    assert review.submitted_at is not None
    with pytest.raises(ValidationError) as caught:
        review_save(assignment=declared, user=declared.member, scores=_scores(criteria, 1, 1))
    assert caught.value.messages == ["This review was submitted; it can no longer be changed."]
    page = client.get(_page(nomination))
    assert page.context["review_form"] is None
    assert 'name="submit"' not in page.text
    assert page.context["own_scores"]["member_score"] == D("73.33")
    # Posting anyway changes nothing.
    client.post(_review(nomination), {f"criterion_{criteria[0].pk}": "1", "save": "1"})
    assert dict(review.scores.values_list("criterion__name_en", "score")) == {
        "Impact on enforcement": 8,
        "Commitment": 6,
    }


def test_scoring_closes_at_the_end_of_the_deadline_day_in_hong_kong(scoring_cycle):
    scoring_cycle.scoring_deadline = datetime.date(2024, 9, 30)
    utc = datetime.UTC
    assert not scoring_cycle.scoring_closed(datetime.datetime(2024, 9, 30, 15, 59, 59, tzinfo=utc))
    # Midnight.
    assert scoring_cycle.scoring_closed(datetime.datetime(2024, 9, 30, 16, 0, tzinfo=utc))
    scoring_cycle.scoring_deadline = None
    assert not scoring_cycle.scoring_closed(datetime.datetime(2030, 1, 1, tzinfo=utc))


def test_no_review_after_the_deadline(client, declared, nomination, criteria, scoring_cycle):
    review_save(assignment=declared, user=declared.member, scores=_scores(criteria, 5, None))
    yesterday = clock.today() - datetime.timedelta(days=1)
    Cycle.objects.filter(pk=scoring_cycle.pk).update(scoring_deadline=yesterday)
    with pytest.raises(ValidationError) as caught:
        review_save(assignment=declared, user=declared.member, scores=_scores(criteria, 5, 5))
    assert caught.value.messages == [f"Scoring closed at the end of {yesterday:%-d %b %Y}."]
    client.force_login(declared.member)
    page = client.get(_page(nomination))
    assert page.context["review_form"] is None
    assert "Scoring has closed: this draft was not submitted and does not count." in page.text


def test_reviews_only_while_the_cycle_is_in_review(
    client, declared, nomination, criteria, scoring_cycle
):
    Cycle.objects.filter(pk=scoring_cycle.pk).update(status=Cycle.Status.NOMINATIONS)
    with pytest.raises(ValidationError):
        review_save(assignment=declared, user=declared.member, scores=_scores(criteria, 5, 5))
    client.force_login(declared.member)
    page = client.get(_page(nomination))
    assert page.context["review_form"] is None
    assert "Scoring opens when the cycle moves to panel review." in page.text


def test_the_review_form_is_keyboard_usable(client, declared, nomination, criteria):
    client.force_login(declared.member)
    html = client.get(_page(nomination)).text
    # One fieldset per criterion, named by its legend; eleven labelled radio buttons each.
    assert html.count("<fieldset") >= len(criteria) + 1
    assert "Impact on enforcement" in html
    for criterion in criteria:
        name = f"criterion_{criterion.pk}"
        assert html.count(f'name="{name}"') == 11
        assert f'for="id_{name}_0"' in html and f'for="id_{name}_10"' in html


# Who sees whose scores


@pytest.fixture
def colleague_reviewed(nomination):
    colleague = UserFactory(username="panel2", first_name="Winnie", roles=["Panel"])
    return submitted_review(nomination, colleague, [9, 9])  # M = 90


def test_other_scores_are_hidden_until_the_member_submits(
    client, declared, nomination, criteria, colleague_reviewed
):
    client.force_login(declared.member)
    before = client.get(_page(nomination))
    assert before.context["others"] == []
    assert "90.00" not in before.text
    assert "Winnie" not in before.text
    assert "once you have submitted your own review" in before.text
    visible = Review.objects.visible_to(declared.member)
    assert list(visible) == []

    review_save(
        assignment=declared, user=declared.member, scores=_scores(criteria, 6, 6), submit=True
    )
    after = client.get(_page(nomination))
    [other] = after.context["others"]
    assert (other["scores"], other["member_score"]) == ([9, 9], D("90.00"))
    assert "Winnie" not in after.text  # shown as "Member 1"
    assert after.context["scored"].panel_score == D("75.00")  # mean of 60 and 90


def test_a_recused_member_never_sees_other_scores(
    client, declared, nomination, criteria, colleague_reviewed
):
    review_save(
        assignment=declared, user=declared.member, scores=_scores(criteria, 6, 6), submit=True
    )
    assignment_declare(
        assignment=declared, user=declared.member, declaration="conflict", reason="Shares."
    )
    client.force_login(declared.member)
    page = client.get(_page(nomination))
    assert "others" not in page.context
    assert "90.00" not in page.text
    assert list(Review.objects.visible_to(declared.member).exclude(assignment=declared)) == []


def test_a_recused_members_review_is_not_shown_to_the_others(
    client, declared, nomination, criteria
):
    recused = UserFactory(username="panel3", roles=["Panel"])
    submitted_review(nomination, recused, [1, 1], declaration="conflict")
    review_save(
        assignment=declared, user=declared.member, scores=_scores(criteria, 6, 6), submit=True
    )
    client.force_login(declared.member)
    assert client.get(_page(nomination)).context["others"] == []


# The member's home


def test_panel_home_lists_declaration_review_and_deadline(client, panel_member, scoring_cycle):
    first, second, third = (
        NominationFactory(cycle=scoring_cycle, enterprise=EnterpriseFactory(name_en=name))
        for name in ("Alpha Cargo", "Beta Freight", "Gamma Air")
    )
    AssignmentFactory(nomination=first, member=panel_member, declaration="pending")
    AssignmentFactory(
        nomination=second, member=panel_member, declaration="conflict", conflict_reason="Kin."
    )
    submitted_review(third, panel_member, [5, 5])
    client.force_login(panel_member)
    response = client.get(reverse("awards:panel-home"))
    [entry] = response.context["cycles"]
    rows = [
        (a.nomination.enterprise.name_en, a.declaration, getattr(a, "review", None))
        for a in entry.assignments
    ]
    assert [(name, declaration) for name, declaration, _ in rows] == [
        ("Alpha Cargo", "pending"),
        ("Beta Freight", "conflict"),
        ("Gamma Air", "no_conflict"),
    ]
    assert rows[2][2].status == "submitted"
    deadline = date_format(scoring_cycle.scoring_deadline, "DATE_FORMAT")
    assert f"Scoring deadline: {deadline}, end of the day (Hong Kong time)." in response.text
    assert "Recused" in response.text
    assert "Not declared yet" in response.text


# The secretariat's progress page


@pytest.fixture
def busy_cycle(scoring_cycle):
    """Three nominees, four members (criteria weights 2 and 1, quorum 2):
    A: p1 [8, 6] → 73.33…, p2 [9, 9] → 90, p3 [3, 3] → 30, all submitted;
    B: p1 [7, 7] → 70 submitted, p2 a draft, p4 recused;
    C: p3 not declared yet, p4 [6, 8] → 66.67 submitted."""
    p1, p2, p3, p4 = (
        UserFactory(username=f"p{i}", first_name=name, last_name="Chan", roles=["Panel"])
        for i, name in enumerate(("Alice", "Bob", "Carol", "Dan"), start=1)
    )
    a, b, c = (
        NominationFactory(
            cycle=scoring_cycle, enterprise=EnterpriseFactory(name_en=name, br_number=br)
        )
        for name, br in (("A Cargo", "10000001"), ("B Freight", "10000002"), ("C Air", "10000003"))
    )
    submitted_review(a, p1, [8, 6])
    submitted_review(a, p2, [9, 9])
    submitted_review(a, p3, [3, 3])
    submitted_review(b, p1, [7, 7])
    draft = Review.objects.create(assignment=AssignmentFactory(nomination=b, member=p2))
    draft.scores.create(criterion=scoring_cycle.criteria.first(), score=4)
    AssignmentFactory(nomination=b, member=p4, declaration="conflict", conflict_reason="Kin.")
    AssignmentFactory(nomination=c, member=p3, declaration="pending")
    Review.objects.filter(pk=submitted_review(c, p4, [6, 8]).pk).update(comment="=HYPERLINK(x)")
    Review.objects.filter(status="submitted").update(submitted_at=SUBMITTED_AT)
    Cycle.objects.filter(pk=scoring_cycle.pk).update(
        scoring_deadline=clock.today() + datetime.timedelta(days=5)
    )
    scoring_cycle.refresh_from_db()
    return scoring_cycle


def test_progress_per_nominee_and_member(client, secretariat, busy_cycle):
    client.force_login(secretariat)
    response = client.get(reverse("awards:panel-progress", args=[busy_cycle.year]))
    progress = response.context["progress"]
    assert [
        (
            row.nomination.enterprise.name_en,
            row.submitted,
            row.expected,
            row.recused,
            row.quorum_reached,
            row.scored.panel_score,
            [m.username for m in row.behind],
        )
        for row in progress.nominees
    ] == [
        ("A Cargo", 3, 3, 0, True, D("64.44"), []),
        ("B Freight", 1, 2, 1, False, D("70.00"), ["p2"]),
        ("C Air", 1, 2, 0, False, D("66.67"), ["p3"]),
    ]
    assert [
        (m.member.username, m.assigned, m.undeclared, m.recused, m.drafts, m.submitted, m.remaining)
        for m in progress.members
    ] == [
        ("p2", 2, 0, 0, 1, 1, 1),
        ("p3", 2, 1, 0, 0, 1, 1),
        ("p1", 2, 0, 0, 0, 2, 0),
        ("p4", 1, 0, 1, 0, 1, 0),
    ]
    assert [m.member.username for m in progress.members_behind] == ["p2", "p3"]
    assert progress.days_left == 5
    assert "high disagreement" in response.text
    assert "30 points or more" in response.text and "15 or more" in response.text


def test_disagreement_on_a_hand_computed_example(busy_cycle):
    a = cycle_progress(busy_cycle).nominees[0]
    # M = 220/3, 90, 30; mean 580/9; squared deviations (80/9)², (230/9)², (310/9)²
    # → variance 155400/81/3 = 639.51, SD 25.29; range 90 − 30 = 60.
    assert a.disagreement == Disagreement(sd=D("25.29"), range=D("60.00"), flagged=True)
    assert cycle_progress(busy_cycle).nominees[1].disagreement == Disagreement(None, None, False)


def test_the_disagreement_thresholds():
    assert Disagreement.of([D(70), D(220) / 3, D(200) / 3]) == Disagreement(
        D("2.72"), D("6.67"), False
    )
    assert Disagreement.of([D(40), D(70)]) == Disagreement(D("15.00"), D("30.00"), True)
    assert Disagreement.of([D(41), D(70)]) == Disagreement(D("14.50"), D("29.00"), False)
    # Far apart at the ends but close in the middle: the range alone flags it.
    assert Disagreement.of([D(50)] * 8 + [D(35), D(65)]).flagged


def test_the_assignment_form_on_the_progress_page(client, secretariat, scoring_cycle):
    for name in ("A", "B", "C"):
        NominationFactory(cycle=scoring_cycle, enterprise=EnterpriseFactory(name_en=name))
    for i in (1, 2):
        UserFactory(username=f"panel{i}", roles=["Panel"])
    client.force_login(secretariat)
    url = reverse("awards:panel-progress", args=[scoring_cycle.year])
    assert client.get(url).context["form"].initial == {"max_load": 3}  # ⌈3 × 2 / 2⌉
    assign = reverse("awards:panel-assign", args=[scoring_cycle.year])
    refused = client.post(assign, {"mode": "balanced", "max_load": 2})
    assert refused.status_code == 200
    assert refused.context["form"].non_field_errors() == [
        "Nothing was assigned: with a maximum load of 2 these nominees cannot all reach the "
        "quorum of 2: C (0 of 2). A maximum load of 3 would be enough."
    ]
    assert "A maximum load of 3 would be enough." in refused.text
    assert not Assignment.objects.exists()
    missing = client.post(assign, {"mode": "balanced"})
    assert missing.context["form"].errors == {
        "max_load": ["Set the maximum load for a balanced assignment."]
    }
    done = client.post(assign, {"mode": "balanced", "max_load": 3}, follow=True)
    assert [str(m) for m in done.context["messages"]] == ["6 assignments added."]
    assert Assignment.objects.count() == 6


# The XLSX of every review


def test_every_review_in_the_xlsx(client, secretariat, busy_cycle):
    client.force_login(secretariat)
    response = client.get(reverse("awards:panel-reviews-export", args=[busy_cycle.year]))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"] == 'attachment; filename="panel-reviews-2024.xlsx"'
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert rows[0] == [
        "Panel member",
        "BR number",
        "Enterprise (English)",
        "Impact on enforcement",
        "Commitment",
        "Member score",
        "Comment",
        "Status",
        "Declaration",
        "Submitted at",
    ]
    assert rows[1:4] == [
        [
            "Alice Chan",
            "10000001",
            "A Cargo",
            8,
            6,
            73.33,
            None,
            "submitted",
            "no_conflict",
            "2024-09-27 17:30",
        ],  # noqa: E501
        [
            "Bob Chan",
            "10000001",
            "A Cargo",
            9,
            9,
            90,
            None,
            "submitted",
            "no_conflict",
            "2024-09-27 17:30",
        ],  # noqa: E501
        [
            "Carol Chan",
            "10000001",
            "A Cargo",
            3,
            3,
            30,
            None,
            "submitted",
            "no_conflict",
            "2024-09-27 17:30",
        ],  # noqa: E501
    ]
    assert [row[:9] for row in rows[4:]] == [
        ["Alice Chan", "10000002", "B Freight", 7, 7, 70, None, "submitted", "no_conflict"],
        ["Bob Chan", "10000002", "B Freight", 4, None, None, None, "draft", "no_conflict"],
        # A spreadsheet formula in a comment stays text.
        [
            "Dan Chan",
            "10000003",
            "C Air",
            6,
            8,
            66.67,
            "'=HYPERLINK(x)",
            "submitted",
            "no_conflict",
        ],  # noqa: E501
    ]
    assert sheet["G7"].data_type == "s"


def test_a_criterion_named_like_a_formula_is_text_in_the_xlsx_header(
    client, secretariat, busy_cycle
):
    """Issue 13: a criterion name such as =HYPERLINK(...) was a live formula in the header."""
    criterion = busy_cycle.criteria.first()
    type(criterion).objects.filter(pk=criterion.pk).update(
        name_en='=HYPERLINK("http://evil.example","Impact")'
    )
    client.force_login(secretariat)

    response = client.get(reverse("awards:panel-reviews-export", args=[busy_cycle.year]))

    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    assert sheet["D1"].value == '\'=HYPERLINK("http://evil.example","Impact")'
    assert sheet["D1"].data_type == "s"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


# Queries: the same count whatever the number of rows


def _count_queries(client, url, django_assert_num_queries, queries):
    client.get(url)  # warm-up (content types, sessions)
    with django_assert_num_queries(queries):
        response = client.get(url)
    assert response.status_code == 200
    return response


def _populate(cycle, members, nominees):
    panel = [UserFactory(username=f"member{i}", roles=["Panel"]) for i in range(members)]
    for n in range(nominees):
        nomination = NominationFactory(cycle=cycle)
        for i, member in enumerate(panel):
            if (n + i) % 3 == 0:
                AssignmentFactory(nomination=nomination, member=member, declaration="pending")
            else:
                submitted_review(nomination, member, [n % 11, i % 11])
    return panel


# session, user, roles, cycle, its criteria and rules, the cycle's scores (one aggregate),
# the counted reviews' scores, assignments with their members and reviews, the nominees out of
# the quorum's reach, the alternates, the members who could be one
@pytest.mark.parametrize("nominees", [2, 20])
def test_progress_page_queries(
    client, secretariat, scoring_cycle, nominees, django_assert_num_queries
):
    _populate(scoring_cycle, members=4, nominees=nominees)
    client.force_login(secretariat)
    url = reverse("awards:panel-progress", args=[scoring_cycle.year])
    response = _count_queries(client, url, django_assert_num_queries, 13)
    assert len(response.context["progress"].nominees) == nominees


# session, user, roles, cycle, its criteria and rules, reviews, their scores
@pytest.mark.parametrize("nominees", [2, 20])
def test_export_queries(client, secretariat, scoring_cycle, nominees, django_assert_num_queries):
    _populate(scoring_cycle, members=3, nominees=nominees)
    client.force_login(secretariat)
    url = reverse("awards:panel-reviews-export", args=[scoring_cycle.year])
    _count_queries(client, url, django_assert_num_queries, 8)


# session, user, roles, the member's cycles, the page of assignments (keys in order, rows with their
# nominee and review), the counts per state (the cycle is under review: no score
# distribution yet; see test_panel_home.py for those)
@pytest.mark.parametrize("nominees", [1, 10])
def test_panel_home_queries(client, scoring_cycle, nominees, django_assert_num_queries):
    [member, *_] = _populate(scoring_cycle, members=1, nominees=nominees)
    client.force_login(member)
    response = _count_queries(client, reverse("awards:panel-home"), django_assert_num_queries, 7)
    assert len(response.context["cycles"][0].assignments) == nominees


# session, user, roles, the assignment with its nominee and cycle, criteria, rules, own review,
# its scores, other reviews, their scores, the panel score (aggregate), the dossier: its
# aggregate, events, frozen result, enforcement concerns
@pytest.mark.parametrize("reviews", [1, 6])
def test_nominee_page_queries(
    client, declared, nomination, criteria, reviews, officer, verifier, django_assert_num_queries
):
    for i in range(reviews):
        submitted_review(nomination, UserFactory(username=f"other{i}", roles=["Panel"]), [i, 5])
        EventFactory(
            enterprise=nomination.enterprise, logged_by=officer, verified=True, verified_by=verifier
        )
    review_save(
        assignment=declared, user=declared.member, scores=_scores(criteria, 6, 6), submit=True
    )
    client.force_login(declared.member)
    response = _count_queries(client, _page(nomination), django_assert_num_queries, 17)
    assert len(response.context["others"]) == reviews


@pytest.mark.django_db(transaction=True)
def test_submitting_twice_at_once_submits_once(panel_member):
    from tests.concurrency import run_at_once

    cycle = CycleFactory(year=2024, status=Cycle.Status.REVIEW)
    nomination = NominationFactory(cycle=cycle)
    assignment = AssignmentFactory(nomination=nomination, member=panel_member)
    scores = _scores(list(cycle.criteria.all()), 7, 8)
    outcomes = run_at_once(
        *[
            lambda: review_save(
                assignment=assignment, user=panel_member, scores=scores, submit=True
            )
            for _ in range(2)
        ]
    )
    assert sorted(map(str, outcomes)) == [
        "['This review was submitted; it can no longer be changed.']",
        "ok",
    ]
    review = Review.objects.get()
    assert review.status == "submitted"
    assert review.scores.count() == 2
    assert AuditEntry.objects.filter(action="awards.review.submitted").count() == 1
