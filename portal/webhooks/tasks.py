"""The delivery task: one attempt per run, retried with exponential backoff while the failure
is transient (no answer, 5xx, 408, 425, 429). Idempotent: a delivery no longer pending is left
alone, and every attempt carries the same webhook id for the receiver to recognise."""

from celery import shared_task

from portal.webhooks import services

# 30 s, 1, 2, 4, 8, 16, 32 minutes, then an hour twice: 10 attempts over about 3 hours
# (docs/webhooks.md). Not jittered, so that the schedule partners read is the one they get.
RETRY_BACKOFF = 30
RETRY_BACKOFF_MAX = 3600
MAX_RETRIES = 9


class TransientFailure(Exception):
    """The receiver did not take the delivery, for a reason that may pass."""


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    autoretry_for=(TransientFailure,),
    retry_backoff=RETRY_BACKOFF,
    retry_backoff_max=RETRY_BACKOFF_MAX,
    retry_jitter=False,
    max_retries=MAX_RETRIES,
    ignore_result=True,
)
def deliver_webhook(self, delivery_id: int) -> None:
    # Without a broker (make demo) the task runs inside the request that queued it, where a
    # retry would run at once and Celery would raise it into that request: one attempt there.
    in_request = self.request.is_eager and self.app.conf.task_eager_propagates
    attempt = services.delivery_attempt(
        delivery_id=delivery_id, last_try=in_request or self.request.retries >= self.max_retries
    )
    if attempt.retry:
        raise TransientFailure(attempt.reason)
