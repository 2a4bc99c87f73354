from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The second factor's events in the audit trail (portal/two_factor/services.py).
AUDIT_ACTIONS = {
    "auth.second_factor.enrolled": _("Second factor set up"),
    "auth.second_factor.verified": _("Second factor accepted"),
    "auth.second_factor.failed": _("Wrong second-factor code"),
    "auth.second_factor.recovery_code_used": _("Recovery code used"),
    "auth.second_factor.recovery_codes_renewed": _("New recovery codes made"),
    "auth.second_factor.reset": _("Second factor reset"),
}
# API keys (portal/api/): made and revoked in the portal, refused when a machine uses them.
API_AUDIT_ACTIONS = {
    "api.key.created": _("API key created"),
    "api.key.revoked": _("API key revoked"),
    "api.key.rejected": _("API key refused"),
}
AUDIT_NOTES = {
    "malformed": _("not shaped like a key"),
    "unknown": _("no such key"),
    "wrong secret": _("wrong secret"),
    "revoked": _("the key is revoked"),
    "expired": _("the key has expired"),
    "login": _("at login"),
    "reauthentication": _("to confirm a sensitive action"),
    "enrolment": _("while setting up the app"),
    "too soon": _("too soon after wrong codes"),
}


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from portal import (
            checks,  # noqa: F401  (registers the deployment checks)
            login_audit,
        )
        from portal.audit_labels import register_audit_labels
        from portal.sessions import on_login

        user_logged_in.connect(on_login, dispatch_uid="portal.sessions.on_login")
        register_audit_labels(actions=AUDIT_ACTIONS | API_AUDIT_ACTIONS, notes=AUDIT_NOTES)
        # The security log's entries, from Django's auth signals and axes' lock-out signal.
        login_audit.connect_axes()
