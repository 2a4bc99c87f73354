"""The awards app's webhook events (portal/webhooks/): a cycle's results published (each
nominee is sent its own result) and a certificate issued. As with the notifications
(awards/notifications.py), a certificate issued before its cycle's publication is announced
with the results, when the enterprise can see it. Payloads hold what the enterprise's users
read on their home and certificates pages, never another enterprise's result or the rank."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from awards.models import Certificate, Cycle, Nomination, NominationResult
from portal.webhooks.events import webhook_event
from portal.webhooks.services import event_publish, subscribers

RESULTS_PUBLISHED = webhook_event(
    "results.published",
    _("The results of an award cycle in which the enterprise was nominated are published"),
)
CERTIFICATE_ISSUED = webhook_event(
    "certificate.issued", _("A certificate is issued to the enterprise")
)


def result_data(cycle: Cycle, result: NominationResult) -> dict:
    """The enterprise's own result, as its home page shows it."""
    return {
        "cycle": cycle.year,
        "awarded": result.awarded,
        "cooperation_score": result.cooperation_score,
        "panel_score": result.panel_score,
        "final_score": result.final_score,
        "url": settings.PUBLIC_BASE_URL + reverse("my-enterprise"),
    }


def certificate_data(cycle: Cycle, certificate: Certificate) -> dict:
    """As the enterprise's certificates page lists it, with the public verification page."""
    return {
        "cycle": cycle.year,
        "serial": certificate.serial,
        "issued_at": certificate.issued_at,
        "verification_url": settings.PUBLIC_BASE_URL
        + reverse("certificate-verify", args=[certificate.verification_code]),
    }


def results_published(*, cycle: Cycle) -> None:
    results = NominationResult.objects.filter(
        nomination__in=Nomination.objects.filter(cycle=cycle).active()
    )
    endpoints = subscribers(
        RESULTS_PUBLISHED.code, results.values_list("nomination__enterprise_id", flat=True)
    )
    for result in results.filter(nomination__enterprise_id__in=endpoints).select_related(
        "nomination"
    ):
        event_publish(
            event_type=RESULTS_PUBLISHED.code,
            endpoints=endpoints[result.nomination.enterprise_id],
            data={"result": result_data(cycle, result)},
        )
    certificates_issued(
        cycle=cycle,
        certificates=Certificate.objects.filter(
            result__nomination__cycle=cycle, status=Certificate.Status.ISSUED
        ).select_related("result__nomination"),
    )


def certificates_issued(*, cycle: Cycle, certificates) -> None:
    """Only once the cycle is published: before, the enterprise cannot see its certificate."""
    if cycle.status != cycle.Status.PUBLISHED:
        return
    certificates = list(certificates)
    endpoints = subscribers(
        CERTIFICATE_ISSUED.code, {c.result.nomination.enterprise_id for c in certificates}
    )
    for certificate in certificates:
        for_enterprise = endpoints.get(certificate.result.nomination.enterprise_id)
        if for_enterprise:
            event_publish(
                event_type=CERTIFICATE_ISSUED.code,
                endpoints=for_enterprise,
                data={"certificate": certificate_data(cycle, certificate)},
            )
