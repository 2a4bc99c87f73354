"""Cursor pagination: a list is read page by page with `next` (and `previous`) links, stable
while rows are added, and the cost of a page does not grow with how far the client has read."""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # Newest first; the primary key breaks ties so that no row is skipped or repeated.
    ordering = ("-created_at", "-pk")

    def get_page_size(self, request):
        """A page_size that is not a whole number from 1 to max_page_size is refused (400),
        not silently replaced by the default."""
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        try:
            size = int(values[-1]) if len(values) == 1 else 0
        except ValueError:
            size = 0
        if not 1 <= size <= self.max_page_size:
            raise ValidationError(
                {
                    self.page_size_query_param: [
                        _("Give a whole number from 1 to %(max)d.") % {"max": self.max_page_size}
                    ]
                }
            )
        return size

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters
