"""Notifications: in-app, and by email through Celery (portal/tasks.py), in each user's
language. `notify()` is the one way to send one. The core names no kind: each app registers its
own kinds (portal.notifications.kinds) and calls `notify()` from its triggers
(partners/notifications.py, awards/notifications.py)."""
