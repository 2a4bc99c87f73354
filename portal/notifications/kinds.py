"""How each kind of notification reads. Rendered from the stored parameters when shown, so
that the same notification reads in English or Chinese depending on who reads it and where
(the page in the UI language, the email in the recipient's)."""

import datetime

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from portal.i18n import in_active_language
from portal.models import Notification
from portal.roles import Role, has_role

Kind = Notification.Kind

# The statuses of a partner's report, as the partner sees them (issue 5, item 2).
REPORT_STATUSES = {
    "received": lambda: _("received"),
    "under_review": lambda: _("under review"),
    "acted_on": lambda: _("acted on"),
    # A report is closed (已結束); "closed" alone is also a deadline that has passed (已截止).
    "closed": lambda: pgettext("report status", "closed"),
}

# Who can receive which kind: the preferences page offers only these.
KIND_ROLES = {
    Kind.EVENT_VERIFIED: (Role.PARTNER,),
    Kind.REPORT_STATUS_CHANGED: (Role.PARTNER,),
    Kind.RESULTS_PUBLISHED: (Role.PARTNER,),
    Kind.CERTIFICATE_ISSUED: (Role.PARTNER,),
    Kind.EVENT_RETURNED: (Role.OFFICER,),
    Kind.VERIFICATION_DIGEST: (Role.VERIFIER,),
    Kind.PANEL_ASSIGNED: (Role.PANEL,),
    Kind.SCORING_DEADLINE: (Role.PANEL,),
    Kind.REVIEWS_COMPLETE: (Role.SECRETARIAT,),
}


def kinds_for(user) -> list[Kind]:
    return [kind for kind, roles in KIND_ROLES.items() if has_role(user, *roles)]


def _date(value: str) -> str:
    # Stored ISO (params are JSON), written as the reader's language writes dates.
    try:
        return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
    except (TypeError, ValueError):  # none recorded
        return value or ""


def _event_type(code: str) -> str:
    from partners.models import CooperationEvent

    return str(dict(CooperationEvent.EventType.choices).get(code, code))


def _enterprise(p) -> str:
    """The enterprise's name in the reader's language (notifications made before the Chinese
    name was stored have only the English one)."""
    return in_active_language(p["enterprise"], p.get("enterprise_zh", ""))


def _significance(code: str) -> str:
    from partners.models import CooperationEvent

    return str(dict(CooperationEvent.Significance.choices).get(code, code))


def _event_verified(p):
    title = _("Cooperation event verified")
    body = _(
        "Customs has verified a cooperation event of %(enterprise)s: %(type)s on %(date)s "
        "(%(significance)s)."
    ) % {
        "enterprise": _enterprise(p),
        "type": _event_type(p["event_type"]),
        "date": _date(p["occurred_on"]),
        "significance": _significance(p["significance"]),
    }
    if p.get("summary"):
        body += "\n\n" + p["summary"]
    return title, body


def _event_returned(p):
    title = _("Event returned to you")
    body = _(
        "Your event for %(enterprise)s (%(type)s on %(date)s) was returned. Reason: %(reason)s"
    ) % {
        "enterprise": _enterprise(p),
        "type": _event_type(p["event_type"]),
        "date": _date(p["occurred_on"]),
        "reason": p["reason"],
    }
    return title, body


def _report_status_changed(p):
    status = REPORT_STATUSES.get(p["status"], lambda: p["status"])()
    title = _("Report %(number)s: %(status)s") % {"number": p["number"], "status": status}
    body = _("The status of your report %(number)s is now: %(status)s.") % {
        "number": p["number"],
        "status": status,
    }
    return title, body


def _results_published(p):
    title = _("Award results %(year)s published") % {"year": p["year"]}
    body = _("The results of the %(year)s award cycle are published. See where you stand.") % {
        "year": p["year"]
    }
    return title, body


def _certificate_issued(p):
    title = _("Certificate %(serial)s issued") % {"serial": p["serial"]}
    body = _(
        "The certificate of your %(year)s award, %(serial)s, is issued and ready to download."
    ) % {"year": p["year"], "serial": p["serial"]}
    return title, body


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
        body += " " + _("Scoring closes at the end of %(date)s.") % {"date": _date(p["deadline"])}
    return title, body


def _scoring_deadline(p):
    title = _("Scoring closes on %(date)s") % {"date": _date(p["deadline"])}
    body = ngettext(
        "Scoring of the %(year)s award cycle closes at the end of %(date)s. You have "
        "%(remaining)s review still to submit.",
        "Scoring of the %(year)s award cycle closes at the end of %(date)s. You have "
        "%(remaining)s reviews still to submit.",
        p["remaining"],
    ) % {"year": p["year"], "date": _date(p["deadline"]), "remaining": p["remaining"]}
    return title, body


def _reviews_complete(p):
    title = _("All reviews in, %(year)s") % {"year": p["year"]}
    body = _(
        "Every expected panel review of the %(year)s award cycle is submitted (%(count)s "
        "reviews). The awards can be decided."
    ) % {"year": p["year"], "count": p["count"]}
    return title, body


def _verification_digest(p):
    title = _("Events awaiting verification: %(count)s") % {"count": p["count"]}
    body = ngettext(
        "%(count)s cooperation event is waiting for a verifier, since %(date)s.",
        "%(count)s cooperation events are waiting for a verifier; the oldest since %(date)s.",
        p["count"],
    ) % {"count": p["count"], "date": _date(p["oldest"])}
    return title, body


RENDERERS = {
    Kind.EVENT_VERIFIED: _event_verified,
    Kind.EVENT_RETURNED: _event_returned,
    Kind.REPORT_STATUS_CHANGED: _report_status_changed,
    Kind.RESULTS_PUBLISHED: _results_published,
    Kind.CERTIFICATE_ISSUED: _certificate_issued,
    Kind.PANEL_ASSIGNED: _panel_assigned,
    Kind.SCORING_DEADLINE: _scoring_deadline,
    Kind.REVIEWS_COMPLETE: _reviews_complete,
    Kind.VERIFICATION_DIGEST: _verification_digest,
}


def render(notification: Notification) -> tuple[str, str]:
    """(title, body) in the active language."""
    return RENDERERS[notification.kind](notification.params)
