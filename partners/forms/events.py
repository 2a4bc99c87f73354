from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from partners.models import CooperationEvent, Enterprise
from partners.services.events import EVENT_CONTENT_FIELDS, VERIFY_COMMENT_MAX
from partners.services.uploads import validate_upload
from portal.clock import today
from portal.submissions import submission_token_add


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleEvidenceField(forms.FileField):
    """Several evidence files at once; each is checked by content and size."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        cleaned = [super(MultipleEvidenceField, self).clean(f, initial) for f in files]
        errors = []
        for upload in cleaned:
            try:
                validate_upload(upload)
            except forms.ValidationError as exc:
                errors.extend(exc.messages)
        if errors:
            raise forms.ValidationError(errors)
        return cleaned


class EventForm(forms.ModelForm):
    evidence = MultipleEvidenceField(
        label=_("Evidence files"),
        required=False,
        help_text=_("PDF, JPEG, PNG, XLSX or DOCX, up to 10 MB each."),
    )

    class Meta:
        model = CooperationEvent
        fields = EVENT_CONTENT_FIELDS
        widgets = {
            "occurred_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "partner_summary": forms.Textarea(attrs={"rows": 3}),
            "restricted_details": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, enterprises, **kwargs):
        super().__init__(*args, **kwargs)
        # New events go to active enterprises; an existing event keeps its enterprise even if
        # that enterprise has been suspended since.
        choosable = Q(status=Enterprise.Status.ACTIVE)
        if self.instance.enterprise_id:
            choosable |= Q(pk=self.instance.enterprise_id)
        self.fields["enterprise"].queryset = enterprises.filter(choosable)
        # The choice reads in the officer's language (Enterprise.__str__ is the English name).
        self.fields["enterprise"].label_from_instance = lambda e: f"{e.name} ({e.br_number})"
        # A browser cuts a pasted title at `maxlength` without a word: the longer title is
        # sent whole and refused with its length instead.
        self.fields["title"].widget.attrs.pop("maxlength", None)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.layout = Layout(
            Row(Column("enterprise"), Column("event_type")),
            Row(Column("occurred_on"), Column("significance")),
            "title",
            "partner_summary",
            "restricted_details",
            Fieldset(
                _("Outcome"),
                Row(Column("seizure_value_hkd"), Column("cases"), Column("arrests")),
            ),
            "evidence",
            Submit("save", _("Save draft")),
        )
        if self.instance.pk is None:
            submission_token_add(self)  # a new event is created once per form shown

    def clean_occurred_on(self):

        occurred_on = self.cleaned_data["occurred_on"]
        if occurred_on > today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return occurred_on

    def content(self) -> dict:
        return {name: self.cleaned_data[name] for name in EVENT_CONTENT_FIELDS}


class VerifyForm(forms.Form):
    """The second step of a verification: an optional comment for the officer. Its buttons
    are the page's own (verify; verify and go to the next in the queue)."""

    comment = forms.CharField(
        label=_("Comment for the officer (optional)"),
        required=False,
        max_length=VERIFY_COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, officer_name: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Refused with its length rather than cut by the browser (as the event's title).
        self.fields["comment"].widget.attrs.pop("maxlength", None)
        # Crispy shows help texts as HTML: the name (the officer's own words) is escaped.
        self.fields["comment"].help_text = mark_safe(
            _("Kept in the event's audit trail and sent to %(officer)s, who logged it.")
            % {"officer": escape(officer_name)}
        )


# An import may hold up to settings.IMPORT_MAX_ROWS rows (100,000: some 30 MB of CSV with
# summaries); the upload is read row by row from disk, never whole.
IMPORT_MAX_MB = 100


class EventImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV or XLSX file"),
        help_text=_("The first row must be the header of the import template."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("import", _("Check and import")))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        if upload.size > IMPORT_MAX_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(n)d MB.") % {"n": IMPORT_MAX_MB}
            )
        return upload
