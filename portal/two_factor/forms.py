from django import forms
from django.contrib.auth import authenticate
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.two_factor import services


def _too_soon_message(error: services.TooSoon) -> str:
    return ngettext(
        "Too many wrong codes. Wait %(seconds)s second before trying again.",
        "Too many wrong codes. Wait %(seconds)s seconds before trying again.",
        error.seconds,
    ) % {"seconds": localize(error.seconds)}


class CodeField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Code"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        )


class SecondFactorForm(forms.Form):
    """The login's second step: a code from the app, or one of the recovery codes."""

    code = CodeField(
        help_text=_(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        )
    )

    def __init__(self, *args, user, at=services.AT_LOGIN, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.at, self.accepted = user, at, None
        self.fields["code"].widget.attrs["autofocus"] = True

    def clean_code(self):
        try:
            self.accepted = services.second_factor_check(
                user=self.user, code=self.cleaned_data["code"], at=self.at
            )
        except services.TooSoon as error:
            raise forms.ValidationError(_too_soon_message(error), code="too_soon") from None
        if self.accepted is None:
            raise forms.ValidationError(_("That code is not valid."), code="invalid")
        return self.cleaned_data["code"]


class EnrolForm(forms.Form):
    code = CodeField(
        label=_("Code from the app"),
        help_text=_("The six digits the app shows for the EEPA portal, to check it is set up."),
    )

    def __init__(self, *args, user, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.device, self.recovery_codes = user, device, None

    def clean_code(self):
        try:
            self.recovery_codes = services.totp_enrol(
                user=self.user, device=self.device, code=self.cleaned_data["code"]
            )
        except services.TooSoon as error:
            raise forms.ValidationError(_too_soon_message(error), code="too_soon") from None
        if self.recovery_codes is None:
            raise forms.ValidationError(
                _("That code is not valid. Check the app's clock and the key, then try again."),
                code="invalid",
            )
        return self.cleaned_data["code"]


class ReauthenticateForm(forms.Form):
    """The password again, and the second factor if the user has one."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "autofocus": True}),
    )
    code = CodeField(
        help_text=_(
            "The six digits your authenticator app shows now, or one of your recovery codes."
        )
    )

    def __init__(self, *args, request, ask_code: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        if not ask_code:
            del self.fields["code"]

    def clean(self):
        cleaned = super().clean()
        user = self.request.user
        password = cleaned.get("password")
        if password is None:
            return cleaned
        # Through the backends (and django-axes), so that guesses here are throttled too.
        checked = authenticate(self.request, username=user.get_username(), password=password)
        if checked is None or checked.pk != user.pk:
            raise forms.ValidationError(_("That password is not right."), code="password")
        if "code" in self.fields and cleaned.get("code"):
            try:
                accepted = services.second_factor_check(
                    user=user, code=cleaned["code"], at=services.AT_REAUTHENTICATION
                )
            except services.TooSoon as error:
                self.add_error("code", _too_soon_message(error))
                return cleaned
            if accepted is None:
                self.add_error("code", _("That code is not valid."))
        return cleaned


class UserSearchForm(forms.Form):
    q = forms.CharField(label=_("Name or username"), required=False, max_length=150)
