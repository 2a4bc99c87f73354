"""The public verification form: a certificate's serial and verification code, as typed."""

import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _


class VerifyForm(forms.Form):
    serial = forms.CharField(
        label=_("Serial number"),
        max_length=20,
        validators=[
            RegexValidator(
                r"^EEPA-\d{4}-\d{4}$",
                _("Type the serial number as printed on the certificate, e.g. EEPA-2024-0001."),
                flags=re.IGNORECASE,
            )
        ],
        help_text=_("As printed on the certificate, e.g. EEPA-2024-0001."),
    )
    code = forms.CharField(
        label=_("Verification code"),
        # 28 symbols in groups, with room for spaces around the hyphens; 32 on older ones.
        max_length=100,
        help_text=_(
            "As printed on the certificate, e.g. 7K3M-Q9XD-…; capital or small letters, with "
            "or without the hyphens."
        ),
    )

    def clean_serial(self) -> str:
        return self.cleaned_data["serial"].upper()

    def clean_code(self) -> str:
        # People copy codes from PDFs with stray spaces or line breaks in them; the view reads
        # the rest (case, hyphens, look-alike letters) with awards.verification_codes.
        return "".join(self.cleaned_data["code"].split())


class CertificateReasonForm(forms.Form):
    """Why a certificate is revoked or reissued: kept with the certificate and in the audit
    trail, never shown on the public verification page."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_('For the record, e.g. "The Chinese name was misspelt."'),
    )
