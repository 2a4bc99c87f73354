import django_filters
from django import forms
from django.db import connection
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from partners.models import CooperationEvent, Enterprise, Sector

# The label of a choice filter's empty choice ("no filter").
ANY = _("Any")

# Saved event-list queries, shared by the role homes and the links on the list.
AWAITING_VERIFICATION = "status=submitted&ordering=submitted_at"
MY_OPEN_EVENTS = "mine=on&needs_action=on&ordering=-updated_at"
MY_EVENTS = "mine=on"
# An officer's import: newest first, so the rows just imported are at the top.
MY_IMPORTED_EVENTS = "mine=on&status=submitted&ordering=-created_at"

# Events on the record: past their draft, not withdrawn (what the dashboard counts per month).
ON_RECORD_STATUSES = (
    CooperationEvent.Status.SUBMITTED,
    CooperationEvent.Status.RETURNED,
    CooperationEvent.Status.VERIFIED,
)


class EnterpriseFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    sector = django_filters.ChoiceFilter(label=_("Sector"), choices=Sector.choices, empty_label=ANY)
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Enterprise.Status.choices, empty_label=ANY
    )

    class Meta:
        model = Enterprise
        fields = ["q", "sector", "status"]

    def search(self, queryset, name, value):
        return self.matching(queryset, value)

    @staticmethod
    def matching(queryset, value: str):
        """Enterprises whose English or Chinese name holds `value`, or whose BR number it is
        (on PostgreSQL the names' trigram indexes answer, partners.migrations.0009)."""
        return queryset.filter(
            Q(name_en__icontains=value) | Q(name_zh__icontains=value) | Q(br_number=value.strip())
        )

    @staticmethod
    def matching_keys(queryset, value: str):
        """The keys of `matching`, read as the union of its three conditions: each answered by
        its own index, where their OR is read by scanning every enterprise (PostgreSQL's
        estimate for a long name's trigrams prefers it: 13 ms at 10,000 enterprises against
        under 1 ms)."""
        keys = [
            queryset.filter(condition).order_by().values_list("pk", flat=True)
            for condition in (
                Q(name_en__icontains=value),
                Q(name_zh__icontains=value),
                Q(br_number=value.strip()),
            )
        ]
        return keys[0].union(*keys[1:])


class EventOrderingFilter(django_filters.OrderingFilter):
    """One ordering at a time, each ending on the primary key so that pages never overlap.
    Without a value the model's default applies: date occurred, newest first."""

    ORDER_BY = {
        "-occurred_on": [F("occurred_on").desc(), F("pk").desc()],
        "occurred_on": [F("occurred_on").asc(), F("pk").asc()],
        # The verifier's queue: the longest waiting first; never-submitted drafts last.
        "submitted_at": [F("submitted_at").asc(nulls_last=True), F("pk").asc()],
        "-updated_at": [F("updated_at").desc(), F("pk").desc()],
        "-created_at": [F("created_at").desc(), F("pk").desc()],
    }

    def __init__(self, **kwargs):
        super().__init__(
            choices=[
                ("-occurred_on", _("Date occurred, newest first")),
                ("occurred_on", _("Date occurred, oldest first")),
                ("submitted_at", _("Submitted, oldest first")),
                ("-updated_at", _("Last changed, newest first")),
                ("-created_at", _("Logged, newest first")),
            ],
            # The first choice is the default; an empty choice would only repeat it.
            empty_label=None,
            **kwargs,
        )

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.order_by(*self.ORDER_BY[value[0]])


class EventFilterForm(forms.Form):
    """The event filters' form: a range whose end comes before its start is an error on the
    end, not a list of "0 events" that looks like an answer."""

    RANGES = (("occurred_from", "occurred_to"), ("submitted_from", "submitted_to"))

    def clean(self):
        cleaned = super().clean()
        for start, end in self.RANGES:
            if cleaned.get(start) and cleaned.get(end) and cleaned[end] < cleaned[start]:
                self.add_error(
                    end,
                    _("This date is before the start of the range (%(start)s).")
                    % {"start": cleaned[start].isoformat()},
                )
        return cleaned


class EventFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="search")
    event_type = django_filters.ChoiceFilter(
        label=_("Type"), choices=CooperationEvent.EventType.choices, empty_label=ANY
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=CooperationEvent.Status.choices, empty_label=ANY
    )
    significance = django_filters.ChoiceFilter(
        label=_("Significance"), choices=CooperationEvent.Significance.choices, empty_label=ANY
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
    # Dates of submission, Hong Kong time (TIME_ZONE): the dashboard's backlog age buckets.
    submitted_from = django_filters.DateFilter(
        label=_("Submitted from"),
        field_name="submitted_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    submitted_to = django_filters.DateFilter(
        label=_("Submitted to"),
        field_name="submitted_at",
        lookup_expr="date__lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    on_record = django_filters.BooleanFilter(
        label=_("Submitted, returned or verified"),
        method="submitted_returned_or_verified",
        widget=forms.CheckboxInput,
    )
    mine = django_filters.BooleanFilter(
        label=_("Logged by me"), method="logged_by_me", widget=forms.CheckboxInput
    )
    needs_action = django_filters.BooleanFilter(
        label=_("Draft or returned"), method="draft_or_returned", widget=forms.CheckboxInput
    )
    ordering = EventOrderingFilter(label=_("Order"))

    class Meta:
        model = CooperationEvent
        fields = ["q", "event_type", "status", "significance"]
        form = EventFilterForm

    def search(self, queryset, name, value):
        """Events whose title holds the text, or whose enterprise's name does (or is the BR
        number). The matching enterprises are read first, in their own small query, so that
        the events' condition is one PostgreSQL answers from two indexes (the titles'
        trigram index, partners.migrations.0009, and the enterprise's) rather than by reading
        every event joined to its enterprise."""
        title, enterprise = self.search_conditions(value)
        return queryset.filter(title | enterprise)

    def search_conditions(self, value) -> tuple[Q, Q]:
        """The search's two conditions (it is either): the title holds the text; the event is
        of an enterprise whose name holds it (read once, in its own small query)."""
        if getattr(self, "_searched", None) != value:
            visible = Enterprise.objects.visible_to(self.request.user)
            matching = EnterpriseFilter.matching_keys(visible, value)
            self._searched, self._enterprises = value, list(matching)
        return Q(title__icontains=value), Q(enterprise_id__in=self._enterprises)

    def _union_ordering(self) -> str | None:
        ordering = (self.form.cleaned_data.get("ordering") or ["-occurred_on"])[0]
        return ordering if ordering in ("-occurred_on", "occurred_on") else None

    def searches_by_union(self) -> bool:
        """Whether search_keys reads this list's search: its order is the date occurred, and
        the database orders and limits each part of a UNION (PostgreSQL; not SQLite)."""
        return (
            connection.features.supports_slicing_ordering_in_compound
            and self.is_valid()
            and self._union_ordering() is not None
        )

    def search_keys(self, events, value, count: int) -> list | None:
        """The keys of the first `count` events of `events` (the list without its search) that
        the search finds, in the list's order, when that order is the date occurred: the union
        of the first `count` by title and the first `count` by enterprise, each read from its own
        index (the enterprise's from its timeline index alone), then ordered again. Both
        conditions ORed in one scan make PostgreSQL walk the newest-first index and test every
        event until `count` match (200 ms at 1,000,000 events for a large enterprise's name;
        4 ms so). None for the other orders."""
        ordering = self._union_ordering()
        if ordering is None:
            return None
        order = EventOrderingFilter.ORDER_BY[ordering]
        names = ("-occurred_on", "-pk") if ordering.startswith("-") else ("occurred_on", "pk")
        first, *others = (
            events.filter(condition).order_by(*order).values_list("pk", "occurred_on")[:count]
            for condition in self.search_conditions(value)
        )
        return [pk for pk, _occurred in first.union(*others).order_by(*names)[:count]]

    def logged_by_me(self, queryset, name, value):
        return queryset.filter(logged_by=self.request.user) if value else queryset

    def submitted_returned_or_verified(self, queryset, name, value):
        """Neither drafts nor withdrawn events: what the dashboard's monthly counts count."""
        return queryset.filter(status__in=ON_RECORD_STATUSES) if value else queryset

    def draft_or_returned(self, queryset, name, value):
        """What still needs its officer: a draft to submit, or a returned event to fix."""
        if not value:
            return queryset
        return queryset.filter(status__in=CooperationEvent.EDITABLE_STATUSES)
