"""The layers of docs/architecture.md, enforced by import-linter (`make lint`): portal <-
partners <- awards <- overview <- seeds. These tests prove the contract holds on the tree and
that it catches a backward import, even one hidden inside a function."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

PACKAGES = ["portal", "partners", "awards", "overview", "seeds"]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def tree_copy(tmp_path) -> Path:
    for package in PACKAGES:
        shutil.copytree(
            settings.BASE_DIR / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "data", "migrations"),
        )
    shutil.copy(settings.BASE_DIR / "pyproject.toml", tmp_path)
    return tmp_path


def test_the_layers_are_kept():
    result = lint_imports(settings.BASE_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "line"),
    [
        # The core reaching up to an app.
        ("portal/roles.py", "from partners.models import Enterprise  # noqa\n"),
        # An app reaching up to the one above it, hidden in a function.
        ("partners/shipments.py", "def _f():\n    from awards.models import Cycle  # noqa\n"),
        # Any app reaching the demo.
        ("awards/scoring.py", "import seeds.users  # noqa\n"),
    ],
)
def test_a_backward_import_breaks_the_contract(tree_copy, module, line):
    with (tree_copy / module).open("a", encoding="utf-8") as f:
        f.write("\n" + line)

    result = lint_imports(tree_copy)

    assert result.returncode != 0
    assert "0 kept, 1 broken" in result.stdout
    assert module.removesuffix(".py").replace("/", ".") in result.stdout
