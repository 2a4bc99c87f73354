"""The partners app's models, one module per sub-domain."""

from partners.models.enterprises import (
    INTELLECTUAL_PROPERTY_SECTORS,
    EnforcementFlag,
    Enterprise,
    Invitation,
    Membership,
    Sector,
    br_number_validator,
)
from partners.models.events import CooperationEvent, EventMonthCount, EvidenceFile
from partners.models.reports import PartnerReport, ReportAttachment, ReportCounter, ReportNote
from partners.models.uploads import CheckedUpload

__all__ = [
    "INTELLECTUAL_PROPERTY_SECTORS",
    "CheckedUpload",
    "CooperationEvent",
    "EnforcementFlag",
    "Enterprise",
    "EventMonthCount",
    "EvidenceFile",
    "Invitation",
    "Membership",
    "PartnerReport",
    "ReportAttachment",
    "ReportCounter",
    "ReportNote",
    "Sector",
    "br_number_validator",
]
