"""The partners app's notifications: its kinds, how each reads, and the triggers the services
call inside their transaction, with one line. The parameters hold only what the recipients may
read: for partners, never an event's title, restricted details, logger or verifier."""

from django.db.models import TextChoices
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, pgettext

from partners.filters import AWAITING_VERIFICATION
from partners.models import CooperationEvent, Membership
from portal.auth import person_name
from portal.clock import today
from portal.notifications.kinds import enterprise_name, notification_kind, readable_date
from portal.notifications.services import notify, users_with_role
from portal.roles import Role


class Kind(TextChoices):
    EVENT_VERIFIED = (
        "event_verified",
        gettext_lazy("A cooperation event of your enterprise is verified"),
    )
    EVENT_RETURNED = "event_returned", gettext_lazy("An event you logged is returned")
    EVENT_VERIFIED_WITH_COMMENT = (
        "event_verified_comment",
        gettext_lazy("A verifier comments on an event you logged"),
    )
    REPORT_STATUS_CHANGED = "report_status_changed", gettext_lazy("The status of a report changes")
    VERIFICATION_DIGEST = "verification_digest", gettext_lazy("Daily digest of events to verify")


# The statuses of a partner's report, as the partner sees them (docs/partners.md).
REPORT_STATUSES = {
    "received": lambda: _("received"),
    "under_review": lambda: _("under review"),
    "acted_on": lambda: _("acted on"),
    # A report is closed (已結束); "closed" alone is also a deadline that has passed (已截止).
    "closed": lambda: pgettext("report status", "closed"),
}


def _event_type(code: str) -> str:
    return str(dict(CooperationEvent.EventType.choices).get(code, code))


def _significance(code: str) -> str:
    return str(dict(CooperationEvent.Significance.choices).get(code, code))


# How each kind reads


@notification_kind(Kind.EVENT_VERIFIED, roles=(Role.PARTNER,))
def _event_verified(p):
    title = _("Cooperation event verified")
    body = _(
        "Customs has verified a cooperation event of %(enterprise)s: %(type)s on %(date)s "
        "(%(significance)s)."
    ) % {
        "enterprise": enterprise_name(p),
        "type": _event_type(p["event_type"]),
        "date": readable_date(p["occurred_on"]),
        "significance": _significance(p["significance"]),
    }
    if p.get("summary"):
        body += "\n\n" + p["summary"]
    return title, body


@notification_kind(Kind.EVENT_RETURNED, roles=(Role.OFFICER,))
def _event_returned(p):
    title = _("Event returned to you")
    body = _(
        "Your event for %(enterprise)s (%(type)s on %(date)s) was returned. Reason: %(reason)s"
    ) % {
        "enterprise": enterprise_name(p),
        "type": _event_type(p["event_type"]),
        "date": readable_date(p["occurred_on"]),
        "reason": p["reason"],
    }
    return title, body


@notification_kind(Kind.EVENT_VERIFIED_WITH_COMMENT, roles=(Role.OFFICER,))
def _event_verified_with_comment(p):
    title = _("Event verified, with a comment")
    body = _(
        "Your event for %(enterprise)s (%(type)s on %(date)s) was verified by %(verifier)s, "
        "who comments: %(comment)s"
    ) % {
        "enterprise": enterprise_name(p),
        "type": _event_type(p["event_type"]),
        "date": readable_date(p["occurred_on"]),
        "verifier": p["verifier"],
        "comment": p["comment"],
    }
    return title, body


@notification_kind(Kind.REPORT_STATUS_CHANGED, roles=(Role.PARTNER,))
def _report_status_changed(p):
    status = REPORT_STATUSES.get(p["status"], lambda: p["status"])()
    title = _("Report %(number)s: %(status)s") % {"number": p["number"], "status": status}
    body = _("The status of your report %(number)s is now: %(status)s.") % {
        "number": p["number"],
        "status": status,
    }
    return title, body


@notification_kind(Kind.VERIFICATION_DIGEST, roles=(Role.VERIFIER,))
def _verification_digest(p):
    title = _("Events awaiting verification: %(count)s") % {"count": p["count"]}
    body = ngettext(
        "%(count)s cooperation event is waiting for a verifier, since %(date)s.",
        "%(count)s cooperation events are waiting for a verifier; the oldest since %(date)s.",
        p["count"],
    ) % {"count": p["count"], "date": readable_date(p["oldest"])}
    return title, body


# Triggers


def partner_users(enterprise_ids) -> list:
    """The active users of the enterprises (a list or a subquery of their ids)."""
    return [m.user for m in partner_memberships(enterprise_ids)]


def partner_memberships(enterprise_ids):
    return (
        Membership.objects.active().filter(enterprise_id__in=enterprise_ids).select_related("user")
    )


def event_verified(*, event: CooperationEvent) -> None:
    """The partner users of the event's enterprise: its partner-visible summary only."""
    notify(
        Kind.EVENT_VERIFIED,
        partner_users([event.enterprise_id]),
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
        link=reverse("my-enterprise"),
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


def event_verified_with_comment(*, event: CooperationEvent, comment: str) -> None:
    """The officer who logged it: who verified it and their comment (staff reading staff)."""
    notify(
        Kind.EVENT_VERIFIED_WITH_COMMENT,
        [event.logged_by],
        {
            "event": event.pk,
            "enterprise": event.enterprise.name_en,
            "enterprise_zh": event.enterprise.name_zh,
            "event_type": event.event_type,
            "occurred_on": event.occurred_on.isoformat(),
            "verifier": person_name(event.verified_by),
            "comment": comment,
        },
        link=event.get_absolute_url(),
    )


def report_status_changed(*, report) -> None:
    """The partner users of the report's enterprise: its acknowledgement number and new
    status, never the officers' notes (the closing note is one of them)."""
    notify(
        Kind.REPORT_STATUS_CHANGED,
        partner_users([report.enterprise_id]),
        {"number": report.acknowledgement_number, "status": report.status},
        link=reverse("partners:my-report-detail", args=[report.pk]),
    )


# Daily, from Celery beat (partners/tasks.py). The key carries the date: a second run the same
# day finds every notification already there and sends nothing.


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
