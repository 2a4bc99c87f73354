"""The portal's URLs, and one more: `/bench/bare/`, a page that renders the project's base
template (templates/base.html) and nothing else, for a signed-in user.

It is the yardstick of the pages' benchmark (bench/pages.py): it goes through the same request
handler and middleware (session, authentication, language, messages, security headers...), its
context processors run the same per-request queries (the user, the navigation), and its
template is the frame every page is drawn in. What a page costs beyond it is the page's own
work. No existing page would do: the smallest (the notification preferences, the "no role"
page) each add a form or a query of their own. The URL exists only in this URLconf, selected by
bench/settings.py in the benchmark's child process, never in the portal's."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from portal.urls import urlpatterns as portal_urlpatterns


@login_required
def bare(request):
    return render(request, "base.html")


urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *portal_urlpatterns]
