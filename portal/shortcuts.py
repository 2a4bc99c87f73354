"""What every view needs, said once: a page of a list, the filters of a list without its page,
a service's refusal told to the user, and a file sent as a download."""

from contextlib import contextmanager

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header

from portal.exports import CONTENT_TYPES

PAGE_SIZE = 50
# How far a list that can grow with the history counts: past it, "more than 10,000".
COUNT_CAP = 10_000
# How many rows past the page shown such a list counts ("page 1 of more than 41"): the cost of
# a page is that of reading its window's keys, not all of COUNT_CAP's.
COUNT_AHEAD = 1_000


def paginate(request, queryset, size: int = PAGE_SIZE) -> Page:
    """The page the request asks for (?page=); the last one past the end, the first on junk."""
    return Paginator(queryset, size).get_page(request.GET.get("page"))


class CappedPaginator(Paginator):
    """Pages of a list that grows with the history (a million events), at a cost that does
    not: the keys of the rows up to the end of the page asked for and `ahead` rows beyond it
    (the window), in the list's order, are read in one query (the filters and the search run
    once, through the order's index), and a page's rows are then loaded by key. The count says
    "more than" (`more`) when rows lie past the window; the next pages are counted as they are
    asked for. Past `cap` rows the pages stop (`capped`): narrowing the filters finds the rest.
    When the caller already knows how many rows match (`count`, from a kept count), only the
    keys up to the end of the page asked for are read.
    """

    def __init__(
        self,
        object_list,
        per_page,
        cap: int | None = None,
        keys=None,
        ahead: int | None = None,
        count: int | None = None,
    ):
        super().__init__(object_list, per_page)
        self.cap = COUNT_CAP if cap is None else cap
        self.known_count = count
        self.ahead = 0 if count is not None else COUNT_AHEAD if ahead is None else ahead
        self.window = min(self.cap, self.per_page + self.ahead)
        # `keys(n)`: the first n keys in the list's order, when a query of its own reads them
        # faster than object_list does (a search: partners.views.events).
        self.read_keys = keys

    def look_to(self, number) -> None:
        """Widen the window to page `number` and `ahead` rows past it (before counting)."""
        try:
            number = max(int(number), 1)
        except (TypeError, ValueError):
            number = 1
        if self.known_count is not None:  # past the last page is the last page: read no further
            number = min(number, max(1, -(-min(self.known_count, self.cap) // self.per_page)))
        window = min(self.cap, number * self.per_page + self.ahead)
        if window > self.window:
            self.window = window
            for counted in ("keys", "count", "num_pages"):
                self.__dict__.pop(counted, None)

    @cached_property
    def keys(self) -> list:
        if self.read_keys is not None:
            return list(self.read_keys(self.window + 1))
        return list(self.object_list.values_list("pk", flat=True)[: self.window + 1])

    @cached_property
    def count(self) -> int:
        if self.known_count is not None:
            return min(self.known_count, self.cap)
        return min(len(self.keys), self.window)

    @property
    def more(self) -> bool:
        """More rows match than were counted."""
        if self.known_count is not None:
            return self.known_count > self.cap
        return len(self.keys) > self.window

    @property
    def capped(self) -> bool:
        """More rows match than the pages reach."""
        if self.known_count is not None:
            return self.known_count > self.cap
        return self.more and self.window >= self.cap

    def get_page(self, number) -> Page:
        self.look_to(number)
        return super().get_page(number)

    def page(self, number) -> Page:
        self.look_to(number)
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        keys = self.keys[start : min(start + self.per_page, self.count)]
        rows = {row.pk: row for row in self.object_list.filter(pk__in=keys).order_by()}
        return self._get_page([rows[key] for key in keys if key in rows], number, self)


def paginate_capped(
    request, queryset, size: int | None = None, cap: int | None = None, keys=None
) -> Page:
    """paginate() for the lists that grow with the history: a CappedPaginator's page."""
    paginator = CappedPaginator(queryset, size or PAGE_SIZE, cap, keys)
    return paginator.get_page(request.GET.get("page"))


def query_without_page(request) -> str:
    """The current filters, for pagination and export links."""
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def filtered_rows(filterset):
    """The rows of a django-filter FilterSet, or none at all when a filter could not be
    applied: a list that silently ignored a bad filter would look like an answer to the
    question asked."""
    return filterset.qs if filterset.is_valid() else filterset.queryset.none()


def refusal_message(error: ValidationError) -> str:
    return " ".join(error.messages)


class Outcome:
    ok = True


@contextmanager
def refusal_reported(request):
    """Run a service call in the block; if it refuses (ValidationError: the state does not
    allow it, typically someone acted a moment earlier), the user reads why as an error message
    and `outcome.ok` is False. PermissionDenied is not caught: the user gets the 403 page.

        with refusal_reported(request) as outcome:
            services.nomination_withdraw(nomination=nomination, user=request.user, reason=r)
        if outcome.ok:
            messages.success(request, _("Nomination withdrawn."))
    """
    outcome = Outcome()
    try:
        yield outcome
    except ValidationError as error:
        outcome.ok = False
        messages.error(request, refusal_message(error))


DOWNLOAD_TYPES = {**CONTENT_TYPES, "pdf": "application/pdf", "zip": "application/zip"}


# Whatever a download holds, a browser that opens it anyway runs nothing in it and reaches
# nothing from it (no script, no plugin, no request, no same-origin access).
DOWNLOAD_CSP = "sandbox; default-src 'none'"


def send_download(content, filename: str, content_type: str | None = None) -> HttpResponse:
    """`content` as an attachment named `filename` (a name the portal made: never one an
    uploader chose), its content type from the name's extension unless given. `content` is
    bytes; an open binary file, streamed and closed once sent; or any other iterable of bytes,
    streamed as it is produced (an export's rows read from the database chunk by chunk:
    portal.exports.export_table). Django writes the name into the header safely, non-ASCII
    names included. The browser is told not to guess another type (nosniff) and, should it
    show the file, to run nothing in it (a sandboxing Content-Security-Policy)."""
    if content_type is None:
        content_type = DOWNLOAD_TYPES.get(filename.rsplit(".", 1)[-1], "application/octet-stream")
    if isinstance(content, bytes | bytearray):
        response = HttpResponse(content, content_type=content_type)
    elif hasattr(content, "read"):
        response = FileResponse(
            content, as_attachment=True, filename=filename, content_type=content_type
        )
    else:
        response = StreamingHttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response
