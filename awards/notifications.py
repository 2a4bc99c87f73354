"""The awards app's notifications: its kinds, how each reads, and the triggers the services
call inside their transaction, with one line. Partners are told only what they may read."""

import datetime

from django.db.models import Count, Q, TextChoices
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from awards.models import Assignment, Certificate, Cycle, Nomination, Review
from partners.notifications import partner_memberships, partner_users
from portal.auth import person_name
from portal.clock import today
from portal.notifications.kinds import enterprise_name, notification_kind, readable_date
from portal.notifications.services import notify, users_with_role
from portal.roles import Role


class Kind(TextChoices):
    RESULTS_PUBLISHED = "results_published", gettext_lazy("Award results are published")
    CERTIFICATE_ISSUED = "certificate_issued", gettext_lazy("A certificate is issued")
    PANEL_ASSIGNED = "panel_assigned", gettext_lazy("You are assigned nominees to review")
    SCORING_DEADLINE = "scoring_deadline", gettext_lazy("The scoring deadline is two days away")
    REVIEWS_COMPLETE = "reviews_complete", gettext_lazy("All reviews of a cycle are in")
    APPROVAL_AWAITED = (
        "approval_awaited",
        gettext_lazy("A finalised cycle awaits your approval of its publication"),
    )
    QUORUM_SHORT = "quorum_short", gettext_lazy("A nominee is left below the quorum")


# How each kind reads


@notification_kind(Kind.RESULTS_PUBLISHED, roles=(Role.PARTNER,))
def _results_published(p):
    title = _("Award results %(year)s published") % {"year": p["year"]}
    body = _("The results of the %(year)s award cycle are published. See where you stand.") % {
        "year": p["year"]
    }
    return title, body


@notification_kind(Kind.CERTIFICATE_ISSUED, roles=(Role.PARTNER,))
def _certificate_issued(p):
    title = _("Certificate %(serial)s issued") % {"serial": p["serial"]}
    body = _(
        "The certificate of your %(year)s award, %(serial)s, is issued and ready to download."
    ) % {"year": p["year"], "serial": p["serial"]}
    return title, body


@notification_kind(Kind.PANEL_ASSIGNED, roles=(Role.PANEL,))
def _panel_assigned(p):
    title = _("Nominees to review, %(year)s") % {"year": p["year"]}
    body = ngettext(
        "You were assigned %(count)s more nominee of the %(year)s award cycle. Declare any "
        "conflict of interest, then review it.",
        "You were assigned %(count)s more nominees of the %(year)s award cycle. Declare any "
        "conflict of interest, then review them.",
        p["count"],
    ) % {"count": p["count"], "year": p["year"]}
    if p.get("deadline"):
        body += " " + _("Scoring closes at the end of %(date)s.") % {
            "date": readable_date(p["deadline"])
        }
    return title, body


@notification_kind(Kind.SCORING_DEADLINE, roles=(Role.PANEL,))
def _scoring_deadline(p):
    title = _("Scoring closes on %(date)s") % {"date": readable_date(p["deadline"])}
    body = ngettext(
        "Scoring of the %(year)s award cycle closes at the end of %(date)s. You have "
        "%(remaining)s review still to submit.",
        "Scoring of the %(year)s award cycle closes at the end of %(date)s. You have "
        "%(remaining)s reviews still to submit.",
        p["remaining"],
    ) % {"year": p["year"], "date": readable_date(p["deadline"]), "remaining": p["remaining"]}
    return title, body


@notification_kind(Kind.REVIEWS_COMPLETE, roles=(Role.SECRETARIAT,))
def _reviews_complete(p):
    title = _("All reviews in, %(year)s") % {"year": p["year"]}
    body = _(
        "Every expected panel review of the %(year)s award cycle is submitted (%(count)s "
        "reviews). The awards can be decided."
    ) % {"year": p["year"], "count": p["count"]}
    return title, body


@notification_kind(Kind.APPROVAL_AWAITED, roles=(Role.SECRETARIAT,))
def _approval_awaited(p):
    title = _("The %(year)s results await your approval") % {"year": p["year"]}
    body = ngettext(
        "%(name)s finalised the %(year)s award cycle (%(awarded)s awardee). Another member of "
        "the secretariat must check the results and approve their publication (four eyes): "
        "you can.",
        "%(name)s finalised the %(year)s award cycle (%(awarded)s awardees). Another member of "
        "the secretariat must check the results and approve their publication (four eyes): "
        "you can.",
        p["awarded"],
    ) % {"name": p["finalised_by"], "year": p["year"], "awarded": p["awarded"]}
    return title, body


@notification_kind(Kind.QUORUM_SHORT, roles=(Role.SECRETARIAT,))
def _quorum_short(p):
    values = {
        "enterprise": enterprise_name(p),
        "year": p["year"],
        "counting": p["counting"],
        "quorum": p["quorum"],
        "reachable": p["reachable"],
    }
    title = _("%(enterprise)s is below the quorum (%(year)s)") % values
    body = (
        _(
            "Conflicts of interest leave %(enterprise)s with %(counting)s panel members of the "
            "quorum of %(quorum)s in the %(year)s award cycle, and no alternate is left to step in."
        )
        % values
    )
    if p["reachable"] >= p["quorum"]:
        body += " " + _("Assign the panel again to top it up with the members still free.")
    else:
        body += " " + (
            _(
                "It cannot reach the quorum (%(reachable)s at best), so it would stay pending and "
                "could not be awarded: add an alternate or a panel member, or lower the quorum."
            )
            % values
        )
    return title, body


# Triggers


def results_published(*, cycle: Cycle) -> None:
    """Every partner user of the cycle's nominees (awardees among them); and the awardees'
    certificates issued before publication, which partners are told of only now."""
    nominees = Nomination.objects.filter(cycle=cycle).active().values_list("enterprise_id")
    notify(
        Kind.RESULTS_PUBLISHED,
        partner_users(nominees),
        {"year": cycle.year},
        link=reverse("my-enterprise"),
        key=f"results_published:{cycle.pk}",
    )
    certificates_issued(
        cycle=cycle,
        certificates=Certificate.objects.filter(
            result__nomination__cycle=cycle, status=Certificate.Status.ISSUED
        ).select_related("result__nomination"),
    )


def approval_awaited(*, cycle: Cycle, awarded: int) -> None:
    """Every other active member of the secretariat, when `cycle` has just been finalised:
    one of them must approve its publication. Keyed by the finalisation, so a cycle reopened
    and finalised again asks again."""
    notify(
        Kind.APPROVAL_AWAITED,
        users_with_role(Role.SECRETARIAT).exclude(pk=cycle.finalised_by_id),
        {"year": cycle.year, "awarded": awarded, "finalised_by": person_name(cycle.finalised_by)},
        link=reverse("awards:cycle-publish", args=[cycle.year]),
        key=f"approval_awaited:{cycle.pk}:{cycle.finalised_at.isoformat()}",
    )


def quorum_short(*, cycle: Cycle, nomination: Nomination, counting: int, reachable: int) -> None:
    """Every active member of the secretariat, when conflicts leave a nominee below the quorum
    and no alternate is left: once per nominee and situation (a further conflict tells again)."""
    enterprise = nomination.enterprise
    notify(
        Kind.QUORUM_SHORT,
        users_with_role(Role.SECRETARIAT),
        {
            "year": cycle.year,
            "enterprise": enterprise.name_en,
            "enterprise_zh": enterprise.name_zh,
            "counting": counting,
            "quorum": cycle.quorum,
            "reachable": reachable,
        },
        link=reverse("awards:panel-progress", args=[cycle.year]),
        key=f"quorum_short:{nomination.pk}:{cycle.quorum}:{counting}:{reachable}",
    )


def certificates_issued(*, cycle: Cycle, certificates) -> None:
    """The partner users of each certificate's enterprise, once the cycle is published
    (results_published tells them of those issued before)."""
    if cycle.status != cycle.Status.PUBLISHED:
        return
    certificates = list(certificates)
    enterprise_of = {c.pk: c.result.nomination.enterprise_id for c in certificates}
    users = {}
    for membership in partner_memberships(set(enterprise_of.values())):
        users.setdefault(membership.enterprise_id, []).append(membership.user)
    for certificate in certificates:
        notify(
            Kind.CERTIFICATE_ISSUED,
            users.get(enterprise_of[certificate.pk], []),
            {"year": cycle.year, "serial": certificate.serial},
            link=reverse("awards:my-certificates"),
            key=f"certificate_issued:{certificate.pk}",
        )


def panel_assigned(*, cycle: Cycle, assignments) -> None:
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


def review_submitted(*, review: Review) -> None:
    """The secretariat, when the review just submitted was the last one expected in its
    cycle. The caller holds the cycle's row lock (ensure_cycle_editable), so two last reviews
    submitted at once cannot both miss, or both see, the completion."""
    if review.status != Review.Status.SUBMITTED:
        return
    cycle = review.assignment.nomination.cycle
    tally = (
        Assignment.objects.filter(nomination__cycle=cycle)
        .expected()
        .aggregate(
            expected=Count("pk"),
            submitted=Count("pk", filter=Q(review__status=Review.Status.SUBMITTED)),
        )
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


# Daily, from Celery beat (awards/tasks.py). The key carries the date: a second run the same
# day finds every notification already there and sends nothing.


def scoring_deadline_reminders(days_before: int = 2) -> int:
    """Panel members with reviews still to submit, `days_before` days before a cycle's
    scoring deadline (Hong Kong date)."""
    deadline = today() + datetime.timedelta(days=days_before)
    sent = 0
    for cycle in Cycle.objects.filter(status=Cycle.Status.REVIEW, scoring_deadline=deadline):
        outstanding = (
            Assignment.objects.filter(nomination__cycle=cycle, member__is_active=True)
            .expected()
            .exclude(review__status=Review.Status.SUBMITTED)
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
