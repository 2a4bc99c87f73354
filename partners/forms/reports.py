from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from partners.filters import ANY
from partners.forms.events import MultipleEvidenceField
from partners.models import PartnerReport
from partners.shipments import MAX_REFERENCES, parse_references
from portal.submissions import submission_token_add


class ReportForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=PartnerReport.Category.choices)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=10000,
        help_text=_("What you saw or know: when, where, who and what."),
    )
    shipment_references = forms.CharField(
        label=_("Shipment references"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        # Lazy with its number: "%" on a lazy string would fix it in the import's language.
        help_text=lazy(
            lambda: (
                gettext(
                    "Container numbers (e.g. CSQU3054383) or air waybill numbers (e.g. "
                    "176-12345675), one a line; at most %(limit)d."
                )
                % {"limit": MAX_REFERENCES}
            ),
            str,
        )(),
    )
    attachments = MultipleEvidenceField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, JPEG, PNG, XLSX or DOCX, up to 10 MB each."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            "category",
            "description",
            "shipment_references",
            "attachments",
            Submit("send", _("Send the report")),
        )
        submission_token_add(self)  # one report per form shown, however often it is sent

    def clean_shipment_references(self) -> list[str]:
        return parse_references(self.cleaned_data["shipment_references"])


class ReportNoteForm(forms.Form):
    text = forms.CharField(
        label=_("Internal note"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Customs staff only; the partner never sees it."),
    )


class ReportCloseForm(forms.Form):
    note = forms.CharField(
        label=_("Why is the report closed?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        help_text=_("Kept as an internal note; the partner sees only that it is closed."),
    )


class ReportQueueFilter(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", ANY), *PartnerReport.Status.choices],
    )
    category = forms.ChoiceField(
        label=_("Category"),
        required=False,
        choices=[("", ANY), *PartnerReport.Category.choices],
    )

    source = forms.ChoiceField(
        label=_("Sent through"),
        required=False,
        choices=[("", ANY), *PartnerReport.Source.choices],
    )
    matched = forms.ChoiceField(
        label=_("Manifests"),
        required=False,
        choices=[
            ("", ANY),
            ("yes", _("Matches a manifest")),
            ("no", _("Matches no manifest")),
        ],
    )

    def apply(self, reports):
        """The filtered reports, or none when a filter is not valid (never all of them)."""
        if not self.is_valid():
            return reports.none()
        filters = {name: value for name, value in self.cleaned_data.items() if value}
        if matched := filters.pop("matched", None):
            filters["matched_at__isnull"] = matched == "no"
        return reports.filter(**filters)
