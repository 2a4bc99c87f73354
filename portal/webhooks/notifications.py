"""The webhook core's own notification: an endpoint paused after a day of failures, to the
enterprise's managers (in the app, and by email in each one's language)."""

from django.db.models import TextChoices
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.notifications.kinds import notification_kind, readable_date
from portal.notifications.services import notify
from portal.roles import Role


class Kind(TextChoices):
    ENDPOINT_PAUSED = (
        "webhook_endpoint_paused",
        gettext_lazy("A webhook endpoint is paused after a day of failures"),
    )


@notification_kind(Kind.ENDPOINT_PAUSED, roles=(Role.PARTNER,))
def _endpoint_paused(p):
    title = _("Webhook endpoint paused")
    body = _(
        "Every delivery to %(url)s has failed since %(date)s, so the portal has paused it and "
        "sends it nothing more. Once your system receives again, send a test from the "
        "endpoint's page and resume it."
    ) % {"url": p["url"], "date": readable_date(p["failing_since"])}
    return title, body


def endpoint_paused(*, endpoint, managers) -> None:
    notify(
        Kind.ENDPOINT_PAUSED,
        managers,
        {
            "endpoint": endpoint.pk,
            "url": endpoint.url,
            "failing_since": timezone.localdate(endpoint.failing_since).isoformat(),
        },
        link=endpoint.get_absolute_url(),
        key=f"webhook_endpoint_paused:{endpoint.pk}:{endpoint.paused_at.isoformat()}",
    )
