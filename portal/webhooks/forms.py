from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from portal.submissions import submission_token_add
from portal.text import validate_single_line
from portal.webhooks.events import registered_events


class EndpointForm(forms.Form):
    url = forms.URLField(
        label=_("URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_("An https:// address of your system that accepts a POST with a JSON body."),
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
        help_text=_("What this endpoint is, for your colleagues (optional)."),
    )
    event_types = forms.MultipleChoiceField(
        label=_("Events"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The portal calls this URL when one of these happens to your enterprise."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["event_types"].choices = [
            (event.code, event.label) for event in registered_events()
        ]
        self.helper = FormHelper()
        self.helper.layout = Layout(
            "url", "description", "event_types", Submit("add", _("Add the endpoint"))
        )
        submission_token_add(self)  # one endpoint per form shown, however often it is sent
