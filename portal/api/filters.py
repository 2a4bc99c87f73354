"""The API's filters are strict: a parameter given with no value is an error (400), as is a
value that does not parse, rather than a filter silently left out."""

import django_filters
from django.utils.translation import gettext as _


class ApiFilterSet(django_filters.FilterSet):
    def is_valid(self):
        valid = super().is_valid()
        for name in self.filters:
            if "" in self.data.getlist(name):
                self.form.add_error(name, _("Give a value, or leave the parameter out."))
                valid = False
        return valid
