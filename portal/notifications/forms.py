from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from portal.notifications.kinds import kinds_for


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of emails"), choices=settings.LANGUAGES)
    emails = forms.MultipleChoiceField(
        label=_("Email me when"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("You see every notification in the portal either way."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.kinds = kinds_for(user)
        self.fields["emails"].choices = [(kind.code, kind.label) for kind in self.kinds]
