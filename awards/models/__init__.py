"""The awards app's models, one module per sub-domain."""

from awards.models.certificates import (
    CeremonyEntry,
    Certificate,
    CertificateJob,
    CertificateRun,
    certificate_upload_to,
)
from awards.models.cycles import (
    DEFAULT_MULTIPLIERS,
    SCORE_MAX,
    SCORE_MIN,
    Cycle,
    EventType,
    EventTypeRule,
    PanelCriterion,
    Significance,
)
from awards.models.nominations import Nomination, NominationResult
from awards.models.panel import Assignment, PanelAlternate, Review, ReviewScore
from awards.models.scores import CooperationTally, NominationScore

__all__ = [
    "DEFAULT_MULTIPLIERS",
    "SCORE_MAX",
    "SCORE_MIN",
    "Assignment",
    "CeremonyEntry",
    "Certificate",
    "CertificateJob",
    "CertificateRun",
    "CooperationTally",
    "Cycle",
    "EventType",
    "EventTypeRule",
    "Nomination",
    "NominationResult",
    "NominationScore",
    "PanelAlternate",
    "PanelCriterion",
    "Review",
    "ReviewScore",
    "Significance",
    "certificate_upload_to",
]
