import fcntl
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.demo import demo_template, django_db_setup, seeded  # noqa: F401  (fixtures)
from tests.factories import EnterpriseFactory, EventFactory, MembershipFactory, UserFactory
from tests.webhook_receiver import webhook_receiver  # noqa: F401  (a fixture)
from tests.worker import redis_worker  # noqa: F401  (a fixture: a real Celery worker)

# The access checks live outside the test modules (which import them later): let pytest
# explain their failed asserts.
pytest.register_assert_rewrite("tests.access")

# Sync Playwright runs beside live_server's ORM calls in the browser tests.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BASE_DIR = Path(__file__).resolve().parent.parent
PO_FILE = BASE_DIR / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.po"
MO_FILE = PO_FILE.with_suffix(".mo")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium; `playwright install` downloads are not possible on this network.
    return {
        **browser_type_launch_args,
        "executable_path": "/usr/bin/chromium",
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """A PostgreSQL test database of this run's own, so that several runs on one server
    (developers, CI, a watcher) never drop each other's database; under xdist, after the
    worker's own suffix (test_eepa_gw0_<pid>)."""
    from django.conf import settings

    for database in settings.DATABASES.values():
        if database["ENGINE"].endswith("postgresql"):
            test = database.setdefault("TEST", {})
            test["NAME"] = f"{test.get('NAME') or 'test_' + database['NAME']}_{os.getpid()}"


@pytest.fixture(autouse=True)
def _fast_password_hashing(request, settings):
    # Tests create many users; the production hasher is deliberately slow. The seeded demo
    # keeps the hasher it was seeded with (tests/demo.py).
    if "seeded" not in request.fixturenames:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _media_root(request, settings, tmp_path):
    # The seeded demo keeps its module's MEDIA_ROOT, where its certificates are (tests/demo.py).
    if "seeded" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _english_to_start_with():
    """Every test starts in the default language: a request in Chinese leaves Chinese active
    in the thread (as Django's LocaleMiddleware does; each real request activates its own),
    and a later test calling a service directly would read its messages in Chinese."""
    from django.utils import translation

    translation.activate("en")
    yield
    translation.deactivate()


@pytest.fixture
def officer(db):
    return UserFactory(username="officer", roles=["Officer"])


@pytest.fixture
def officer2(db):
    return UserFactory(username="officer2", roles=["Officer"])


@pytest.fixture
def verifier(db):
    return UserFactory(username="verifier", roles=["Verifier"])


@pytest.fixture
def verifier2(db):
    return UserFactory(username="verifier2", roles=["Verifier"])


@pytest.fixture
def secretariat(db):
    return UserFactory(username="secretariat", roles=["Secretariat"])


@pytest.fixture
def secretariat2(db):
    """A second secretariat user: the four eyes of a publication or a second run."""
    return UserFactory(username="secretariat2", roles=["Secretariat"])


@pytest.fixture
def panel_member(db):
    return UserFactory(username="panel1", roles=["Panel"])


@pytest.fixture
def enterprise(db):
    return EnterpriseFactory(
        name_en="Pacific Gateway Terminals Limited", name_zh="太平洋門戶碼頭有限公司"
    )


@pytest.fixture
def other_enterprise(db):
    return EnterpriseFactory(name_en="Lion Rock Express Limited", name_zh="獅子山速遞有限公司")


@pytest.fixture
def partner_user(enterprise):
    return MembershipFactory(
        user=UserFactory(username="partner1", roles=["Partner"]), enterprise=enterprise
    ).user


@pytest.fixture
def other_partner_user(other_enterprise):
    return MembershipFactory(
        user=UserFactory(username="partner2", roles=["Partner"]), enterprise=other_enterprise
    ).user


@pytest.fixture
def draft_event(enterprise, officer):
    return EventFactory(enterprise=enterprise, logged_by=officer)


@pytest.fixture
def submitted_event(enterprise, officer):
    return EventFactory(enterprise=enterprise, logged_by=officer, submitted=True)


@pytest.fixture
def verified_event(enterprise, officer, verifier2):
    return EventFactory(
        enterprise=enterprise, logged_by=officer, verified=True, verified_by=verifier2
    )


@pytest.fixture
def other_enterprise_event(other_enterprise, officer, verifier2):
    return EventFactory(
        enterprise=other_enterprise, logged_by=officer, verified=True, verified_by=verifier2
    )


@pytest.fixture
def compiled_catalogue(settings):
    """`make setup` compiles the catalogue; a test run without it compiles it here, one
    process at a time (xdist workers share the file)."""
    lock = BASE_DIR / "var" / "compilemessages.lock"
    lock.parent.mkdir(exist_ok=True)
    with lock.open("w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        if not MO_FILE.exists() or MO_FILE.stat().st_mtime < PO_FILE.stat().st_mtime:
            result = subprocess.run(
                [sys.executable, "manage.py", "compilemessages", "--ignore=.venv", "--verbosity=0"],
                cwd=BASE_DIR,
                env={**os.environ, "DEBUG": "true"},
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert result.returncode == 0, result.stdout + result.stderr
    # Changing LOCALE_PATHS drops the translations Django has already loaded in this process.
    settings.LOCALE_PATHS = list(settings.LOCALE_PATHS)
    return MO_FILE


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache holds rate-limit counts: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
