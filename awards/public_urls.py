"""The public pages, no login: the address printed on every certificate
(PUBLIC_BASE_URL/verify/<code>/) and the form for a serial and code typed from paper. Included
at /verify/ without a namespace (their names are printed-URL stable)."""

from django.urls import path

from awards.views import certificates

urlpatterns = [
    path("", certificates.certificate_verify_form, name="certificate-verify-form"),
    # <path:>: whatever follows /verify/, slashes included, gets the same "not found" answer.
    path("<path:code>/", certificates.certificate_verify, name="certificate-verify"),
]
