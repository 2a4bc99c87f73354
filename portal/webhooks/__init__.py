"""Webhooks: signed HTTPS calls to a partner enterprise's own systems when something of theirs
happens (docs/webhooks.md). This is the core: endpoints and their deliveries, the signature,
the guarded HTTP client, the Celery task and the managers' pages. It names no event: each app
registers its own event types (portal.webhooks.events) and calls `event_publish()` from its
triggers (partners/webhooks.py, awards/webhooks.py), as with the notifications."""
