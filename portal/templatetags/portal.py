from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

from portal.auth import person_name

register = template.Library()


@register.filter
def hkd(value) -> str:
    """HK$1,500,000.00 in every language: Hong Kong writes amounts this way in both."""
    if value is None or value == "":
        return ""
    return f"HK${Decimal(value):,.2f}"


@register.filter
def person(user) -> str:
    """A user as people know them: the full name, or the username when there is none."""
    return person_name(user)


@register.simple_tag
def other_language(english: str, chinese: str) -> str:
    """Under a name or title shown in the page's language (Enterprise.name, Cycle.title): the
    other language's, marked as such for screen readers."""
    if (get_language() or "").startswith("zh"):
        return format_html('<span lang="en">{}</span>', english)
    return format_html('<span lang="zh-Hant">{}</span>', chinese) if chinese else ""


@register.simple_tag
def status_badge(obj) -> str:
    """The badge of `obj`'s status (an event, a report, a cycle, a review): its label in the
    reader's language, in the colour its status class gives it (portal/choices.py)."""
    status = type(obj).Status(obj.status)
    return format_html('<span class="badge status-badge {}">{}</span>', status.badge, status.label)
