"""Statuses that carry how they look: each status class lists the Bootstrap classes of its
badge beside its values, and every page draws it with `{% status_badge obj %}`
(portal/templatetags/portal.py)."""

import enum

from django.db import models

# A status without a colour of its own (a draft, say): quiet.
PLAIN_BADGE = "text-bg-light border"


class StatusChoices(models.TextChoices):
    """TextChoices whose class sets BADGES = enum.nonmember({value: css classes})."""

    @property
    def badge(self) -> str:
        return type(self).BADGES.get(self.value, PLAIN_BADGE)


def badges(mapping: dict[str, str]):
    """The BADGES of a status class: not one of its members."""
    return enum.nonmember(mapping)
