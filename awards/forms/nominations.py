from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Sector


class NominationSearchForm(forms.Form):
    """The nominations page's search (name or BR number) and filters; every field optional."""

    STATUSES = [
        ("", _("Any")),
        ("active", _("Nominated")),
        ("withdrawn", _("Withdrawn")),
        ("none", _("Not nominated")),
    ]

    q = forms.CharField(label=_("Name or BR number"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Nomination"), choices=STATUSES, required=False)
    sector = forms.ChoiceField(
        label=_("Sector"), choices=[("", _("Any")), *Sector.choices], required=False
    )


class BulkNominationForm(forms.Form):
    min_events = forms.IntegerField(
        label=_("At least this many verified events in the window"),
        min_value=0,
        max_value=10000,
        initial=1,
    )


class BulkConfirmForm(forms.Form):
    """Posted from the preview: the threshold, and how many enterprises the user was shown."""

    min_events = forms.IntegerField(min_value=0, max_value=10000, widget=forms.HiddenInput)
    expected = forms.IntegerField(min_value=0, widget=forms.HiddenInput)


class WithdrawNominationForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for withdrawal"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("The nomination is kept, marked withdrawn, with this reason."),
    )


class NominateForm(forms.Form):
    enterprise = forms.ModelChoiceField(queryset=None, widget=forms.HiddenInput)

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enterprise"].queryset = enterprises
