from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# What the app's audit action codes and notes mean, in the reader's language.
AUDIT_ACTIONS = {
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
    "partners.report.received_from_system": _("Alert received from a partner's system"),
    "partners.manifest.imported": _("Manifest imported"),
    "partners.invitation.sent": _("Invitation sent"),
    "partners.invitation.revoked": _("Invitation withdrawn"),
    "partners.invitation.accepted": _("Invitation accepted"),
    "partners.membership.deactivated": _("Colleague deactivated"),
    "partners.membership.reactivated": _("Colleague reactivated"),
}
AUDIT_NOTES = {
    "invitation": _("through an invitation"),
    "replaced": _("replaced by a new invitation"),
}


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners and cooperation")

    def ready(self):
        # The app's notification kinds and audit codes, registered with the core.
        from django.db.models.signals import post_save, pre_save

        from partners import notifications, webhooks  # noqa: F401  (kinds and event types)
        from partners.models import CooperationEvent, EvidenceFile, ReportAttachment
        from partners.services.colleagues import two_factor_required_by_enterprise
        from partners.services.counts import on_event_saved, on_event_saving
        from portal.audit_labels import register_audit_labels
        from portal.backups import register_stored_files
        from portal.two_factor.policy import register_requirement

        # The kept counts follow every saved event, whatever saved it.
        pre_save.connect(on_event_saving, sender=CooperationEvent, dispatch_uid="partners.counts")
        post_save.connect(on_event_saved, sender=CooperationEvent, dispatch_uid="partners.counts")

        # A restore checks every uploaded file against the SHA-256 kept with it.
        for name, model in (
            ("evidence files", EvidenceFile),
            ("report attachments", ReportAttachment),
        ):
            register_stored_files(
                name, lambda model=model: model.objects.values_list("file", "sha256")
            )
        register_audit_labels(actions=AUDIT_ACTIONS, notes=AUDIT_NOTES)
        # A manager may require a second factor of all the enterprise's users.
        register_requirement(two_factor_required_by_enterprise)
