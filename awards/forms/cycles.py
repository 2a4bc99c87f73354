"""The cycle settings page: the cycle's fields, a rule per event type, and the panel criteria,
posted together and saved in one transaction by awards.services.cycles."""

from decimal import Decimal

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from awards.models import Cycle, EventType, EventTypeRule, PanelCriterion
from awards.services.cycles import CRITERION_FIELDS, CYCLE_FIELDS, SCORING_FIELDS

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CycleForm(forms.ModelForm):
    class Meta:
        model = Cycle
        fields = CYCLE_FIELDS
        widgets = dict.fromkeys(
            ["window_start", "window_end", "nomination_deadline", "scoring_deadline"], DATE_WIDGET
        )

    def __init__(self, *args, scoring_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if scoring_locked:
            for name in SCORING_FIELDS:
                self.fields[name].disabled = True
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Row(Column("year", css_class="col-md-2"), Column("title_en"), Column("title_zh")),
            Row(
                Column("window_start"),
                Column("window_end"),
                Column("nomination_deadline"),
                Column("scoring_deadline"),
            ),
            Row(Column("quorum"), Column("cooperation_weight"), Column("awards_planned")),
            Fieldset(
                _("Significance multipliers"),
                Row(
                    Column("multiplier_routine"),
                    Column("multiplier_notable"),
                    Column("multiplier_major"),
                ),
            ),
        )


class EventRulesForm(forms.Form):
    """Points per event and cap for each of the seven event types."""

    def __init__(self, *args, rules=None, **kwargs):
        super().__init__(*args, prefix="rules", **kwargs)
        points_field = EventTypeRule._meta.get_field("points")
        cap_field = EventTypeRule._meta.get_field("cap")
        for code, label in EventType.choices:
            points, cap = (rules or {}).get(code, (None, None))
            self.fields[f"points_{code}"] = forms.DecimalField(
                label=_("%(type)s: points per event") % {"type": label},
                max_digits=points_field.max_digits,
                decimal_places=points_field.decimal_places,
                initial=points,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            )
            self.fields[f"cap_{code}"] = forms.DecimalField(
                label=_("%(type)s: cap") % {"type": label},
                max_digits=cap_field.max_digits,
                decimal_places=cap_field.decimal_places,
                initial=cap,
                widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01"}),
            )

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            if value is not None and value <= 0:
                self.add_error(name, _("Must be greater than 0."))
        return cleaned

    def rows(self):
        """(event type label, [points field, cap field]) per type, for the rules table."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "form-control is-invalid"
        return [
            (label, [self[f"points_{code}"], self[f"cap_{code}"]])
            for code, label in EventType.choices
        ]

    def rules(self) -> dict[str, tuple[Decimal, Decimal]]:
        return {
            code: (self.cleaned_data[f"points_{code}"], self.cleaned_data[f"cap_{code}"])
            for code in EventType.values
        }


class CriterionForm(forms.Form):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    name_en = PanelCriterion._meta.get_field("name_en").formfield()
    name_zh = PanelCriterion._meta.get_field("name_zh").formfield()
    description_en = PanelCriterion._meta.get_field("description_en").formfield(
        widget=forms.Textarea(attrs={"rows": 2})
    )
    description_zh = PanelCriterion._meta.get_field("description_zh").formfield(
        widget=forms.Textarea(attrs={"rows": 2})
    )
    weight = PanelCriterion._meta.get_field("weight").formfield()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "pk",
            Row(Column("name_en"), Column("name_zh"), Column("weight", css_class="col-md-2")),
            Row(Column("description_en"), Column("description_zh")),
            "DELETE",
        )

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight is not None and weight <= 0:
            raise forms.ValidationError(_("The weight must be greater than 0."))
        return weight


class BaseCriterionFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not self.criteria():
            raise forms.ValidationError(_("A cycle needs at least one panel criterion."))

    def criteria(self) -> list[dict]:
        """The criteria to keep, in page order: filled in and not marked for removal."""
        # A blank extra form has empty cleaned_data; a copied criterion has no pk yet.
        return [
            {
                **{name: form.cleaned_data[name] for name in CRITERION_FIELDS},
                "pk": form.cleaned_data.get("pk"),
            }
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=1, can_delete=True
)


class CycleSettingsForm:
    """The three parts of the settings page, validated together. With `scoring_locked` (a cycle
    in review) the window and multipliers are shown but cannot change, and the rules and
    criteria are not part of the form at all."""

    def __init__(self, data=None, *, instance=None, initial=None, scoring_locked=False):
        initial = dict(initial or {})
        rules = initial.pop("rules", None)
        criteria = initial.pop("criteria", None)
        if instance is not None and instance.pk:
            rules = {r.event_type: (r.points, r.cap) for r in instance.event_rules.all()}
            criteria = [
                {**{name: getattr(c, name) for name in CRITERION_FIELDS}, "pk": c.pk}
                for c in instance.criteria.all()
            ]
        self.scoring_locked = scoring_locked
        self.cycle = CycleForm(
            data, instance=instance, initial=initial, scoring_locked=scoring_locked
        )
        self.rules = None if scoring_locked else EventRulesForm(data, rules=rules)
        self.criteria = (
            None
            if scoring_locked
            else CriterionFormSet(data, prefix="criteria", initial=criteria or None)
        )
        self.service_errors: list[str] = []

    def is_valid(self) -> bool:
        # Every part is validated, so that the page shows all the errors at once.
        parts = [p for p in (self.cycle, self.rules, self.criteria) if p is not None]
        valid = [part.is_valid() for part in parts]
        return all(valid)

    def cleaned(self) -> dict:
        """Keyword arguments for cycle_create / cycle_update."""
        values = {name: self.cycle.cleaned_data[name] for name in CYCLE_FIELDS}
        if self.rules is not None:
            values["rules"] = self.rules.rules()
        if self.criteria is not None:
            values["criteria"] = self.criteria.criteria()
        return values

    def add_service_errors(self, error: ValidationError) -> None:
        """Errors the service found that the forms did not (a year taken a moment ago, a
        cycle that has moved on): on their field when they name one, else above the form."""
        if not hasattr(error, "error_dict"):
            self.service_errors.extend(error.messages)
            return
        for name, messages in error.message_dict.items():
            if name in self.cycle.fields:
                for message in messages:
                    self.cycle.add_error(name, message)
            else:
                self.service_errors.extend(messages)


class AdvanceForm(forms.Form):
    """The confirmation of one step on. The status the user saw is posted back, so that a
    second click, or a colleague's click a moment earlier, does not move the cycle twice."""

    from_status = forms.ChoiceField(choices=Cycle.Status.choices, widget=forms.HiddenInput)

    STEP_LABELS = {
        Cycle.Status.DRAFT: _("Open nominations"),
        Cycle.Status.NOMINATIONS: _("Start the panel review"),
    }

    def __init__(self, *args, cycle: Cycle, **kwargs):
        super().__init__(*args, initial={"from_status": cycle.status}, **kwargs)
        self.submit_label = self.STEP_LABELS[cycle.status]
