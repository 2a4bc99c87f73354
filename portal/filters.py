"""The security log's filters (portal.views.security_log)."""

import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.audit_labels import auth_action_choices
from portal.models import AuditEntry


def _start_of(day: datetime.date) -> datetime.datetime:
    # In the administration's time zone; compared with created_at as such, so that the
    # index on created_at still serves the order.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class AddressFilter(django_filters.Filter):
    field_class = forms.GenericIPAddressField


class SecurityLogFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(
        label=_("Event"), choices=auth_action_choices, empty_label=_("Any")
    )
    username = django_filters.CharFilter(
        label=_("Username or email tried"), field_name="object_repr", lookup_expr="iexact"
    )
    address = AddressFilter(label=_("Client address"), field_name="client_address")
    date_from = django_filters.DateFilter(
        label=_("From"), method="from_day", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = django_filters.DateFilter(
        label=_("To"), method="to_day", widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = AuditEntry
        fields = ["action", "username", "address", "date_from", "date_to"]

    def from_day(self, queryset, name, value):
        return queryset.filter(created_at__gte=_start_of(value))

    def to_day(self, queryset, name, value):
        return queryset.filter(created_at__lt=_start_of(value + datetime.timedelta(days=1)))
