from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from portal import views
from portal.api import views_staff as api_views_staff
from portal.notifications import views as notification_views
from portal.two_factor import views as two_factor

# The apps' URLs are included by name: the project's URLs wire the apps together without the
# core importing any of them (docs/architecture.md).
urlpatterns = [
    # The REST API (portal/api/, docs/api.md): its schema and documentation, and each app's
    # endpoints, under /api/v1/.
    path("api/v1/", include("portal.api.urls")),
    path("api/v1/", include("partners.api.urls")),
    path("api/v1/", include("awards.api.urls")),
    path("", include("overview.urls")),
    path("accounts/login/", two_factor.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    # Two-factor login and sessions (portal/two_factor/, portal/sessions.py).
    path("accounts/login/code/", two_factor.login_second_factor, name="login-second-factor"),
    path("accounts/two-factor/", two_factor.two_factor_home, name="two-factor"),
    path("accounts/two-factor/enrol/", two_factor.two_factor_enrol, name="two-factor-enrol"),
    path(
        "accounts/two-factor/recovery-codes/",
        two_factor.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path(
        "accounts/two-factor/recovery-codes/new/",
        two_factor.recovery_codes_renew,
        name="two-factor-recovery-codes-renew",
    ),
    path("accounts/confirm/", two_factor.reauthenticate, name="reauthenticate"),
    path("accounts/second-factors/", two_factor.second_factor_users, name="second-factor-users"),
    path(
        "accounts/second-factors/<int:pk>/reset/",
        two_factor.second_factor_reset,
        name="second-factor-reset",
    ),
    # Password reset by email (portal/password_reset.py).
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # API keys of staff service accounts, for the secretariat (portal/api/views_staff.py).
    path("api-keys/", api_views_staff.staff_key_list, name="staff-api-keys"),
    path("api-keys/new/", api_views_staff.staff_key_create, name="staff-api-key-create"),
    path(
        "api-keys/<int:pk>/revoke/", api_views_staff.staff_key_revoke, name="staff-api-key-revoke"
    ),
    # Logins, lock-outs and password events, for the secretariat.
    path("security-log/", views.security_log, name="security-log"),
    # Django's switch, also remembering a signed-in user's choice for their emails.
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    path("", include("partners.urls")),
    path("awards/", include("awards.urls")),
    # Public, no login: the address printed on every certificate (PUBLIC_BASE_URL/verify/<code>/).
    path("verify/", include("awards.public_urls")),
]

# Webhooks (issue 15): a partner enterprise's managers' endpoints (docs/webhooks.md).
urlpatterns += [path("my-enterprise/webhooks/", include("portal.webhooks.urls"))]

# Notifications (issue 5): every signed-in user's own.
urlpatterns += [
    path("notifications/", notification_views.notification_list, name="notification-list"),
    path(
        "notifications/<int:pk>/read/",
        notification_views.notification_read,
        name="notification-read",
    ),
    path(
        "notifications/read-all/",
        notification_views.notification_read_all,
        name="notification-read-all",
    ),
    path(
        "notifications/preferences/",
        notification_views.notification_preferences,
        name="notification-preferences",
    ),
]

# Under /api/ an unknown address or a server error is a problem (JSON) like every API error; the
# pages keep their own.
handler404 = "portal.api.errors.page_not_found"
handler500 = "portal.api.errors.server_error"
