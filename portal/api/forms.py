"""The form that creates an API key, for a partner enterprise's keys or a staff service
account's: the scopes offered are the kind's own."""

import datetime
import zoneinfo

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.api.scopes import scope_choices
from portal.clock import today
from portal.submissions import submission_token_add
from portal.text import validate_single_line


class ApiKeyForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        validators=[validate_single_line],
        help_text=_("Which system uses it, so that you can tell your keys apart."),
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the key may do. Give it only what the system needs."),
    )
    expires_on = forms.DateField(
        label=_("Valid until"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The key stops working at the end of this day."),
    )

    def __init__(self, *args, scopes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scopes"].choices = scope_choices(scopes)
        self.fields["expires_on"].initial = today() + datetime.timedelta(days=90)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "name", "scopes", "expires_on", Submit("create", _("Create the key"))
        )
        submission_token_add(self)  # one key per form shown, however often it is sent

    def clean_expires_on(self):
        day = self.cleaned_data["expires_on"]
        if day < today():
            raise forms.ValidationError(_("The expiry must be in the future."))
        if day > today() + datetime.timedelta(days=settings.API_KEY_MAX_DAYS):
            raise forms.ValidationError(
                _("A key is valid for at most %(days)d days.") % {"days": settings.API_KEY_MAX_DAYS}
            )
        return day

    def expires_at(self) -> datetime.datetime:
        """The end of the chosen day, in the administration's time zone."""
        day = self.cleaned_data["expires_on"] + datetime.timedelta(days=1)
        return timezone.make_aware(
            datetime.datetime.combine(day, datetime.time()), zoneinfo.ZoneInfo(settings.TIME_ZONE)
        )
