"""Reading the confirmation page of portal/confirm.py in the tests of the actions that ask."""

import re

HIDDEN = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def asked(response) -> str:
    """The confirmation page's title and summary, on one line."""
    assert response.status_code == 200
    assert response.templates[0].name == "portal/confirm.html"
    confirmation = response.context["confirmation"]
    return f"{confirmation.title} | {confirmation.summary}"


def carried(response) -> dict[str, list[str]]:
    """The fields the confirmation page's form sends again (the CSRF token aside)."""
    fields: dict[str, list[str]] = {}
    form = response.text.split('class="card border-danger')[1].split("</form>")[0]
    for name, value in HIDDEN.findall(form):
        if name != "csrfmiddlewaretoken":
            fields.setdefault(name, []).append(value)
    return fields
