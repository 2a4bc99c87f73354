"""Cursor pagination: a list is read page by page with `next` (and `previous`) links, stable
while rows are added, and the cost of a page does not grow with how far the client has read."""

from rest_framework.pagination import CursorPagination


class ApiCursorPagination(CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    # Newest first; the primary key breaks ties so that no row is skipped or repeated.
    ordering = ("-created_at", "-pk")
