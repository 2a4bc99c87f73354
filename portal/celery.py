"""The Celery app. With no CELERY_BROKER_URL, settings make every task run eagerly in-process."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# `celery -A portal beat` runs these, in CELERY_TIMEZONE (Hong Kong). Both are safe to run
# twice a day: the second run sends nothing.
app.conf.beat_schedule = {
    "verification-digest": {
        "task": "partners.tasks.send_verification_digest",
        "schedule": crontab(hour=8, minute=0),
    },
    "scoring-deadline-reminders": {
        "task": "awards.tasks.send_scoring_deadline_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
}
