from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from portal.submissions import submission_token_add
from portal.text import validate_single_line

User = get_user_model()


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("Your colleague receives a link to create their account."),
    )
    language = forms.ChoiceField(
        label=_("Their language"),
        choices=settings.LANGUAGES,
        required=False,  # the inviter's own language when not given
        help_text=_("The invitation is written in it, and so are the emails of their account."),
    )

    def __init__(self, *args, language: str = settings.LANGUAGE_CODE, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = language
        self.helper = FormHelper()
        self.helper.layout = Layout("email", "language", Submit("invite", _("Send the invitation")))
        submission_token_add(self)  # one invitation per form shown, however often it is sent


class AcceptInvitationForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @/./+/-/_ only."),
    )
    first_name = forms.CharField(
        label=_("First name"), max_length=150, validators=[validate_single_line]
    )
    last_name = forms.CharField(
        label=_("Last name"), max_length=150, required=False, validators=[validate_single_line]
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        kwargs.setdefault("initial", {"username": email.split("@")[0]})
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "username",
            "first_name",
            "last_name",
            "password1",
            "password2",
            Submit("accept", _("Create my account")),
        )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"]
        if User.objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("This username is taken; please choose another."))
        return username

    def clean(self):
        data = super().clean()
        password = data.get("password1")
        if password and password != data.get("password2"):
            self.add_error("password2", _("The two passwords differ."))
        elif password:
            candidate = User(
                username=data.get("username", ""),
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                password_validation.validate_password(password, candidate)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
