"""Notifications: in-app, and by email through Celery (portal/tasks.py), in each user's
language. `notify()` is the one way to send one; the triggers module calls it from the
services."""
