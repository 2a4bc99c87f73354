"""Text defined when a module loads (form help texts, tables of messages) is translated when it
is shown, in the reader's language, not once in the language active at import."""

import ast

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import translation

from partners.shipments import MAX_REFERENCES
from tests.conftest import BASE_DIR

SOURCES = ["portal", "partners", "awards"]
EAGER = {"gettext", "ngettext", "pgettext", "npgettext"}


def _translation_aliases(tree: ast.Module) -> dict[str, str]:
    """{local name: gettext function} for `from django.utils.translation import …`."""
    return {
        alias.asname or alias.name: alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation"
        for alias in node.names
    }


def _called(node: ast.AST, aliases: dict[str, str]) -> str | None:
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
        return aliases.get(node.func.id)
    return None


def text_fixed_at_import(source: str, name: str) -> list[str]:
    """Calls outside any function that translate at once: an eager gettext, or a lazy one
    filled in with % (which turns it into a plain string in the import's language)."""
    tree = ast.parse(source)
    aliases = _translation_aliases(tree)
    found = []

    def visit(node: ast.AST) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                continue
            called = _called(child, aliases)
            if called in EAGER:
                found.append(f"{name}:{child.lineno}: {called}() at import")
            if (
                isinstance(child, ast.BinOp)
                and isinstance(child.op, ast.Mod)
                and (_called(child.left, aliases) or "").endswith("_lazy")
            ):
                found.append(f"{name}:{child.lineno}: lazy text % at import")
            visit(child)

    visit(tree)
    return found


def test_no_text_is_translated_once_at_import():
    found = [
        problem
        for source in SOURCES
        for path in sorted((BASE_DIR / source).rglob("*.py"))
        if "migrations" not in path.parts
        for problem in text_fixed_at_import(
            path.read_text(encoding="utf-8"), str(path.relative_to(BASE_DIR))
        )
    ]
    assert found == [], "\n".join(found)


def test_the_check_finds_eager_and_filled_in_lazy_text():
    source = (
        "from django.utils.translation import gettext as _, gettext_lazy\n"
        'A = _("eager")\n'
        'B = gettext_lazy("at most %(n)d") % {"n": 3}\n'
        'C = gettext_lazy("lazy")\n'
        "def shown():\n"
        '    return _("at call time")\n'
    )
    assert text_fixed_at_import(source, "sample.py") == [
        "sample.py:2: gettext() at import",
        "sample.py:3: lazy text % at import",
    ]


@pytest.mark.django_db
def test_the_report_forms_help_text_in_chinese(client, compiled_catalogue, partner_user):
    client.force_login(partner_user)
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    page = client.get(reverse("partners:report-submit")).text
    with translation.override("zh-hant"):
        help_text = translation.gettext(
            "Container numbers (e.g. CSQU3054383) or air waybill numbers (e.g. "
            "176-12345675), one a line; at most %(limit)d."
        ) % {"limit": MAX_REFERENCES}
    assert help_text.startswith("貨櫃")
    assert help_text in page
