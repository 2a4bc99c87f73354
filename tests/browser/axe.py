"""axe-core in the browser tests: the script bundled by axe-playwright-python (axe 4.12), run
on the page as it stands, against the WCAG 2.1 A and AA rules.

The Content-Security-Policy forbids inline scripts, so the library is not added as a <script>
element: `page.evaluate` runs it through the DevTools protocol, which the policy does not see.
"""

from functools import cache
from importlib.resources import files

# The levels a government service must meet (WCAG 2.1 AA), nothing experimental or best-practice.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# What fails a test; minor and moderate findings are left to a person's judgement.
FAILING_IMPACTS = {"serious", "critical"}


@cache
def axe_source() -> str:
    return files("axe_playwright_python").joinpath("axe.min.js").read_text(encoding="utf-8")


def axe_run(page) -> dict:
    """axe's results for the page: {"violations": [...], "passes": [...], ...}."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        # Wrapped in a function so that the library's `var`s stay out of the page's globals.
        page.evaluate(f"() => {{ {axe_source()}\n}}")
    return page.evaluate(
        """tags => axe
            .run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then(results => ({url: results.url, violations: results.violations}))""",
        WCAG_TAGS,
    )


def serious_violations(results: dict) -> list[dict]:
    return [v for v in results["violations"] if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict]) -> str:
    """One paragraph per rule: id, impact, help, then each node's selectors and HTML."""
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        for node in violation["nodes"]:
            target = " ".join(
                " > ".join(part) if isinstance(part, list) else part for part in node["target"]
            )
            lines.append(f"    {target}\n        {node['html'][:300]}")
    return "\n".join(lines)


def assert_no_serious_violations(page, label: str = "") -> dict:
    """Fails listing every serious or critical WCAG 2.1 AA violation on the page."""
    results = axe_run(page)
    found = serious_violations(results)
    assert not found, f"axe on {label or results['url']}:\n{describe(found)}"
    return results
