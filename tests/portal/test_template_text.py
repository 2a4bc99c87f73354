"""No English left in the templates: every word a user reads goes through a translate tag.

The check reads each template with Django's own lexer, drops what the translation tags and
comments hold (and every {{ variable }} and {% tag %}), then reads what is left as HTML: its text
and the attributes a user reads or hears must not hold a word in Latin letters, except the
few names below that stay as they are in both languages.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

from django.template.base import Lexer, TokenType

from tests.conftest import BASE_DIR

TEMPLATES = BASE_DIR / "templates"
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# Words written the same in English and in Chinese pages: the programme's acronym and the file
# formats on download buttons; the language switcher names each language in itself (English,
# 繁體中文). Add a word only if it is written so in both languages.
# "eepa": the prefix of every API key (eepa_<prefix>_<secret>), a token, not a word.
ALLOWED_WORDS = {"EEPA", "CSV", "XLSX", "English", "eepa"}
# Attributes a user reads (tooltips, alternative text, placeholders) or a screen reader speaks.
READ_ATTRIBUTES = {"title", "alt", "aria-label", "aria-description", "placeholder"}
BUTTON_INPUT_TYPES = {"submit", "button", "reset"}
# Not text: JSON data for the charts, and styles.
IGNORED_ELEMENTS = {"script", "style"}
# Bilingual documents (the certificate, the run sheet) print English whatever the reader's
# language: their English is written in an element marked lang="en" (which a screen reader
# needs anyway), and that element's text and attributes are left alone.
VOID_ELEMENTS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
# What a translation tag, a variable or a tag becomes: no letters, so nothing to report.
HOLE = "\u2026"
# Text that a variable's filter prints in place of the value ({{ x|default:"none" }}); the other
# filters' arguments (a date format, a json_script id) are not shown.
PRINTED_ARGUMENT = re.compile(
    r"\|\s*(?:default|default_if_none|yesno)\s*:\s*(?:\"([^\"]*)\"|'([^']*)')"
)


# crispy-bootstrap5's own templates, overridden for accessible errors (docs/accessibility.md):
# markup only, with tag names made by template tags that no HTML reader can follow; their text
# is the forms' own, translated where the forms are written.
CRISPY_OVERRIDES = TEMPLATES / "bootstrap5"


def template_files() -> list[Path]:
    return sorted(
        path
        for path in TEMPLATES.rglob("*")
        if path.suffix in {".html", ".txt"}
        and path.is_file()
        and CRISPY_OVERRIDES not in path.parents
    )


def _outside_translation(source: str) -> str:
    """The template's text outside blocktranslate and comment blocks, each tag, variable and
    translated block replaced by HOLE (keeping its line breaks, so that lines still count)."""
    kept, skipping = [], None
    for token in Lexer(source).tokenize():
        raw = token.contents
        if token.token_type == TokenType.BLOCK:
            name = raw.split(maxsplit=1)[0] if raw else ""
            if skipping is None and name in {"blocktranslate", "blocktrans", "comment"}:
                skipping = "end" + name
            elif name == skipping:
                skipping = None
        if token.token_type == TokenType.TEXT and skipping is None:
            kept.append(raw)
        else:
            kept.append(HOLE + "\n" * raw.count("\n"))
    return "".join(kept)


class _TextReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.ignored_depth = 0
        self.english: list[str] = []  # the open elements from one marked lang="en" inwards

    def _check(self, text: str, line: int) -> None:
        if self.english:
            return
        words = [word for word in LATIN_WORD.findall(text) if word not in ALLOWED_WORDS]
        if words:
            self.found.append((line, " ".join(text.split())))

    def handle_starttag(self, tag, attrs):
        line = self.getpos()[0]
        attributes = dict(attrs)
        # <html lang="en"> declares a page's main language, not a deliberate English part.
        marked_english = tag != "html" and attributes.get("lang") == "en"
        if tag not in VOID_ELEMENTS and (self.english or marked_english):
            self.english.append(tag)
        elif marked_english:  # a void element: only its own attributes
            return
        for name, value in attrs:
            if value and name in READ_ATTRIBUTES:
                self._check(value, line)
        if tag == "input" and (attributes.get("type") or "").lower() in BUTTON_INPUT_TYPES:
            self._check(attributes.get("value") or "", line)
        if tag in IGNORED_ELEMENTS:
            self.ignored_depth += 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag):
        if self.english and self.english[-1] == tag:
            self.english.pop()
        if tag in IGNORED_ELEMENTS and self.ignored_depth:
            self.ignored_depth -= 1

    def handle_data(self, data):
        if not self.ignored_depth:
            # getpos() is where the data starts; count the blank lines before its first word.
            line = self.getpos()[0] + data[: len(data) - len(data.lstrip())].count("\n")
            self._check(data, line)


def _printed_arguments(source: str) -> list[tuple[int, str]]:
    return [
        (token.lineno, text)
        for token in Lexer(source).tokenize()
        if token.token_type == TokenType.VAR
        for match in PRINTED_ARGUMENT.finditer(token.contents)
        for text in [match[1] if match[1] is not None else match[2]]
        if any(word not in ALLOWED_WORDS for word in LATIN_WORD.findall(text))
    ]


def untranslated_text(source: str) -> list[tuple[int, str]]:
    """(line, text) of each piece of English a user would read in this template's output."""
    reader = _TextReader()
    reader.feed(_outside_translation(source))
    reader.close()
    return sorted(reader.found + _printed_arguments(source))


def test_the_checker_finds_an_untranslated_word_and_accepts_translated_ones():
    template = (
        "{% load i18n %}\n"
        '<h1 title="{% translate "Events" %}">{% translate "Events" %}</h1>\n'
        "{% blocktranslate count n=events|length %}{{ n }} event{% plural %}"
        "{{ n }} events{% endblocktranslate %}\n"
        "{% comment %}Not shown{% endcomment %}{# nor this #}\n"
        '<script type="application/json">{"label": "data"}</script>\n'
        "<p>{{ event.title }} EEPA · CSV</p>\n"
    )
    assert untranslated_text(template) == []
    assert untranslated_text(template + "\n<p>\n  Verified by {{ user }}</p>") == [
        (9, "Verified by …"),
    ]
    assert untranslated_text('<img src="x.png" alt="Logo">') == [(1, "Logo")]
    assert untranslated_text('<input type="submit" value="Save">') == [(1, "Save")]
    assert untranslated_text('<input type="text" value="{{ q }}" name="query">') == []
    bilingual = '<html lang="en"><p><span lang="en">No. <b>1</b></span> 編號</p> Table</html>'
    assert untranslated_text(bilingual) == [(1, "Table")]
    assert untranslated_text('<img lang="en" alt="Verification code"><p>Code</p>') == [(1, "Code")]
    assert untranslated_text('{{ a|default:"—" }} {{ b|default:_("none") }}') == []
    assert untranslated_text("{{ a|default:'none' }}") == [(1, "none")]


def test_no_template_holds_untranslated_text():
    problems = [
        f"{path.relative_to(BASE_DIR)}:{line}: {text}"
        for path in template_files()
        for line, text in untranslated_text(path.read_text(encoding="utf-8"))
    ]
    assert problems == [], (
        f"{len(problems)} piece(s) of text not wrapped in {{% translate %}} or "
        "{% blocktranslate %}:\n" + "\n".join(problems)
    )
