"""What happens in the services that people are told about. Each function is called inside
the service's transaction, with one line, and builds the parameters from fields the
recipients may read: for partners, never an event's title, restricted details, logger or
verifier."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from partners.filters import AWAITING_VERIFICATION
from partners.models import CooperationEvent, Membership
from portal.models import Notification
from portal.notifications.services import notify, today, users_with_role
from portal.roles import Role

Kind = Notification.Kind


def _partner_users(enterprise_ids) -> list:
    return [m.user for m in _memberships(enterprise_ids)]


def _memberships(enterprise_ids):
    return (
        Membership.objects.active().filter(enterprise_id__in=enterprise_ids).select_related("user")
    )


def event_verified(*, event: CooperationEvent) -> None:
    """The partner users of the event's enterprise: its partner-visible summary only."""
    notify(
        Kind.EVENT_VERIFIED,
        _partner_users([event.enterprise_id]),
        {
            "event": event.pk,
            "enterprise": event.enterprise.name_en,
            "enterprise_zh": event.enterprise.name_zh,
            "event_type": event.event_type,
            "occurred_on": event.occurred_on.isoformat(),
            "significance": event.significance,
            "summary": event.partner_summary,
        },
        # The partner home lists its verified events (the event's own page is for staff).
        link=reverse("partners:my-enterprise"),
    )


def event_returned(*, event: CooperationEvent) -> None:
    """The officer who logged it, with the reason."""
    notify(
        Kind.EVENT_RETURNED,
        [event.logged_by],
        {
            "event": event.pk,
            "enterprise": event.enterprise.name_en,
            "enterprise_zh": event.enterprise.name_zh,
            "event_type": event.event_type,
            "occurred_on": event.occurred_on.isoformat(),
            "reason": event.return_reason,
        },
        link=event.get_absolute_url(),
    )


def report_status_changed(*, report) -> None:
    """The partner users of the report's enterprise: its acknowledgement number and new
    status, never the officers' notes (the closing note is one of them)."""
    notify(
        Kind.REPORT_STATUS_CHANGED,
        _partner_users([report.enterprise_id]),
        {"number": report.acknowledgement_number, "status": report.status},
        link=reverse("partners:my-report-detail", args=[report.pk]),
    )


def results_published(*, cycle) -> None:
    """Every partner user of the cycle's nominees (awardees among them); and the awardees'
    certificates issued before publication, which partners are told of only now."""
    from awards.models import Certificate, Nomination

    nominees = Nomination.objects.filter(cycle=cycle).active().values_list("enterprise_id")
    notify(
        Kind.RESULTS_PUBLISHED,
        _partner_users(nominees),
        {"year": cycle.year},
        link=reverse("partners:my-enterprise"),
        key=f"results_published:{cycle.pk}",
    )
    certificates_issued(
        cycle=cycle,
        certificates=Certificate.objects.filter(
            result__nomination__cycle=cycle, status=Certificate.Status.ISSUED
        ).select_related("result__nomination"),
    )


def certificates_issued(*, cycle, certificates) -> None:
    """The partner users of each certificate's enterprise, once the cycle is published
    (results_published tells them of those issued before)."""
    if cycle.status != cycle.Status.PUBLISHED:
        return
    certificates = list(certificates)
    enterprise_of = {c.pk: c.result.nomination.enterprise_id for c in certificates}
    users = {}
    for membership in _memberships(set(enterprise_of.values())):
        users.setdefault(membership.enterprise_id, []).append(membership.user)
    for certificate in certificates:
        notify(
            Kind.CERTIFICATE_ISSUED,
            users.get(enterprise_of[certificate.pk], []),
            {"year": cycle.year, "serial": certificate.serial},
            link=reverse("awards:my-certificates"),
            key=f"certificate_issued:{certificate.pk}",
        )


def panel_assigned(*, cycle, assignments) -> None:
    """Each member given new assignments, once for all of them."""
    counts = {}
    for assignment in assignments:
        counts.setdefault(assignment.member, 0)
        counts[assignment.member] += 1
    deadline = cycle.scoring_deadline.isoformat() if cycle.scoring_deadline else ""
    for member, count in counts.items():
        notify(
            Kind.PANEL_ASSIGNED,
            [member],
            {"year": cycle.year, "count": count, "deadline": deadline},
            link=reverse("awards:panel-home"),
        )


def review_submitted(*, review) -> None:
    """The secretariat, when the review just submitted was the last one expected in its
    cycle. The caller holds the cycle's row lock (ensure_cycle_editable), so two last reviews
    submitted at once cannot both miss, or both see, the completion."""
    from awards.models import Assignment, Nomination, Review

    if review.status != Review.Status.SUBMITTED:
        return
    cycle = review.assignment.nomination.cycle
    expected = Assignment.objects.filter(
        nomination__cycle=cycle, nomination__status=Nomination.Status.ACTIVE
    ).exclude(declaration=Assignment.Declaration.CONFLICT)
    tally = expected.aggregate(
        expected=Count("pk"), submitted=Count("pk", filter=Q(review__status="submitted"))
    )
    if tally["expected"] != tally["submitted"]:
        return
    notify(
        Kind.REVIEWS_COMPLETE,
        users_with_role(Role.SECRETARIAT),
        {"year": cycle.year, "count": tally["submitted"]},
        link=reverse("awards:panel-progress", args=[cycle.year]),
        key=f"reviews_complete:{cycle.pk}:{tally['submitted']}",
    )


# Daily, from Celery beat (portal/tasks.py). Keys carry the date: a second run the same day
# finds every notification already there and sends nothing.


def verification_digest() -> int:
    """Each verifier: how many submitted events await a verifier other than their logger."""
    day = today()
    sent = 0
    waiting = CooperationEvent.objects.filter(status=CooperationEvent.Status.SUBMITTED)
    for verifier in users_with_role(Role.VERIFIER):
        theirs = waiting.exclude(logged_by=verifier).order_by("submitted_at")
        count = theirs.count()
        if not count:
            continue
        oldest = theirs.values_list("submitted_at", flat=True).first()
        oldest_day = timezone.localdate(oldest).isoformat() if oldest else ""
        sent += len(
            notify(
                Kind.VERIFICATION_DIGEST,
                [verifier],
                {"count": count, "oldest": oldest_day},
                link=f"{reverse('partners:event-list')}?{AWAITING_VERIFICATION}",
                key=f"verification_digest:{day.isoformat()}",
            )
        )
    return sent


def scoring_deadline_reminders(days_before: int = 2) -> int:
    """Panel members with reviews still to submit, `days_before` days before a cycle's
    scoring deadline (Hong Kong date)."""
    import datetime

    from awards.models import Assignment, Cycle, Nomination
    from awards.services.panel import hong_kong_today

    deadline = hong_kong_today() + datetime.timedelta(days=days_before)
    sent = 0
    for cycle in Cycle.objects.filter(status=Cycle.Status.REVIEW, scoring_deadline=deadline):
        outstanding = (
            Assignment.objects.filter(
                nomination__cycle=cycle,
                nomination__status=Nomination.Status.ACTIVE,
                member__is_active=True,
            )
            .exclude(declaration=Assignment.Declaration.CONFLICT)
            .exclude(review__status="submitted")
            .select_related("member")
        )
        remaining = {}
        for assignment in outstanding:
            remaining.setdefault(assignment.member, 0)
            remaining[assignment.member] += 1
        for member, count in remaining.items():
            sent += len(
                notify(
                    Kind.SCORING_DEADLINE,
                    [member],
                    {"year": cycle.year, "deadline": deadline.isoformat(), "remaining": count},
                    link=reverse("awards:panel-home"),
                    key=f"scoring_deadline:{cycle.pk}:{deadline.isoformat()}",
                )
            )
    return sent
