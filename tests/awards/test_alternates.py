"""Alternates and quorum (issue 14, item 5): a cycle's panel can hold members in reserve; they
step in wherever conflicts of interest would leave a nominee below the quorum, at assignment and
when a conflict is declared later; where the quorum is still out of reach the secretariat is told
(notification) and the cycle's pages say so at the top, with the nominees and the fixes."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from awards.models import Assignment, Cycle, PanelAlternate
from awards.notifications import Kind
from awards.panel_planning import alternates_needed
from awards.selectors.quorum import quorum_alert
from awards.services.panel import (
    AssignmentMode,
    assignment_declare,
    assignments_create,
    panel_alternate_add,
    panel_alternate_remove,
)
from portal.models import AuditEntry, Notification
from portal.notifications import kinds
from tests.awards.factories import AssignmentFactory, CycleFactory, NominationFactory
from tests.concurrency import run_at_once
from tests.factories import EnterpriseFactory, UserFactory

Declaration = Assignment.Declaration


# The pure rule


def test_an_alternate_is_added_only_where_the_members_cannot_reach_the_quorum():
    members, alternates = ["m1", "m2", "m3"], ["a1", "a2"]
    existing = [(n, m) for n in (0, 1) for m in members]
    recused = [(0, "m1")]

    assert alternates_needed(
        [0, 1], members, alternates, quorum=3, existing=existing, recused=recused
    ) == [(0, "a1")]
    # A member still free (not assigned yet) would do: no alternate.
    assert alternates_needed([0], members, alternates, quorum=2, existing=[], recused=[]) == []


def test_the_least_loaded_alternates_step_in_first():
    members, alternates = ["m1", "m2"], ["a1", "a2", "a3"]
    recused = [(0, "m1"), (0, "m2"), (1, "m1")]
    existing = [(2, "a1"), (0, "m1"), (0, "m2"), (1, "m1"), (1, "m2")]

    # Nominee 2 has alternate a1 already (and members free to be assigned): a1 is busier.
    assert alternates_needed(
        [0, 1, 2], members, alternates, quorum=2, existing=existing, recused=recused
    ) == [(0, "a2"), (0, "a3"), (1, "a1")]


def test_alternates_go_as_far_as_they_can():
    assert alternates_needed([0], ["m1"], ["a1"], quorum=3, recused=[(0, "m1")]) == [(0, "a1")]


# The world of the services: quorum 3, three members, alternates


def _sent(kind) -> list[tuple[str, dict]]:
    return [
        (n.recipient.username, n.params)
        for n in Notification.objects.filter(kind=kind).select_related("recipient").order_by("pk")
    ]


@pytest.fixture
def cycle(db):
    return CycleFactory(year=2024, status=Cycle.Status.REVIEW, quorum=3)


@pytest.fixture
def members(db):
    return [UserFactory(username=f"panel{i}", roles=["Panel"]) for i in (1, 2, 3)]


@pytest.fixture
def alternates(cycle):
    alternates = [UserFactory(username=f"alternate{i}", roles=["Panel"]) for i in (1, 2)]
    for alternate in alternates:
        PanelAlternate.objects.create(cycle=cycle, member=alternate)
    return alternates


def _nominee(cycle, name):
    return NominationFactory(cycle=cycle, enterprise=EnterpriseFactory(name_en=name))


def _assigned(nomination) -> list[tuple[str, str]]:
    return sorted(nomination.assignments.values_list("member__username", "declaration"))


# Setting alternates


@pytest.mark.django_db
def test_the_secretariat_adds_and_removes_an_alternate_with_an_audit(cycle, members, secretariat):
    panel_alternate_add(cycle=cycle, member=members[2], user=secretariat)
    assert list(PanelAlternate.objects.values_list("member__username", flat=True)) == ["panel3"]
    with pytest.raises(ValidationError, match="already an alternate"):
        panel_alternate_add(cycle=cycle, member=members[2], user=secretariat)

    panel_alternate_remove(cycle=cycle, member=members[2], user=secretariat)
    assert not PanelAlternate.objects.exists()
    with pytest.raises(ValidationError, match="not an alternate"):
        panel_alternate_remove(cycle=cycle, member=members[2], user=secretariat)
    assert list(
        AuditEntry.objects.filter(object_id=str(cycle.pk))
        .order_by("pk")
        .values_list("action", "changes")
    ) == [
        ("awards.cycle.alternate_added", {"alternates": ["", "panel3"]}),
        ("awards.cycle.alternate_removed", {"alternates": ["panel3", ""]}),
    ]


@pytest.mark.django_db
def test_only_an_active_panel_member_can_be_an_alternate_and_only_while_open(
    cycle, secretariat, officer, panel_member
):
    with pytest.raises(ValidationError, match="Only an active member of the Panel group"):
        panel_alternate_add(cycle=cycle, member=officer, user=secretariat)
    with pytest.raises(PermissionDenied):
        panel_alternate_add(cycle=cycle, member=panel_member, user=panel_member)
    Cycle.objects.filter(pk=cycle.pk).update(status=Cycle.Status.FINALISED)
    with pytest.raises(ValidationError):
        panel_alternate_add(cycle=cycle, member=panel_member, user=secretariat)
    assert not PanelAlternate.objects.exists()


# At assignment


@pytest.mark.django_db
@pytest.mark.parametrize("mode", [AssignmentMode.ALL, AssignmentMode.BALANCED])
def test_assignment_leaves_alternates_out_but_where_a_conflict_needs_them(
    cycle, members, alternates, secretariat, mode
):
    alpha, beta = _nominee(cycle, "Alpha"), _nominee(cycle, "Beta")
    AssignmentFactory(
        nomination=alpha, member=members[0], declaration=Declaration.CONFLICT, conflict_reason="Kin"
    )

    outcome = assignments_create(cycle=cycle, user=secretariat, mode=mode, max_load=2)

    assert outcome.below_quorum == []
    assert _assigned(alpha) == [
        ("alternate1", "pending"),
        ("panel1", "conflict"),
        ("panel2", "pending"),
        ("panel3", "pending"),
    ]
    assert _assigned(beta) == [("panel1", "pending"), ("panel2", "pending"), ("panel3", "pending")]
    assert not quorum_alert(cycle)
    assert _sent(Kind.QUORUM_SHORT) == []


@pytest.mark.django_db
def test_assignment_short_of_members_and_alternates_tells_the_secretariat(
    cycle, members, secretariat, secretariat2
):
    alpha = _nominee(cycle, "Alpha")
    AssignmentFactory(
        nomination=alpha, member=members[0], declaration=Declaration.CONFLICT, conflict_reason="Kin"
    )

    outcome = assignments_create(cycle=cycle, user=secretariat, mode=AssignmentMode.ALL)

    assert outcome.below_quorum == [alpha]
    params = {
        "year": 2024,
        "enterprise": "Alpha",
        "enterprise_zh": alpha.enterprise.name_zh,
        "counting": 2,
        "quorum": 3,
        "reachable": 2,
    }
    assert _sent(Kind.QUORUM_SHORT) == [("secretariat", params), ("secretariat2", params)]
    # Assigning again changes nothing and tells nobody again.
    assignments_create(cycle=cycle, user=secretariat, mode=AssignmentMode.ALL)
    assert len(_sent(Kind.QUORUM_SHORT)) == 2


# A conflict declared later


@pytest.mark.django_db
def test_a_late_conflict_brings_in_the_least_busy_alternate_who_is_told(
    cycle, members, alternates, secretariat
):
    alpha, beta = _nominee(cycle, "Alpha"), _nominee(cycle, "Beta")
    for nomination in (alpha, beta):
        for member in members:
            AssignmentFactory(nomination=nomination, member=member)
    AssignmentFactory(nomination=_nominee(cycle, "Gamma"), member=alternates[0])

    assignment_declare(
        assignment=alpha.assignments.get(member=members[1]),
        user=members[1],
        declaration=Declaration.CONFLICT,
        reason="My cousin runs it.",
    )

    assert _assigned(alpha) == [
        ("alternate2", "pending"),  # alternate1 already reviews Gamma
        ("panel1", "no_conflict"),
        ("panel2", "conflict"),
        ("panel3", "no_conflict"),
    ]
    assert _assigned(beta) == [
        ("panel1", "no_conflict"),
        ("panel2", "no_conflict"),
        ("panel3", "no_conflict"),
    ]
    assert [(u, p["count"]) for u, p in _sent(Kind.PANEL_ASSIGNED)] == [("alternate2", 1)]
    entry = AuditEntry.objects.get(action="awards.assignment.created")
    assert (entry.actor, entry.note) == (None, "awards.note.alternate_below_quorum")
    assert _sent(Kind.QUORUM_SHORT) == []


@pytest.mark.django_db
def test_a_late_conflict_without_an_alternate_tells_the_secretariat_and_the_pages(
    client, cycle, members, secretariat, secretariat2
):
    alpha = _nominee(cycle, "Alpha Cargo")
    for member in members:
        AssignmentFactory(nomination=alpha, member=member)

    assignment_declare(
        assignment=alpha.assignments.get(member=members[0]),
        user=members[0],
        declaration=Declaration.CONFLICT,
        reason="Former employer.",
    )

    [(first, params), (second, _params)] = _sent(Kind.QUORUM_SHORT)
    assert (first, second) == ("secretariat", "secretariat2")
    assert (params["counting"], params["reachable"], params["quorum"]) == (2, 2, 3)
    notification = Notification.objects.filter(kind=Kind.QUORUM_SHORT).first()
    assert notification.link == reverse("awards:panel-progress", args=[2024])
    assert kinds.render(notification) == (
        "Alpha Cargo is below the quorum (2024)",
        "Conflicts of interest leave Alpha Cargo with 2 panel members of the quorum of 3 in the "
        "2024 award cycle, and no alternate is left to step in. It cannot reach the quorum (2 at "
        "best), so it would stay pending and could not be awarded: add an alternate or a panel "
        "member, or lower the quorum.",
    )
    with translation.override("zh-hant"):
        title, body = kinds.render(notification)
    assert "%(" not in title + body and "quorum" not in body

    alert = quorum_alert(cycle)
    assert [(s.enterprise.name_en, s.reachable) for s in alert.nominees] == [("Alpha Cargo", 2)]
    assert alert.best_quorum == 2


@pytest.mark.django_db
def test_a_late_conflict_with_members_still_free_says_to_assign_again(cycle, members, secretariat):
    alpha = _nominee(cycle, "Alpha")
    for member in members:
        AssignmentFactory(nomination=alpha, member=member)
    UserFactory(username="panel4", roles=["Panel"])  # not assigned to Alpha

    assignment_declare(
        assignment=alpha.assignments.get(member=members[0]),
        user=members[0],
        declaration=Declaration.CONFLICT,
        reason="Former employer.",
    )

    [(_user, params)] = _sent(Kind.QUORUM_SHORT)
    assert (params["counting"], params["reachable"]) == (2, 3)
    body = kinds.render(Notification.objects.get(kind=Kind.QUORUM_SHORT))[1]
    assert body.endswith("Assign the panel again to top it up with the members still free.")
    assert not quorum_alert(cycle)  # reachable: not out of reach


@pytest.mark.django_db
def test_adding_an_alternate_fixes_a_nominee_below_the_quorum_at_once(cycle, members, secretariat):
    alpha = _nominee(cycle, "Alpha")
    for member in members:
        AssignmentFactory(nomination=alpha, member=member)
    assignment_declare(
        assignment=alpha.assignments.get(member=members[0]),
        user=members[0],
        declaration=Declaration.CONFLICT,
        reason="Former employer.",
    )
    assert quorum_alert(cycle)
    alternate = UserFactory(username="alternate1", roles=["Panel"])

    panel_alternate_add(cycle=cycle, member=alternate, user=secretariat)

    assert ("alternate1", "pending") in _assigned(alpha)
    assert not quorum_alert(cycle)


@pytest.mark.django_db
def test_an_alternate_added_before_the_assignment_is_not_assigned_anything(
    cycle, members, secretariat
):
    alpha = _nominee(cycle, "Alpha")  # not assigned yet: below the quorum, but no conflict
    AssignmentFactory(nomination=alpha, member=members[0])
    alternate = UserFactory(username="alternate1", roles=["Panel"])

    panel_alternate_add(cycle=cycle, member=alternate, user=secretariat)

    assert _assigned(alpha) == [("panel1", "no_conflict")]
    assert _sent(Kind.PANEL_ASSIGNED) == [] and _sent(Kind.QUORUM_SHORT) == []


# Two conflicts declared at once


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("alternate_count", "expected_short"), [(2, 0), (1, 1)])
def test_two_conflicts_declared_at_once_each_get_an_alternate_while_there_are(
    alternate_count, expected_short
):
    cycle = CycleFactory(year=2024, status=Cycle.Status.REVIEW, quorum=3)
    UserFactory(username="secretariat", roles=["Secretariat"])
    members = [UserFactory(username=f"panel{i}", roles=["Panel"]) for i in (1, 2, 3)]
    for i in range(alternate_count):
        PanelAlternate.objects.create(
            cycle=cycle, member=UserFactory(username=f"alternate{i}", roles=["Panel"])
        )
    alpha = _nominee(cycle, "Alpha")
    assignments = [AssignmentFactory(nomination=alpha, member=member) for member in members]

    def declare(index):
        return lambda: assignment_declare(
            assignment=assignments[index],
            user=members[index],
            declaration=Declaration.CONFLICT,
            reason="A conflict.",
        )

    assert run_at_once(declare(0), declare(1)) == ["ok", "ok"]

    counting = alpha.assignments.exclude(declaration=Declaration.CONFLICT).count()
    assert counting == 1 + alternate_count
    assert alpha.assignments.filter(member__username__startswith="alternate").count() == (
        alternate_count
    )
    assert Notification.objects.filter(kind=Kind.QUORUM_SHORT).count() == expected_short


# The pages


def _alert_at_top(response):
    text = response.text
    assert response.status_code == 200
    assert 'id="quorum-alert"' in text
    assert text.index('id="quorum-alert"') < text.index("<h1")
    return text


@pytest.fixture
def out_of_reach(cycle, members, secretariat):
    alpha = _nominee(cycle, "Alpha Cargo")
    for member in members:
        AssignmentFactory(nomination=alpha, member=member)
    Assignment.objects.filter(nomination=alpha, member=members[0]).update(
        declaration=Declaration.CONFLICT, conflict_reason="Kin"
    )
    return alpha


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url_name",
    [
        "awards:cycle-detail",
        "awards:panel-progress",
        "awards:ranking-detail",
        "awards:decision-list",
    ],
)
def test_every_page_of_the_cycle_says_so_at_the_top_with_the_fixes(
    client, secretariat, cycle, out_of_reach, url_name
):
    client.force_login(secretariat)
    text = _alert_at_top(client.get(reverse(url_name, args=[2024])))

    assert "1 nominee cannot reach the quorum of 3 reviews" in text
    assert "Alpha Cargo</a> (2 of 3 at best)" in text
    assert f'href="{reverse("awards:panel-progress", args=[2024])}#alternates"' in text
    assert "lower the quorum to 2" in text
    assert f'href="{reverse("awards:cycle-update", args=[2024])}"' in text


@pytest.mark.django_db
def test_the_progress_table_marks_the_nominee_out_of_reach(
    client, secretariat, cycle, out_of_reach
):
    client.force_login(secretariat)
    response = client.get(reverse("awards:panel-progress", args=[2024]))
    assert response.context["out_of_reach"] == {out_of_reach.pk}
    assert (
        '<a class="badge bg-danger text-decoration-none" href="#quorum-alert">out of reach</a>'
        in (response.text)
    )


@pytest.mark.django_db
def test_a_panel_member_sees_no_alert_on_the_ranking(client, cycle, members, out_of_reach):
    client.force_login(members[1])
    response = client.get(reverse("awards:ranking-detail", args=[2024]))
    assert response.status_code == 200
    assert response.context["quorum_alert"] is None
    assert 'id="quorum-alert"' not in response.text


@pytest.mark.django_db
def test_no_alert_once_the_quorum_is_lowered_or_the_cycle_finalised(
    client, secretariat, cycle, out_of_reach
):
    client.force_login(secretariat)
    Cycle.objects.filter(pk=cycle.pk).update(quorum=2)
    assert 'id="quorum-alert"' not in client.get(reverse("awards:cycle-detail", args=[2024])).text
    Cycle.objects.filter(pk=cycle.pk).update(quorum=3, status=Cycle.Status.FINALISED)
    assert 'id="quorum-alert"' not in client.get(reverse("awards:cycle-detail", args=[2024])).text


@pytest.mark.django_db
def test_the_progress_page_adds_and_removes_alternates(client, secretariat, cycle, members):
    client.force_login(secretariat)
    url = reverse("awards:panel-progress", args=[2024])
    assert "No alternate in this cycle." in client.get(url).text

    response = client.post(
        reverse("awards:panel-alternate-add", args=[2024]), {"member": members[2].pk}, follow=True
    )
    assert list(PanelAlternate.objects.values_list("member__username", flat=True)) == ["panel3"]
    assert [a.member for a in response.context["alternates"]] == [members[2]]
    choices = [
        value for value, _label in response.context["alternate_form"].fields["member"].choices
    ]
    assert members[2].pk not in [getattr(v, "value", v) for v in choices]

    client.post(reverse("awards:panel-alternate-remove", args=[2024, members[2].pk]))
    assert not PanelAlternate.objects.exists()


@pytest.mark.django_db
def test_an_unknown_member_is_refused_on_the_form(client, secretariat, cycle, officer):
    client.force_login(secretariat)
    response = client.post(
        reverse("awards:panel-alternate-add", args=[2024]), {"member": officer.pk}
    )
    assert response.status_code == 200
    assert response.context["alternate_form"].errors["member"]
    assert not PanelAlternate.objects.exists()


@pytest.mark.django_db
def test_without_any_conflict_a_panel_smaller_than_the_quorum_leaves_every_nominee_short(
    cycle, members
):
    # Two panel members for a quorum of 3: no nominee has declared a conflict, all fall short.
    members[2].groups.clear()
    first, second = _nominee(cycle, "Alpha Cargo"), _nominee(cycle, "Beta Freight")
    assert [(s.nomination, s.reachable) for s in quorum_alert(cycle).nominees] == [
        (first, 2),
        (second, 2),
    ]
    # With the third member back, nobody is short (only a conflict could make one so).
    members[2].groups.add(*members[0].groups.all())
    assert not quorum_alert(cycle)
