from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Enterprise
from partners.services.enterprises import ENTERPRISE_FIELDS
from portal.clock import today


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ENTERPRISE_FIELDS
        widgets = {"address": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(Column("name_en"), Column("name_zh")),
            Row(Column("br_number"), Column("sector"), Column("status")),
            Fieldset(
                _("Contact"),
                Row(Column("contact_name"), Column("contact_title")),
                Row(Column("contact_email"), Column("contact_phone")),
                "address",
            ),
            Submit("save", _("Save")),
        )


class EnforcementFlagForm(forms.Form):
    flagged_on = forms.DateField(
        label=_("Date of the concern"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_(
            "While the concern is not cleared, the enterprise is ineligible for any award cycle "
            "whose assessment window contains this date."
        ),
    )
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("raise", _("Raise the concern"), css_class="btn-warning"))

    def clean_flagged_on(self):

        flagged_on = self.cleaned_data["flagged_on"]
        if flagged_on > today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return flagged_on
