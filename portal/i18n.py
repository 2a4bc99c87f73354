"""Text kept in both languages (names, titles): the one to show in the active language."""

from django.utils.translation import get_language


def in_active_language(english: str, chinese: str) -> str:
    """The Chinese text when the page is in Chinese and there is one, else the English."""
    if chinese and (get_language() or "").startswith("zh"):
        return chinese
    return english


def in_other_language(english: str, chinese: str) -> str:
    """The text in the language the page is not in (beside in_active_language's, as a second
    line or in brackets): the English on a Chinese page, the Chinese (if any) on any other."""
    if (get_language() or "").startswith("zh"):
        return english
    return chinese
