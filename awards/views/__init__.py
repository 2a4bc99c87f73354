"""The awards app's pages, one module per area. Every page of a cycle starts from
`cycle_from_url`."""

from django.shortcuts import get_object_or_404

from awards.models import Cycle


def cycle_from_url(request, year, queryset=None) -> Cycle:
    """The cycle of the URL's year, as the user may see it (Cycle.objects.visible_to): 404 for
    a cycle the user may not see. `queryset` adds what the page needs (annotations, related
    rows)."""
    queryset = Cycle.objects.all() if queryset is None else queryset
    return get_object_or_404(queryset.visible_to(request.user), year=year)
