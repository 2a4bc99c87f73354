"""Celery tasks of the notifications core. Idempotent: an email goes out at most once per
notification (email_send). The apps' daily notifications are their own tasks
(partners/tasks.py, awards/tasks.py)."""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval

from portal import password_reset
from portal.notifications import services

logger = logging.getLogger(__name__)


def retry_delay(retries: int) -> int:
    """Seconds before the next attempt: 2, 4, 8 ... up to ten minutes, with jitter."""
    return get_exponential_backoff_interval(
        factor=2, retries=retries, maximum=600, full_jitter=True
    )


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=5, ignore_result=True
)
def send_notification_email(self, notification_id: int):
    try:
        return services.email_send(notification_id)
    except Exception as error:
        # A mail server that is down or refuses for now; the notification stays in the app.
        if self.request.retries < self.max_retries:
            logger.warning("Notification email %s failed, retrying: %s", notification_id, error)
            return self.retry(exc=error, countdown=retry_delay(self.request.retries), throw=False)
        logger.exception("Notification email %s failed for good", notification_id)
        return False


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3, ignore_result=True
)
def send_password_reset_email(self, user_id: int):
    try:
        return password_reset.password_reset_email_send(user_id)
    except Exception as error:
        if self.request.retries < self.max_retries:
            logger.warning("Password reset email to user %s failed, retrying: %s", user_id, error)
            return self.retry(exc=error, countdown=retry_delay(self.request.retries), throw=False)
        logger.exception("Password reset email to user %s failed for good", user_id)
        return False
