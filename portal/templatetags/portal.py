from decimal import Decimal

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language

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
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


@register.simple_tag
def other_language(english: str, chinese: str) -> str:
    """Under a name or title shown in the page's language (Enterprise.name, Cycle.title): the
    other language's, marked as such for screen readers."""
    if (get_language() or "").startswith("zh"):
        return format_html('<span lang="en">{}</span>', english)
    return format_html('<span lang="zh-Hant">{}</span>', chinese) if chinese else ""
