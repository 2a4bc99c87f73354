import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import CooperationEvent, Enterprise, Sector


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=Enterprise.Status.choices)

    class Meta:
        model = Enterprise
        fields = ["q", "sector", "status"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(name_en__icontains=value) | Q(name_zh__icontains=value) | Q(br_number=value.strip())
        )


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    event_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=CooperationEvent.EventType.choices
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CooperationEvent.Status.choices)
    significance = django_filters.ChoiceFilter(
        label=_("Significance"), choices=CooperationEvent.Significance.choices
    )
    occurred_from = django_filters.DateFilter(
        label=_("From"),
        field_name="occurred_on",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    occurred_to = django_filters.DateFilter(
        label=_("To"),
        field_name="occurred_on",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    mine = django_filters.BooleanFilter(
        label=_("Logged by me"), method="logged_by_me", widget=forms.CheckboxInput
    )

    class Meta:
        model = CooperationEvent
        fields = ["q", "event_type", "status", "significance"]

    def search(self, queryset, name, value):
        return queryset.filter(
            Q(title__icontains=value)
            | Q(enterprise__name_en__icontains=value)
            | Q(enterprise__name_zh__icontains=value)
            | Q(enterprise__br_number=value.strip())
        )

    def logged_by_me(self, queryset, name, value):
        return queryset.filter(logged_by=self.request.user) if value else queryset
