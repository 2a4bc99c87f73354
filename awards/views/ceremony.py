"""The ceremony list: running order, representatives and the run sheet (issue 4, item 5)."""

from django.http import Http404


def ceremony_list(request, year):
    raise Http404  # being written
