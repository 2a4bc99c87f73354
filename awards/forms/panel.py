from crispy_forms.bootstrap import InlineRadios
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Fieldset, Layout, Submit
from django import forms
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from awards.models import SCORE_MAX, SCORE_MIN, Assignment
from awards.services.panel import AssignmentMode, panel_members
from portal.auth import person_name

Declaration = Assignment.Declaration


class SecondarySubmit(Submit):
    field_classes = "btn btn-outline-primary"


class AssignmentForm(forms.Form):
    mode = forms.ChoiceField(
        label=_("How to assign"),
        choices=AssignmentMode.choices,
        widget=forms.RadioSelect,
        initial=AssignmentMode.BALANCED,
    )
    max_load = forms.IntegerField(
        label=_("Maximum nominees per member"),
        min_value=1,
        max_value=1000,
        required=False,
        help_text=_("For the balanced assignment only."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes it, with its action
        self.helper.add_input(Submit("assign", _("Assign the panel")))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("mode") == AssignmentMode.BALANCED and not cleaned.get("max_load"):
            self.add_error("max_load", _("Set the maximum load for a balanced assignment."))
        return cleaned


class DeclarationForm(forms.Form):
    declaration = forms.ChoiceField(
        label=_("Your declaration"),
        choices=[
            (Declaration.NO_CONFLICT, _("I have no conflict of interest with this nominee")),
            (Declaration.CONFLICT, _("I have a conflict of interest with this nominee")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Nature of the conflict"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
        help_text=_(
            "Required when you declare a conflict, e.g. a family member works there, or you "
            "advised the enterprise."
        ),
    )

    def __init__(self, *args, assignment: Assignment, **kwargs):
        super().__init__(*args, **kwargs)
        if assignment.declaration == Declaration.NO_CONFLICT:
            # From "no conflict" only a conflict can still be declared.
            self.fields["declaration"].choices = self.fields["declaration"].choices[1:]
            self.fields["declaration"].initial = Declaration.CONFLICT
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes it, with its action
        self.helper.add_input(Submit("declare", _("Declare")))

    def clean(self):
        cleaned = super().clean()
        if (
            cleaned.get("declaration") == Declaration.CONFLICT
            and not cleaned.get("reason", "").strip()
        ):
            self.add_error("reason", _("Say what the conflict of interest is."))
        return cleaned


SCORE_CHOICES = [(score, str(score)) for score in range(SCORE_MIN, SCORE_MAX + 1)]


class ReviewForm(forms.Form):
    """One 0–10 radio group per criterion (a fieldset each: keyboard users move through the
    scores with the arrow keys), and a comment. A draft may leave criteria unscored."""

    SAVE, SUBMIT = "save", "submit"

    comment = forms.CharField(
        label=_("Comment (optional)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
    )

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        chinese = (get_language() or "").startswith("zh")
        fields = []
        for criterion in self.criteria:
            name = self.field_name(criterion)
            self.fields[name] = forms.TypedChoiceField(
                label=criterion.name_zh if chinese else criterion.name_en,
                choices=SCORE_CHOICES,
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                help_text=(criterion.description_zh if chinese else criterion.description_en)
                or _("Weight %(weight)s.") % {"weight": criterion.weight.normalize()},
            )
            fields.append(InlineRadios(name))
        self.helper = FormHelper()
        self.helper.form_tag = False  # the template writes it, with its action
        self.helper.layout = Layout(
            Fieldset(_("Scores from 0 (lowest) to 10 (highest)"), *fields),
            "comment",
            HTML(
                format_html(
                    '<p class="form-text">{}</p>',
                    _("A draft can be changed until the deadline. Once submitted, it is final."),
                )
            ),
        )
        self.helper.add_input(SecondarySubmit(self.SAVE, _("Save draft")))
        self.helper.add_input(Submit(self.SUBMIT, _("Submit review")))

    @staticmethod
    def field_name(criterion) -> str:
        return f"criterion_{criterion.pk}"

    def submitting(self) -> bool:
        return self.SUBMIT in self.data

    def clean(self):
        cleaned = super().clean()
        if self.submitting():
            for criterion in self.criteria:
                name = self.field_name(criterion)
                if name not in self.errors and cleaned.get(name) is None:
                    self.add_error(name, _("Score this criterion before submitting."))
        return cleaned

    def scores(self) -> dict[int, int | None]:
        return {c.pk: self.cleaned_data.get(self.field_name(c)) for c in self.criteria}

    @classmethod
    def initial_from(cls, review) -> dict:
        if review is None:
            return {}
        initial = {f"criterion_{s.criterion_id}": s.score for s in review.scores.all()}
        initial["comment"] = review.comment
        return initial


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return person_name(obj)


class AlternateForm(forms.Form):
    """A member of the Panel group to hold in reserve for the cycle (not one already)."""

    member = MemberChoiceField(label=_("Panel member"), queryset=None)

    def __init__(self, *args, cycle, taken=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            panel_members().exclude(pk__in=list(taken)).order_by("last_name", "first_name", "pk")
        )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.add_input(Submit("add", _("Add as an alternate")))
