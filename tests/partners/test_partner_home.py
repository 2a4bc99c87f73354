"""The partner home (my-enterprise): a partner's own profile, verified events, counts
per type and year, published award results, and its standing band while a cycle is open."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from awards.models import Certificate, Cycle, NominationResult
from awards.selectors.standing import Band, standing_band
from partners.models import CooperationEvent
from tests.awards.certificate_data import awarded_result, certificate_of
from tests.awards.factories import CycleFactory, NominationFactory
from tests.factories import EnterpriseFactory, EventFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/my-enterprise/"
MARKER = "RESTRICTED-MARKER-7f3a"
EventType = CooperationEvent.EventType


@pytest.fixture
def logger():
    return UserFactory(username="logger-x1", first_name="Loggerina", roles=["Officer"])


@pytest.fixture
def checker():
    return UserFactory(username="checker-x2", first_name="Checkerton", roles=["Verifier"])


def verified(enterprise, logger, checker, **fields):
    return EventFactory(
        enterprise=enterprise, logged_by=logger, verified=True, verified_by=checker, **fields
    )


def get(client, user, url=URL):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_page_shows_the_enterprises_profile(client, partner_user, enterprise):
    enterprise.contact_name, enterprise.contact_email = "Mei Chan", "mei@pgt.example"
    enterprise.save()
    html = get(client, partner_user).text
    for text in (enterprise.name_en, enterprise.name_zh, enterprise.br_number, "Cargo terminal",
                 "Mei Chan", "mei@pgt.example"):  # fmt: skip
        assert text in html


def test_a_partner_sees_exactly_its_verified_events_most_recent_first(
    client, partner_user, enterprise, other_enterprise, logger, checker
):
    old = verified(enterprise, logger, checker, occurred_on=datetime.date(2023, 3, 1),
                   partner_summary="Shown summary A")  # fmt: skip
    new = verified(enterprise, logger, checker, occurred_on=datetime.date(2025, 2, 1),
                   partner_summary="Shown summary B")  # fmt: skip
    hidden = [
        EventFactory(enterprise=enterprise, logged_by=logger, partner_summary="Hidden draft"),
        EventFactory(
            enterprise=enterprise,
            logged_by=logger,
            submitted=True,
            partner_summary="Hidden submitted",
        ),  # fmt: skip
        EventFactory(
            enterprise=enterprise,
            logged_by=logger,
            status="returned",
            partner_summary="Hidden returned",
        ),  # fmt: skip
        EventFactory(
            enterprise=enterprise,
            logged_by=logger,
            status="withdrawn",
            partner_summary="Hidden withdrawn",
        ),  # fmt: skip
        verified(other_enterprise, logger, checker, partner_summary="Hidden other enterprise"),
    ]
    response = get(client, partner_user)
    assert list(response.context["page"]) == [new, old]
    for event in hidden:
        assert event.partner_summary not in response.text
    assert "Shown summary A" in response.text and "Shown summary B" in response.text


def test_events_are_paginated(client, partner_user, enterprise, logger, checker):
    for day in range(1, 28):
        verified(enterprise, logger, checker, occurred_on=datetime.date(2024, 1, day))
    first = get(client, partner_user).context["page"]
    second = get(client, partner_user, f"{URL}?page=2").context["page"]
    assert (len(first), len(second)) == (25, 2)
    assert second[1].occurred_on == datetime.date(2024, 1, 1)


def test_restricted_details_and_who_logged_or_verified_never_appear(
    client, partner_user, enterprise, logger, checker
):
    verified(
        enterprise,
        logger,
        checker,
        title=f"{MARKER} title",
        restricted_details=f"{MARKER} details",
        return_reason=f"{MARKER} return",
        withdrawal_reason=f"{MARKER} withdrawal",
        seizure_value_hkd=Decimal("987654.32"),
        cases=4817,
        arrests=3929,
        partner_summary="Helped us with a shipment.",
    )
    html = get(client, partner_user).text
    assert "Helped us with a shipment." in html
    for secret in (MARKER, "987654", "987,654", "4817", "3929", "Loggerina", "logger-x1",
                   "Checkerton", "checker-x2"):  # fmt: skip
        assert secret not in html


def test_counts_per_type_and_year_in_one_query_with_a_table_and_chart_data(
    client, partner_user, enterprise, other_enterprise, logger, checker
):
    for occurred_on, event_type in [
        (datetime.date(2023, 5, 1), EventType.TRAINING),
        (datetime.date(2024, 5, 1), EventType.TRAINING),
        (datetime.date(2024, 6, 1), EventType.TRAINING),
        (datetime.date(2024, 7, 1), EventType.INTELLIGENCE_TIP),
    ]:
        verified(enterprise, logger, checker, occurred_on=occurred_on, event_type=event_type)
    EventFactory(enterprise=enterprise, logged_by=logger, submitted=True)  # not counted
    verified(other_enterprise, logger, checker, event_type=EventType.CONTROLLED_DELIVERY)
    response = get(client, partner_user)
    counts = response.context["counts"]
    assert counts.types == [
        (EventType.INTELLIGENCE_TIP, "Intelligence tip"),
        (EventType.TRAINING, "Training programme"),
    ]
    assert counts.rows == [(2023, [0, 1]), (2024, [1, 2])]
    assert response.context["chart_data"] == {
        "labels": ["2023", "2024"],
        "datasets": [
            {"label": "Intelligence tip", "data": [0, 1]},
            {"label": "Training programme", "data": [1, 2]},
        ],
    }
    html = response.text
    assert '<script id="event-counts-data" type="application/json">' in html
    assert 'id="event-counts-table"' in html and "visually-hidden" in html
    assert 'src="/static/vendor/chartjs/chart.umd.js"' in html
    assert 'src="/static/js/charts.js"' in html


def test_the_page_has_no_inline_script_or_style(client, partner_user, enterprise, logger, checker):
    verified(enterprise, logger, checker)
    response = get(client, partner_user)
    for tag in re.findall(r"<script[^>]*>", response.text):
        assert "src=" in tag or 'type="application/json"' in tag
    assert "style=" not in response.text
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]


# Standing in an open cycle


def open_cycle_with_nominees(partner_enterprise, logger, checker, *, partner_rank, nominees=10):
    """A cycle in panel review whose only rule gives 10 points per routine controlled delivery
    (cap 100): the nominee ranked r has 11 − r events, so its cooperation score is 10 × (11 − r).
    """
    cycle = CycleFactory(
        year=2025, status=Cycle.Status.REVIEW, rules={EventType.CONTROLLED_DELIVERY: (10, 100)}
    )
    for rank in range(1, nominees + 1):
        enterprise = (
            partner_enterprise
            if rank == partner_rank
            else EnterpriseFactory(name_en=f"Rival Nominee {rank} Limited")
        )
        NominationFactory(cycle=cycle, enterprise=enterprise)
        for day in range(1, nominees + 2 - rank):
            verified(enterprise, logger, checker, event_type=EventType.CONTROLLED_DELIVERY,
                     occurred_on=datetime.date(2025, 3, day))  # fmt: skip
    return cycle


@pytest.mark.parametrize(
    ("rank", "nominees", "band"),
    [
        (1, 10, Band.TOP_10),
        (2, 10, Band.TOP_25),
        (3, 10, Band.TOP_25),
        (4, 10, Band.TOP_50),
        (5, 10, Band.TOP_50),
        (6, 10, Band.BELOW),
        (10, 10, Band.BELOW),
        (1, 1, Band.TOP_10),
        (2, 20, Band.TOP_10),
        (3, 20, Band.TOP_25),
        (5, 20, Band.TOP_25),
        (6, 20, Band.TOP_50),
        (10, 20, Band.TOP_50),
        (11, 20, Band.BELOW),
        (2, 2, Band.BELOW),
    ],
)
def test_the_band_is_the_best_rounded_up_share_of_the_field(rank, nominees, band):
    assert standing_band(rank, nominees) == band


@pytest.mark.parametrize(
    ("rank", "label"),
    [(1, "top 10 %"), (2, "top 25 %"), (3, "top 25 %"), (5, "top 50 %"), (6, "below the top 50 %")],
)
def test_an_open_cycle_shows_the_band_and_nothing_of_the_other_nominees(
    client, partner_user, enterprise, logger, checker, rank, label
):
    open_cycle_with_nominees(enterprise, logger, checker, partner_rank=rank)
    response = get(client, partner_user)
    standing = response.context["standing"]
    assert standing.band.label == label
    assert f"<strong>{label}</strong>" in response.text
    assert "Rival Nominee" not in response.text
    # Its own numbers only: 11 − rank events of 10 points, out of a cap of 100.
    own = Decimal(10 * (11 - rank))
    assert [(c.event_type, c.points, c.cap) for c in standing.categories] == [
        (EventType.CONTROLLED_DELIVERY, own, Decimal(100))
    ]
    assert standing.cooperation_score == own
    # The other nominees' scores (100.00 aside: it is also the cap shown beside the points).
    others = {f"{10 * (11 - r)}.00" for r in range(2, 11) if r != rank}
    section = response.text.split('id="standing"')[1].split("</section>")[0]
    assert not [score for score in others if score in section]


def test_the_standing_lists_the_categories_in_the_order_of_every_other_table(
    client, partner_user, enterprise
):
    # Issue 14: they came in the codes' alphabetical order (the cycle's rules', by code).
    cycle = CycleFactory(year=2025, status=Cycle.Status.NOMINATIONS)
    NominationFactory(cycle=cycle, enterprise=enterprise)
    standing = get(client, partner_user).context["standing"]
    assert [c.event_type for c in standing.categories] == EventType.values
    section = get(client, partner_user).text.split('id="standing"')[1]
    shown = [section.index(f">{label}</th>") for label in EventType.labels]
    assert shown == sorted(shown)


def test_tied_nominees_share_the_better_band(client, partner_user, enterprise, logger, checker):
    cycle = CycleFactory(year=2025, status=Cycle.Status.NOMINATIONS)
    NominationFactory(cycle=cycle, enterprise=enterprise)
    for _n in range(3):  # four nominees, all without events: everyone ranks 1st
        NominationFactory(cycle=cycle, enterprise=EnterpriseFactory())
    assert get(client, partner_user).context["standing"].band == Band.TOP_10


def test_no_standing_without_an_active_nomination_in_an_open_cycle(
    client, partner_user, enterprise, other_enterprise
):
    cycle = CycleFactory(year=2025, status=Cycle.Status.NOMINATIONS)
    NominationFactory(cycle=cycle, enterprise=other_enterprise)
    NominationFactory(cycle=CycleFactory(year=2026), enterprise=enterprise)  # draft cycle
    response = get(client, partner_user)
    assert response.context["standing"] is None
    assert 'id="standing"' not in response.text
    withdrawn = NominationFactory(cycle=cycle, enterprise=enterprise, status="withdrawn")
    assert withdrawn.pk and get(client, partner_user).context["standing"] is None


# Published results


def test_after_publication_the_result_scores_and_certificate_show(
    client, partner_user, enterprise, secretariat
):
    published = CycleFactory(year=2024, status=Cycle.Status.PUBLISHED)
    result = awarded_result(published, enterprise, nominated_by=secretariat)
    certificate = certificate_of(result, serial="EEPA-2024-0007")
    finalised = CycleFactory(year=2025, status=Cycle.Status.FINALISED)
    unpublished = awarded_result(finalised, enterprise, nominated_by=secretariat)
    NominationResult.objects.filter(pk=unpublished.pk).update(final_score=Decimal("55.55"))
    certificate_of(unpublished, serial="EEPA-2025-0001")
    response = get(client, partner_user)
    history = response.context["history"]
    assert [(row.cycle, row.result, row.certificates) for row in history.results] == [
        (published, result, [certificate])
    ]
    html = response.text
    section = html.split('id="awards"')[1].split("</section>")[0]
    assert "Awarded" in section
    assert "80.00" in section and "70.00" in section and "76.00" in section
    assert reverse("awards:certificate-download", args=[certificate.pk]) in section
    assert reverse("awards:my-certificates") in section
    assert "55.55" not in html and "EEPA-2025-0001" not in html
    assert 'id="standing"' not in html  # finalised: no longer open, not yet published


def test_a_published_result_not_awarded_shows_as_such(
    client, partner_user, enterprise, secretariat
):
    cycle = CycleFactory(year=2024, status=Cycle.Status.PUBLISHED)
    result = awarded_result(cycle, enterprise, nominated_by=secretariat)
    NominationResult.objects.filter(pk=result.pk).update(awarded=False)
    section = get(client, partner_user).text.split('id="awards"')[1].split("</section>")[0]
    assert "Not awarded" in section


def test_the_streak_counts_consecutive_published_awards(
    client, partner_user, enterprise, secretariat
):
    for year in (2022, 2023, 2024):
        cycle = CycleFactory(year=year, status=Cycle.Status.PUBLISHED)
        result = awarded_result(cycle, enterprise, nominated_by=secretariat)
        if year == 2022:
            NominationResult.objects.filter(pk=result.pk).update(awarded=False)
    response = get(client, partner_user)
    assert response.context["history"].streak == 2
    assert "Current streak: 2 awards in a row." in response.text


def test_revoked_certificates_are_not_offered(client, partner_user, enterprise, secretariat):
    cycle = CycleFactory(year=2024, status=Cycle.Status.PUBLISHED)
    result = awarded_result(cycle, enterprise, nominated_by=secretariat)
    certificate_of(result, serial="EEPA-2024-0003", status=Certificate.Status.REVOKED,
                   revoked_by=secretariat, revocation_reason="Misspelt.")  # fmt: skip
    assert "EEPA-2024-0003" not in get(client, partner_user).text


# Scope


def test_partner2_sees_nothing_of_partner1(
    client, partner_user, other_partner_user, enterprise, logger, checker, secretariat
):
    verified(enterprise, logger, checker, partner_summary="Partner one's summary")
    cycle = CycleFactory(year=2024, status=Cycle.Status.PUBLISHED)
    certificate_of(awarded_result(cycle, enterprise, nominated_by=secretariat),
                   serial="EEPA-2024-0001")  # fmt: skip
    open_cycle = CycleFactory(year=2025, status=Cycle.Status.REVIEW)
    NominationFactory(cycle=open_cycle, enterprise=enterprise)
    response = get(client, other_partner_user)
    assert response.context["enterprise"] == other_partner_user.membership.enterprise
    for text in (enterprise.name_en, enterprise.name_zh, enterprise.br_number,
                 "Partner one's summary", "EEPA-2024-0001", "80.00"):  # fmt: skip
        assert text not in response.text
    assert response.context["standing"] is None
    assert response.context["history"].results == []


def test_an_inactive_membership_sees_nothing(client, partner_user, enterprise):
    partner_user.membership.is_active = False
    partner_user.membership.save()
    client.force_login(partner_user)
    assert client.get(URL).status_code == 403


def test_staff_have_no_partner_home(client, secretariat):
    client.force_login(secretariat)
    assert client.get(URL).status_code == 403


# Queries


def _data(enterprise, other_enterprise, logger, checker, secretariat, size):
    """`size` verified events a year over `size` years, `size` published cycles with a
    certificate each, and an open cycle with `size` + 1 nominees."""
    for year in range(2024 - size, 2024):
        for n in range(size):
            verified(enterprise, logger, checker, occurred_on=datetime.date(year, 3, n + 1),
                     event_type=list(EventType)[n % len(EventType)])  # fmt: skip
        cycle = CycleFactory(year=year, status=Cycle.Status.PUBLISHED)
        certificate_of(awarded_result(cycle, enterprise, nominated_by=secretariat),
                       serial=f"EEPA-{year}-0001")  # fmt: skip
    open_cycle = CycleFactory(year=2025, status=Cycle.Status.REVIEW)
    NominationFactory(cycle=open_cycle, enterprise=enterprise)
    for _n in range(size):
        NominationFactory(cycle=open_cycle, enterprise=EnterpriseFactory())


QUERIES = 16  # session, user, roles, enterprise, counts, events (2), standing (4), history (5)


@pytest.mark.parametrize("size", [1, 6])
def test_the_query_count_does_not_grow_with_the_data(
    client, django_assert_num_queries, partner_user, enterprise, other_enterprise, logger,
    checker, secretariat, size,
):  # fmt: skip
    _data(enterprise, other_enterprise, logger, checker, secretariat, size)
    client.force_login(partner_user)
    with django_assert_num_queries(QUERIES):
        response = client.get(URL)
    assert response.status_code == 200
    assert len(response.context["history"].results) == size
    assert response.context["standing"] is not None


def test_a_second_member_of_the_enterprise_sees_the_same_home(client, partner_user, enterprise):
    colleague = MembershipFactory(enterprise=enterprise).user
    assert get(client, colleague).context["enterprise"] == enterprise


def test_managers_find_their_colleagues_from_the_home(client, partner_user):
    from django.urls import reverse

    link = f'href="{reverse("partners:colleagues")}"'
    client.force_login(partner_user)
    partner_user.membership.is_manager = False
    partner_user.membership.save()
    page = client.get(reverse("my-enterprise")).text
    assert link not in page
    assert f'href="{reverse("partners:report-submit")}"' in page
    partner_user.membership.is_manager = True
    partner_user.membership.save()
    assert link in client.get(reverse("my-enterprise")).text
