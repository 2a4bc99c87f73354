from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal.models import Notification
from portal.notifications import services
from portal.notifications.forms import PreferencesForm
from portal.notifications.kinds import registered_kinds
from portal.notifications.kinds import render as render_notification
from portal.shortcuts import paginate_capped


@login_required
def notification_list(request):
    """The user's own notifications, unread first, newest first."""
    notifications = Notification.objects.filter(recipient=request.user).order_by(
        F("read_at").asc(nulls_first=True), "-created_at", "-pk"
    )
    # Counted up to COUNT_CAP: a user who never reads them gets one every day for years.
    page = paginate_capped(request, notifications)
    rows = [(n, *render_notification(n)) for n in page]
    return render(
        request,
        "portal/notifications/notification_list.html",
        {"page": page, "rows": rows, "has_unread": any(not n.is_read for n in page)},
    )


@require_POST
@login_required
def notification_read(request, pk):
    """Mark one read and follow its link."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.notification_mark_read(notification=notification, user=request.user)
    return redirect(notification.link or "notification-list")


@require_POST
@login_required
def notification_read_all(request):
    services.notifications_mark_all_read(user=request.user)
    return redirect("notification-list")


@login_required
def notification_preferences(request):
    preference = services.preference_of(request.user)
    form = PreferencesForm(
        request.POST or None,
        user=request.user,
        initial={
            "language": preference.language,
            "emails": [k.code for k in registered_kinds() if preference.wants_email(k.code)],
        },
    )
    if request.method == "POST" and form.is_valid():
        offered = {kind.code for kind in form.kinds}
        # Kinds the page does not offer this user keep their setting.
        kept_off = set(preference.emails_off) - offered
        services.preference_update(
            user=request.user,
            language=form.cleaned_data["language"],
            emails_off=sorted(kept_off | (offered - set(form.cleaned_data["emails"]))),
        )
        messages.success(request, _("Your notification settings are saved."))
        return redirect("notification-preferences")
    return render(request, "portal/notifications/preferences.html", {"form": form})
