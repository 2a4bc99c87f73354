"""The details of one awardee on the ceremony list: who receives the award and where they sit."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import CeremonyEntry
from awards.services.ceremony import TABLE_MAX, TABLE_MIN


class CeremonyEntryForm(forms.ModelForm):
    """Checked again by the service (ceremony_entry_update), which is the rule."""

    table_number = forms.IntegerField(
        label=_("Table number"), required=False, min_value=TABLE_MIN, max_value=TABLE_MAX
    )

    class Meta:
        model = CeremonyEntry
        fields = ["representative_name", "representative_title", "pronunciation_note"]
        help_texts = {
            "representative_name": _("As the master of ceremonies will announce it."),
            "pronunciation_note": _(
                "How to say the names, for the master of ceremonies (e.g. “Ng: one syllable, "
                "as in ‘sing’”)."
            ),
        }

    field_order = [
        "representative_name",
        "representative_title",
        "pronunciation_note",
        "table_number",
    ]


class CeremonyDateForm(forms.Form):
    ceremony_date = forms.DateField(
        label=_("Date of the ceremony"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Printed on the run sheet and on certificates issued from now on."),
    )
