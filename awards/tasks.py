"""Celery tasks of the awards. Each task is idempotent: it may run twice (a redelivered message
with acks_late, a retry, a double click) and still make one certificate per award."""

import logging

from celery import shared_task
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from awards import notifications
from awards.models import CertificateRun
from awards.services.certificates import certificate_jobs_fail, certificate_jobs_work
from portal.models import UserPreference

logger = logging.getLogger(__name__)

# Errors that another attempt cannot cure: the cycle was reopened, the user lost the role.
PERMANENT_ERRORS = (ValidationError, PermissionDenied)


def retry_delay(retries: int) -> int:
    """Seconds before the next attempt: 2, 4, 8 ... up to a minute, with jitter."""
    return get_exponential_backoff_interval(factor=2, retries=retries, maximum=60, full_jitter=True)


def run_language(job_ids: list[int]) -> str:
    """The saved language of whoever started the run: a worker has no request to take one from,
    and the failures it keeps are read on that person's progress page. (The certificates
    themselves are bilingual.)"""
    starters = CertificateRun.objects.filter(jobs__pk__in=job_ids).values("started_by")
    language = (
        UserPreference.objects.filter(user__in=starters[:1])
        .values_list("language", flat=True)
        .first()
    )
    return language or settings.LANGUAGE_CODE


@shared_task(
    bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=3, ignore_result=True
)
def issue_certificate_batch(self, job_ids: list[int]):
    """Issue the certificates of a batch of jobs of a generation run, as one document."""
    # Messages (a failure kept for the progress page) in the starter's language.
    with translation.override(run_language(job_ids)):
        try:
            return certificate_jobs_work(job_ids)
        except Exception as error:
            if not isinstance(error, PERMANENT_ERRORS) and self.request.retries < self.max_retries:
                logger.warning("Certificate batch %s failed, retrying: %s", job_ids, error)
                # throw=False: the retry is queued and this attempt ends quietly. Eagerly (no
                # broker, the tests) Celery runs the returned retry at once instead of raising it
                # into the caller's request.
                return self.retry(
                    exc=error, countdown=retry_delay(self.request.retries), throw=False
                )
            if len(job_ids) > 1:
                # One bad award (a name that will not fit, say) must not sink its batch: try each
                # on its own, so that only the bad one is reported failed.
                logger.warning("Certificate batch %s failed, splitting it: %s", job_ids, error)
                for job_id in job_ids:
                    issue_certificate_batch.delay([job_id])
                return 0
            logger.exception("Certificate job %s failed", job_ids)
            certificate_jobs_fail(job_ids, error)
            return 0


@shared_task(acks_late=True, ignore_result=True)
def send_scoring_deadline_reminders():
    """Daily (portal/celery.py); a second run the same day sends nothing new."""
    return notifications.scoring_deadline_reminders()
