import pytest


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    # The page text is asserted in English, whatever the machine's locale; downloads (the
    # certificates, the exports) are accepted, as Playwright does by default.
    return {**browser_context_args, "locale": "en-GB", "accept_downloads": True}
