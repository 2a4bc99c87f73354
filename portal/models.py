import re

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.querysets import AuditEntryQuerySet

# What each audit action code means, in the reader's language.
ACTION_LABELS = {
    "partners.enterprise.created": _("Enterprise added"),
    "partners.enterprise.updated": _("Enterprise changed"),
    "partners.membership.created": _("Membership added"),
    "partners.membership.updated": _("Membership changed"),
    "partners.event.created": _("Event logged"),
    "partners.event.updated": _("Event changed"),
    "partners.event.evidence_added": _("Evidence added"),
    "partners.event.imported": _("Event imported"),
    "partners.event.submitted": _("Submitted for verification"),
    "partners.event.verified": _("Verified"),
    "partners.event.returned": _("Returned to the officer"),
    "partners.event.withdrawn": _("Withdrawn"),
    "partners.enforcement_flag.raised": _("Enforcement concern raised"),
    "partners.enforcement_flag.cleared": _("Enforcement concern cleared"),
    "partners.report.submitted": _("Report received"),
    "partners.report.under_review": _("Report taken under review"),
    "partners.report.note_added": _("Internal note added"),
    "partners.report.converted": _("Report turned into a cooperation event"),
    "partners.report.closed": _("Report closed"),
    "partners.invitation.sent": _("Invitation sent"),
    "partners.invitation.revoked": _("Invitation withdrawn"),
    "partners.invitation.accepted": _("Invitation accepted"),
    "partners.membership.deactivated": _("Colleague deactivated"),
    "partners.membership.reactivated": _("Colleague reactivated"),
    "awards.cycle.created": _("Cycle created"),
    "awards.cycle.updated": _("Cycle settings changed"),
    "awards.cycle.advanced": _("Cycle moved on"),
    "awards.cycle.reopened": _("Cycle reopened for review"),
    "awards.nomination.created": _("Nominated"),
    "awards.nomination.created_in_bulk": _("Nominated in bulk (at least this many events)"),
    "awards.nomination.reinstated": _("Nominated again"),
    "awards.nomination.withdrawn": _("Nomination withdrawn"),
    "awards.assignment.created": _("Assigned to the panel member"),
    "awards.assignment.declared": _("Declared on conflicts of interest"),
    "awards.review.saved": _("Review draft saved"),
    "awards.review.submitted": _("Review submitted"),
    "awards.nomination.decided": _("Award decision recorded"),
    "awards.cycle.suggestion_applied": _("Ranking suggestion applied"),
    "awards.cycle.finalised": _("Cycle finalised"),
    "awards.certificate.issued": _("Certificate issued"),
    "awards.certificate.revoked": _("Certificate revoked"),
    "awards.certificate.reissued": _("Certificate reissued"),
    "awards.cycle.ceremony_date_set": _("Ceremony date set"),
    "awards.certificate.generation_started": _("Certificate generation started"),
    "awards.cycle.published": _("Publication approved"),
    "awards.ceremony.entry_added": _("Added to the ceremony list"),
    "awards.ceremony.moved": _("Moved on the ceremony list"),
    "awards.ceremony.entry_updated": _("Ceremony details changed"),
    "awards.ceremony.reset": _("Ceremony list put back in the default order"),
}

# Audit changes recorded under a name that is not a model field (awards.services.cycles).
CHANGE_LABELS = {
    "event rules": _("event rules"),
    "panel criteria": _("panel criteria"),
    "frozen results": _("frozen results"),
    "ceremony list": _("ceremony list"),
}
# Notes the portal writes itself, stored as codes and shown in the reader's language; any other
# note is a person's words (a reason, a file name), shown as written.
NOTE_LABELS = {
    "admin": _("in the admin site"),
    "invitation": _("through an invitation"),
    "replaced": _("replaced by a new invitation"),
    "import_cycle": _("imported from a cycle file"),
    "all": _("every panel member reviews every nominee"),
}
# awards.services.panel: the balanced assignment and its maximum load.
BALANCED_NOTE = re.compile(r"balanced, max load (\d+)")


class AuditEntry(models.Model):
    """One recorded change: who did what to which object, and which fields changed."""

    action = models.CharField(_("action"), max_length=100, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("object type"), on_delete=models.PROTECT, related_name="+"
    )
    object_id = models.CharField(_("object ID"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=300)
    # {"field": [old, new]} as display strings, so entries stay readable after schema changes.
    changes = models.JSONField(_("changes"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.action} {self.object_repr}"

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def note_for_display(self) -> str:
        if balanced := BALANCED_NOTE.fullmatch(self.note):
            return _("balanced, at most %(load)s nominees per member") % {"load": balanced[1]}
        return NOTE_LABELS.get(self.note, self.note)

    def changes_for_display(self) -> list[tuple[str, str, str]]:
        """[(field label, old, new)] with choice codes shown as labels in the current language."""
        model = ContentType.objects.get_for_id(self.content_type_id).model_class()
        rows = []
        for name, (old, new) in self.changes.items():
            try:
                field = model._meta.get_field(name)
            except (FieldDoesNotExist, AttributeError):
                rows.append((CHANGE_LABELS.get(name, name), old, new))
                continue
            labels = dict(field.flatchoices) if field.choices else {}
            if isinstance(field, models.BooleanField):
                labels = {"True": _("Yes"), "False": _("No")}
            rows.append((field.verbose_name, labels.get(old, old), labels.get(new, new)))
        return rows


class Notification(models.Model):
    """Something a user should know. Title and body are rendered from `kind` and `params` when
    shown (portal.notifications.kinds), in the reader's language; params hold only what the
    recipient may read, never an event's restricted details."""

    class Kind(models.TextChoices):
        EVENT_VERIFIED = "event_verified", _("A cooperation event of your enterprise is verified")
        EVENT_RETURNED = "event_returned", _("An event you logged is returned")
        REPORT_STATUS_CHANGED = "report_status_changed", _("The status of a report changes")
        RESULTS_PUBLISHED = "results_published", _("Award results are published")
        CERTIFICATE_ISSUED = "certificate_issued", _("A certificate is issued")
        PANEL_ASSIGNED = "panel_assigned", _("You are assigned nominees to review")
        SCORING_DEADLINE = "scoring_deadline", _("The scoring deadline is two days away")
        REVIEWS_COMPLETE = "reviews_complete", _("All reviews of a cycle are in")
        VERIFICATION_DIGEST = "verification_digest", _("Daily digest of events to verify")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    # Set for notifications that must not repeat (a daily digest, a reminder): one per key.
    key = models.CharField(_("key"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Set, under the row's lock, when the email went out: it goes out at most once.
    emailed_at = models.DateTimeField(_("emailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at", "created_at"])]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=~models.Q(key=""),
                name="one_notification_per_key",
            ),
        ]

    def __str__(self):
        return f"{self.recipient}: {self.kind}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class UserPreference(models.Model):
    """A user's language for emails and the kinds of notification they get no email about."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="preference",
    )
    language = models.CharField(
        _("language of emails"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
    )
    emails_off = models.JSONField(_("no email about"), default=list, blank=True)

    class Meta:
        verbose_name = _("user preference")
        verbose_name_plural = _("user preferences")

    def __str__(self):
        return str(self.user)

    def wants_email(self, kind: str) -> bool:
        return kind not in self.emails_off
