"""The what-if settings of the ranking page, and the secretariat's decision on one nominee."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import Cycle, EventType

SIGNIFICANCES = ("routine", "notable", "major")


def _decimal(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=8, decimal_places=2, min_value=Decimal("0.01"), **kwargs
    )


class WhatIfForm(forms.Form):
    """α, the significance multipliers and each event type's points and cap, initially the
    cycle's own. Never saved: the ranking is recomputed with them in memory."""

    cooperation_weight = forms.DecimalField(
        label=_("Cooperation weight (α)"),
        max_digits=3,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("1"),
    )
    multiplier_routine = _decimal(_("Routine ×"))
    multiplier_notable = _decimal(_("Notable ×"))
    multiplier_major = _decimal(_("Major ×"))

    def __init__(self, *args, cycle: Cycle, **kwargs):
        self.cycle = cycle
        self.event_rules = sorted(
            cycle.event_rules.all(), key=lambda rule: EventType.values.index(rule.event_type)
        )
        initial = {
            "cooperation_weight": cycle.cooperation_weight,
            "multiplier_routine": cycle.multiplier_routine,
            "multiplier_notable": cycle.multiplier_notable,
            "multiplier_major": cycle.multiplier_major,
        }
        for rule in self.event_rules:
            initial[f"points_{rule.event_type}"] = rule.points
            initial[f"cap_{rule.event_type}"] = rule.cap
        super().__init__(*args, initial=initial, **kwargs)
        for rule in self.event_rules:
            label = rule.get_event_type_display()
            self.fields[f"points_{rule.event_type}"] = _decimal(
                _("%(type)s: points per event") % {"type": label}
            )
            self.fields[f"cap_{rule.event_type}"] = _decimal(_("%(type)s: cap") % {"type": label})

    def rule_fields(self):
        """(type label, points field, cap field) per event type, for the template's grid."""
        return [
            (
                rule.get_event_type_display(),
                self[f"points_{rule.event_type}"],
                self[f"cap_{rule.event_type}"],
            )
            for rule in self.event_rules
        ]

    def settings(self) -> dict:
        """The keyword arguments of awards.selectors.ranking.what_if."""
        data = self.cleaned_data
        return {
            "cooperation_weight": data["cooperation_weight"],
            "multipliers": {level: data[f"multiplier_{level}"] for level in SIGNIFICANCES},
            "rules": {
                rule.event_type: (
                    data[f"points_{rule.event_type}"],
                    data[f"cap_{rule.event_type}"],
                )
                for rule in self.event_rules
            },
        }


class DecisionForm(forms.Form):
    awarded = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("yes", _("Awarded")), ("no", _("Not awarded"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    rationale = forms.CharField(
        label=_("Rationale"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(
            attrs={
                "rows": 2,
                "class": "form-control form-control-sm",
                "placeholder": _("Rationale: required when the decision departs from the ranking"),
            }
        ),
    )

    @classmethod
    def for_nomination(
        cls, nomination, data=None, *, pending=False, draft: dict | None = None
    ) -> "DecisionForm":
        """`draft`: what the secretariat sent for this nominee when it was refused (its
        "awarded" and "rationale"), shown again in place of the saved decision."""
        initial = {"rationale": nomination.decision_rationale}
        if nomination.awarded is not None:
            initial["awarded"] = "yes" if nomination.awarded else "no"
        if draft is not None:
            initial["rationale"] = draft.get("rationale", "")
            if draft.get("awarded") in ("yes", "no"):
                initial["awarded"] = draft["awarded"]
            else:
                initial.pop("awarded", None)
        form = cls(data, initial=initial, prefix=f"n{nomination.pk}")
        form.refusal = draft.get("refusal", "") if draft else ""
        if pending:
            # Below the quorum a nominee is not ranked, so it cannot be awarded.
            form.fields["awarded"].choices = [("no", _("Not awarded"))]
        return form
