"""The statuses of the award cycles' records, apart from the models so that the querysets can
filter by them: each model names its own (Cycle.Status is CycleStatus) and keeps its sets of
statuses (Cycle.FROZEN_STATUSES)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.choices import StatusChoices, badges


class CycleStatus(StatusChoices):
    DRAFT = "draft", _("Draft")
    NOMINATIONS = "nominations", _("Nominations")
    REVIEW = "review", _("Panel review")
    FINALISED = "finalised", _("Finalised")
    PUBLISHED = "published", _("Published")
    BADGES = badges(
        {
            "nominations": "text-bg-info",
            "review": "text-bg-warning",
            "finalised": "text-bg-primary",
            "published": "text-bg-success",
        }
    )


# Finalised or published: the results are frozen (Cycle.FROZEN_STATUSES).
FROZEN_CYCLE_STATUSES = {CycleStatus.FINALISED, CycleStatus.PUBLISHED}


class NominationStatus(models.TextChoices):
    ACTIVE = "active", _("Nominated")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Declaration(models.TextChoices):
    PENDING = "pending", _("Not declared yet")
    NO_CONFLICT = "no_conflict", _("No conflict")
    CONFLICT = "conflict", _("Conflict of interest")


class AssignmentState(models.TextChoices):
    """Where a member stands on one nominee: kept on the assignment (Assignment.state) so that
    the panel home sorts and counts a member's thousands of nominees from one table. Derived
    from the declaration and the review's status (Assignment.state_of)."""

    DECLARE = "declare", _("To declare")
    REVIEW = "review", _("To review")  # no conflict declared, review not submitted
    SUBMITTED = "submitted", _("Submitted")
    RECUSED = "recused", _("Recused")


# Nothing left for the member to do on the nominee.
DONE_ASSIGNMENT_STATES = {AssignmentState.SUBMITTED, AssignmentState.RECUSED}


class ReviewStatus(StatusChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    BADGES = badges({"submitted": "text-bg-info"})


class CertificateStatus(models.TextChoices):
    # Serial and code reserved, PDF being rendered: invisible outside the certificates page.
    PENDING = "pending", _("Being generated")
    ISSUED = "issued", _("Issued")
    REVOKED = "revoked", _("Revoked")
