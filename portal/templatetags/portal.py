from decimal import Decimal

from django import template

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
