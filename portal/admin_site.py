"""The Django admin behind the portal's own login: its login page (password only) is not used,
and a user who STAFF_2FA asks a second factor of needs a session verified with one."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from portal.two_factor import policy


class PortalAdminSite(admin.AdminSite):
    def has_permission(self, request):
        return super().has_permission(request) and second_factor_satisfied(request)

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get("next") or self._reverse_index())

    def _reverse_index(self):
        return reverse("admin:index", current_app=self.name)


def second_factor_satisfied(request) -> bool:
    user = request.user
    if policy.mode() == "off" or user.is_verified():
        return True
    return policy.login_step(user) is None
