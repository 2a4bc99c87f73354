"""The statuses of the cooperation record, apart from the models so that the querysets can
filter by them: each model names its own (CooperationEvent.Status is EventStatus) and keeps its
sets of statuses (CooperationEvent.EDITABLE_STATUSES)."""

from django.utils.translation import gettext_lazy as _

from portal.choices import StatusChoices, badges


class EventStatus(StatusChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    VERIFIED = "verified", _("Verified")
    RETURNED = "returned", _("Returned")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    BADGES = badges(
        {
            "submitted": "text-bg-info",
            "verified": "text-bg-success",
            "returned": "text-bg-warning",
            "withdrawn": "text-bg-secondary",
        }
    )


class ReportStatus(StatusChoices):
    RECEIVED = "received", _("Received")
    UNDER_REVIEW = "under_review", _("Under review")
    ACTED_ON = "acted_on", _("Acted on")
    CLOSED = "closed", _("Closed")
    BADGES = badges(
        {
            "received": "text-bg-info",
            "under_review": "text-bg-warning",
            "acted_on": "text-bg-success",
            "closed": "text-bg-secondary",
        }
    )


# Waiting for an officer (PartnerReport.OPEN_STATUSES).
OPEN_REPORT_STATUSES = {ReportStatus.RECEIVED, ReportStatus.UNDER_REVIEW}
