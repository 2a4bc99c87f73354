"""The partners app's models, one module per sub-domain."""

from partners.models.alerts import AlertBatch
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
from partners.models.manifests import Manifest, ManifestLine, ManifestMatch
from partners.models.reports import (
    PartnerReport,
    ReportAttachment,
    ReportCounter,
    ReportNote,
    ShipmentReference,
)
from partners.models.uploads import CheckedUpload

__all__ = [
    "AlertBatch",
    "INTELLECTUAL_PROPERTY_SECTORS",
    "CheckedUpload",
    "CooperationEvent",
    "EnforcementFlag",
    "Enterprise",
    "EventMonthCount",
    "EvidenceFile",
    "Invitation",
    "Manifest",
    "ManifestLine",
    "ManifestMatch",
    "Membership",
    "PartnerReport",
    "ReportAttachment",
    "ReportCounter",
    "ReportNote",
    "Sector",
    "ShipmentReference",
    "br_number_validator",
]
