"""The administration's calendar. It works in Hong Kong time (TIME_ZONE, Asia/Hong_Kong, no
daylight saving): "today", deadlines and printed dates are Hong Kong dates, whatever zone the
server's clock or a user's browser is in."""

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone


def today(now: datetime.datetime | None = None) -> datetime.date:
    """Today's date in Hong Kong, or the Hong Kong date of the moment `now`."""
    return timezone.localdate(now, timezone=zoneinfo.ZoneInfo(settings.TIME_ZONE))
