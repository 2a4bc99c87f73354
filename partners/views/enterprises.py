from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from partners.filters import (
    EnterpriseFilter,
)
from partners.forms.enterprises import EnforcementFlagForm, EnterpriseForm
from partners.models import EnforcementFlag, Enterprise
from partners.services import enterprises as services
from portal.forms import ReasonForm
from portal.roles import STAFF_ROLES, Role, role_required
from portal.shortcuts import filtered_rows, paginate, query_without_page, refusal_reported

# Enterprises


@role_required(*STAFF_ROLES)
def enterprise_list(request):
    enterprises = Enterprise.objects.visible_to(request.user)
    filterset = EnterpriseFilter(request.GET, queryset=enterprises)
    return render(
        request,
        "partners/enterprise_list.html",
        {
            "filter": filterset,
            "page": paginate(request, filtered_rows(filterset)),
            "query": query_without_page(request),
        },
    )


@role_required(Role.SECRETARIAT)
def enterprise_create(request):
    form = EnterpriseForm(request.POST or None)
    if form.is_valid():
        enterprise = services.enterprise_create(user=request.user, **form.cleaned_data)
        messages.success(request, _("Enterprise added."))
        return redirect(enterprise)
    return render(request, "partners/enterprise_form.html", {"form": form})


@role_required(Role.SECRETARIAT)
def enterprise_update(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    form = EnterpriseForm(request.POST or None, instance=enterprise)
    if form.is_valid():
        services.enterprise_update(enterprise=enterprise, user=request.user, **form.cleaned_data)
        messages.success(request, _("Enterprise updated."))
        return redirect(enterprise)
    return render(
        request, "partners/enterprise_form.html", {"form": form, "enterprise": enterprise}
    )


# Enforcement concerns


@role_required(*STAFF_ROLES)
def enforcement_flag_create(request, pk):
    enterprise = get_object_or_404(Enterprise.objects.visible_to(request.user), pk=pk)
    form = EnforcementFlagForm(request.POST or None)
    if form.is_valid():
        services.enforcement_flag_raise(
            enterprise=enterprise, user=request.user, **form.cleaned_data
        )
        messages.success(request, _("Enforcement concern raised."))
        return redirect(f"{enterprise.get_absolute_url()}#concerns-heading")
    return render(
        request, "partners/enforcement_flag_form.html", {"form": form, "enterprise": enterprise}
    )


@role_required(Role.SECRETARIAT)
def enforcement_flag_clear(request, pk):
    flag = get_object_or_404(
        EnforcementFlag.objects.visible_to(request.user).select_related("enterprise", "raised_by"),
        pk=pk,
    )
    back = f"{flag.enterprise.get_absolute_url()}#concerns-heading"
    if not flag.is_active:
        messages.error(request, _("This concern was already cleared."))
        return redirect(back)
    form = ReasonForm(request.POST or None, submit_label=_("Clear the concern"))
    if form.is_valid():
        with refusal_reported(request) as outcome:
            services.enforcement_flag_clear(
                flag=flag, user=request.user, reason=form.cleaned_data["reason"]
            )
        if outcome.ok:
            messages.success(request, _("Enforcement concern cleared."))
        return redirect(back)
    return render(
        request,
        "partners/enforcement_flag_form.html",
        {"form": form, "enterprise": flag.enterprise, "flag": flag},
    )


# Cooperation events
