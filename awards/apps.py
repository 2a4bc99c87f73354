import re

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from awards.audit_notes import NOTES

# What the app's audit action codes, change names and notes mean, in the reader's language.
AUDIT_ACTIONS = {
    "awards.cycle.created": _("Cycle created"),
    "awards.cycle.updated": _("Cycle settings changed"),
    "awards.cycle.advanced": _("Cycle moved on"),
    "awards.cycle.reopened": _("Cycle reopened for review"),
    "awards.nomination.created": _("Nominated"),
    "awards.nomination.created_in_bulk": _("Nominated in bulk (at least this many events)"),
    "awards.nomination.reinstated": _("Nominated again"),
    "awards.nomination.withdrawn": _("Nomination withdrawn"),
    "awards.assignment.created": _("Assigned to the panel member"),
    "awards.cycle.alternate_added": _("Alternate added to the panel"),
    "awards.cycle.alternate_removed": _("Alternate removed from the panel"),
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
# Changes recorded under a name that is not a model field (awards.services.cycles).
AUDIT_CHANGES = {
    "event rules": _("event rules"),
    "panel criteria": _("panel criteria"),
    "frozen results": _("frozen results"),
    "ceremony list": _("ceremony list"),
    "alternates": _("panel alternates"),
}
AUDIT_NOTES = {
    "import_cycle": _("imported from a cycle file"),
    "all": _("every panel member reviews every nominee"),
    **NOTES,
}
# awards.services.panel: the balanced assignment and its maximum load.
AUDIT_NOTE_PATTERNS = [
    (
        re.compile(r"balanced, max load (\d+)"),
        lambda match: _("balanced, at most %(load)s nominees per member") % {"load": match[1]},
    ),
]


class AwardsConfig(AppConfig):
    name = "awards"
    verbose_name = _("Awards")

    def ready(self):
        # The app's notification kinds and audit codes, registered with the core.
        from django.db.models.signals import post_save

        from awards import notifications, webhooks  # noqa: F401  (kinds and event types)
        from awards.models import Certificate
        from awards.services.nominations import on_enterprise_saved
        from awards.services.scores import on_verified_events_changed
        from partners.models import Enterprise
        from partners.signals import verified_events_changed
        from portal.audit_labels import register_audit_labels
        from portal.backups import register_stored_files

        # The kept cooperation tallies follow the verified events (awards.services.scores).
        verified_events_changed.connect(on_verified_events_changed, dispatch_uid="awards.tallies")
        # The names and BR numbers kept for the lists' order follow a rename.
        post_save.connect(on_enterprise_saved, sender=Enterprise, dispatch_uid="awards.names")

        # A restore checks every certificate's file against the SHA-256 kept with it.
        register_stored_files(
            "certificates",
            lambda: (
                Certificate.objects.exclude(pdf="").exclude(sha256="").values_list("pdf", "sha256")
            ),
        )
        register_audit_labels(
            actions=AUDIT_ACTIONS,
            changes=AUDIT_CHANGES,
            notes=AUDIT_NOTES,
            note_patterns=AUDIT_NOTE_PATTERNS,
        )
