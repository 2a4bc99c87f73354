from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

AUDIT_ACTIONS = {
    "webhooks.endpoint.created": _("Webhook endpoint added"),
    "webhooks.endpoint.deleted": _("Webhook endpoint removed"),
    "webhooks.endpoint.secret_renewed": _("Webhook signing secret renewed"),
    "webhooks.endpoint.paused": _("Webhook endpoint paused after a day of failures"),
    "webhooks.endpoint.resumed": _("Webhook endpoint resumed"),
    "webhooks.endpoint.tested": _("Webhook test sent"),
}


class WebhooksConfig(AppConfig):
    name = "portal.webhooks"
    label = "webhooks"
    verbose_name = _("Webhooks")

    def ready(self):
        from portal.audit_labels import register_audit_labels
        from portal.webhooks import notifications  # noqa: F401  (registers its kind)

        register_audit_labels(actions=AUDIT_ACTIONS)
