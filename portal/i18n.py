"""Text kept in both languages (names, titles): the one to show in the active language."""

from django.utils.translation import get_language


def in_active_language(english: str, chinese: str) -> str:
    """The Chinese text when the page is in Chinese and there is one, else the English."""
    if chinese and (get_language() or "").startswith("zh"):
        return chinese
    return english
