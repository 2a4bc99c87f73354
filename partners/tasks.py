"""Celery tasks of the partners app."""

from celery import shared_task

from partners import notifications


@shared_task(acks_late=True, ignore_result=True)
def send_verification_digest():
    """Daily (portal/celery.py); a second run the same day sends nothing new."""
    return notifications.verification_digest()
