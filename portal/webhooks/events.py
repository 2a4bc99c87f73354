"""The register of webhook event types. The core knows none but its own test event: each app
registers its types (partners/webhooks.py, awards/webhooks.py, imported by the app's
`ready()`) and builds their payloads from what the enterprise's own users may read."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class WebhookEvent:
    code: str  # "report.status_changed": the EEPA-Webhook-Event header and the body's "type"
    label: str  # lazy: how the endpoint form offers it


_EVENTS: dict[str, WebhookEvent] = {}


def webhook_event(code: str, label) -> WebhookEvent:
    """Register an event type; returns it, for the app's triggers to name."""
    if code in _EVENTS:
        raise ValueError(f"Webhook event {code!r} is registered twice.")
    _EVENTS[code] = WebhookEvent(code, label)
    return _EVENTS[code]


def registered_events() -> list[WebhookEvent]:
    """Every type an endpoint can subscribe to, in the order the apps registered them."""
    return [event for event in _EVENTS.values() if event.code != TEST.code]


def event_label(code: str) -> str:
    event = _EVENTS.get(code)
    return str(event.label) if event else code


# Sent by the "Send a test" button to one endpoint, whatever it subscribed to.
TEST = webhook_event("webhook.test", _("Test"))
