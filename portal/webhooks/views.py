"""The managers' webhook pages: their enterprise's endpoints, each with its delivery log, a
test button, resuming after a pause and a new secret. 403 unless the user is an active
manager of an enterprise; 404 for another enterprise's endpoint."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from portal.auth import recent_auth_required
from portal.roles import Role, role_required
from portal.rules import forbid_unless
from portal.shortcuts import paginate, refusal_reported
from portal.submissions import ALREADY_SENT, AlreadySubmitted, submitted_once
from portal.webhooks import rules, services, signing
from portal.webhooks.forms import EndpointForm
from portal.webhooks.models import Delivery, Endpoint

DELIVERIES_PER_PAGE = 25


def _endpoint(request, pk) -> Endpoint:
    forbid_unless(rules.may_manage_webhooks(request.user))
    return get_object_or_404(Endpoint.objects.visible_to(request.user), pk=pk)


@role_required(Role.PARTNER)
def endpoint_list(request):
    forbid_unless(rules.may_manage_webhooks(request.user))
    endpoints = Endpoint.objects.visible_to(request.user).order_by("created_at", "pk")
    return render(request, "webhooks/endpoint_list.html", {"endpoints": endpoints})


def _secret_page(request, endpoint: Endpoint, secret: str):
    """The secret, this once: the page is not cached, and the portal cannot show it again."""
    return render(
        request,
        "webhooks/secret.html",
        {"endpoint": endpoint, "secret": secret, "headers": signing},
    )


@role_required(Role.PARTNER)
@recent_auth_required
@never_cache
def endpoint_create(request):
    forbid_unless(rules.may_manage_webhooks(request.user))
    form = EndpointForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with submitted_once(form, user=request.user) as submission:
                endpoint, secret = services.endpoint_create(
                    user=request.user,
                    url=data["url"],
                    event_types=data["event_types"],
                    description=data["description"],
                )
                submission.record(endpoint)
        except AlreadySubmitted as sent:
            messages.info(request, ALREADY_SENT)
            return redirect(sent.created or "webhooks:endpoint-list")
        except ValidationError as error:
            form.add_error(None, error)  # a dict of fields goes to its fields
        else:
            return _secret_page(request, endpoint, secret)
    return render(request, "webhooks/endpoint_form.html", {"form": form})


@role_required(Role.PARTNER)
def endpoint_detail(request, pk):
    endpoint = _endpoint(request, pk)
    deliveries = (
        Delivery.objects.visible_to(request.user)
        .filter(endpoint=endpoint)
        .order_by("-created_at", "-pk")
    )
    return render(
        request,
        "webhooks/endpoint_detail.html",
        {
            "endpoint": endpoint,
            "page": paginate(request, deliveries, DELIVERIES_PER_PAGE),
            "can_resume": rules.may_resume_endpoint(request.user, endpoint),
        },
    )


@require_POST
@role_required(Role.PARTNER)
def endpoint_test(request, pk):
    endpoint = _endpoint(request, pk)
    services.endpoint_send_test(user=request.user, endpoint=endpoint)
    messages.success(request, _("A test was sent. Its outcome appears in the deliveries below."))
    return redirect(endpoint)


@require_POST
@role_required(Role.PARTNER)
def endpoint_resume(request, pk):
    endpoint = _endpoint(request, pk)
    with refusal_reported(request) as outcome:
        services.endpoint_resume(user=request.user, endpoint=endpoint)
    if outcome.ok:
        messages.success(request, _("The endpoint is active again."))
    return redirect(endpoint)


@require_POST
@role_required(Role.PARTNER)
@recent_auth_required
@never_cache
def endpoint_secret(request, pk):
    endpoint = _endpoint(request, pk)
    secret = services.endpoint_secret_renew(user=request.user, endpoint=endpoint)
    return _secret_page(request, endpoint, secret)


@require_POST
@role_required(Role.PARTNER)
def endpoint_delete(request, pk):
    endpoint = _endpoint(request, pk)
    services.endpoint_delete(user=request.user, endpoint=endpoint)
    messages.success(request, _("The endpoint was removed; nothing more is sent to it."))
    return redirect("webhooks:endpoint-list")
