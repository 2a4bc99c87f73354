"""The Traditional Chinese catalogue: complete, up to date with the sources, and used.

When a test here fails after you added or changed English text, regenerate the catalogue,
translate every new entry and compile it:

    DEBUG=true .venv/bin/python manage.py makemessages -l zh_Hant --ignore=.venv --ignore=var \
        --ignore=staticfiles --ignore=node_modules --add-location file
    DEBUG=true .venv/bin/python manage.py compilemessages --ignore=.venv
"""

import ast
import datetime
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings as django_settings

from partners.models import CooperationEvent
from tests.conftest import BASE_DIR, PO_FILE  # noqa: E402  (the same catalogue as the fixture)
from tests.factories import EventFactory

IGNORED = [".venv", "var", "staticfiles", "node_modules"]
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "zh_Hant",
    *(f"--ignore={pattern}" for pattern in IGNORED),
    "--add-location",
    "file",
]
# The extensions makemessages reads for the "django" domain, and its catalogues.
SOURCE_SUFFIXES = {".py", ".html", ".txt", ".po"}
PLACEHOLDER = re.compile(r"%(?:\([A-Za-z_][A-Za-z0-9_]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


# A small reader of PO files (polib is not a dependency).


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple:
        return (self.msgctxt, self.msgid, self.msgid_plural)

    def __str__(self):
        context = f" (context {self.msgctxt!r})" if self.msgctxt else ""
        return f"{self.msgid!r}{context}"


def read_po(path: Path) -> tuple[Entry, list[Entry]]:
    """(header, entries); obsolete (#~) entries are returned with obsolete=True."""
    entries, entry, target = [], Entry(), None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = Entry(), None

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
            if line.startswith("|"):
                continue  # previous msgid of an obsolete fuzzy entry
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            if target is not None and target[0] != "msgctxt":
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#") and not obsolete:
            continue
        entry.obsolete = entry.obsolete or obsolete
        keyword, _, rest = line.partition(" ")
        if keyword.startswith('"'):
            keyword, rest = None, line
        if keyword in ("msgctxt", "msgid") and target is not None and target[0] != "msgctxt":
            finish()  # an entry that follows without a blank line
        if keyword is not None:
            match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
            if match:
                target = ("msgstr", int(match[1]))
            elif keyword in ("msgctxt", "msgid", "msgid_plural", "msgstr"):
                target = (keyword, 0)
            else:
                raise ValueError(f"{path}: cannot read {raw!r}")
        text = ast.literal_eval(rest)
        name, index = target
        if name == "msgstr":
            entry.msgstr[index] = entry.msgstr.get(index, "") + text
        else:
            setattr(entry, name, (getattr(entry, name) or "") + text)
    finish()
    header = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return header, [e for e in entries if e is not header]


def active_keys(entries: list[Entry]) -> set[tuple]:
    return {entry.key for entry in entries if not entry.obsolete}


def placeholders(text: str) -> list[str]:
    return sorted(p for p in PLACEHOLDER.findall(text) if p != "%%")


# (a) Every entry translated, none fuzzy, placeholders kept.


def test_the_catalogue_has_its_header_and_one_plural_form():
    header, _ = read_po(PO_FILE)
    fields = dict(line.split(": ", 1) for line in header.msgstr[0].splitlines() if ": " in line)
    assert "fuzzy" not in header.flags, "the header is fuzzy: msgfmt would skip Plural-Forms"
    assert fields["Language"] == "zh_Hant"
    assert fields["Content-Type"] == "text/plain; charset=UTF-8"
    assert fields["Plural-Forms"].replace(" ", "") == "nplurals=1;plural=0;"


def test_every_message_has_a_traditional_chinese_translation():
    _, entries = read_po(PO_FILE)
    entries = [entry for entry in entries if not entry.obsolete]
    assert len(entries) > 200, "the catalogue looks truncated"
    untranslated = [
        str(e)
        for e in entries
        if not e.msgstr or not all(text.strip() for text in e.msgstr.values())
    ]
    fuzzy = [str(e) for e in entries if "fuzzy" in e.flags]
    # zh has nplurals=1: a plural entry has exactly one form.
    wrong_plural_forms = [str(e) for e in entries if e.msgid_plural and set(e.msgstr) != {0}]
    problems = {
        "untranslated": untranslated,
        "fuzzy (check the translation, then remove the flag)": fuzzy,
        "plural entries need msgstr[0] only": wrong_plural_forms,
    }
    assert {k: v for k, v in problems.items() if v} == {}, f"in {PO_FILE}"


def test_translations_keep_every_placeholder():
    _, entries = read_po(PO_FILE)
    changed = []
    for entry in entries:
        if entry.obsolete or not entry.msgstr:
            continue
        wanted = placeholders(entry.msgid_plural or entry.msgid)
        if "python-format" not in entry.flags and not wanted:
            continue
        for text in entry.msgstr.values():
            if placeholders(text) != wanted:
                changed.append(f"{entry}: {text!r}")
    assert changed == [], f"placeholders differ from the English: {changed}"


def test_msgfmt_accepts_the_catalogue():
    """The check compilemessages itself makes (format strings, header), as a test."""
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(PO_FILE)],
        capture_output=True,
        text=True,
        env={**os.environ, "LC_ALL": "C"},
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


# (b) The catalogue holds exactly the messages of the sources.


def _copy_sources(destination: Path) -> None:
    """The files makemessages reads, in a tree of their own, so that a run never writes to the
    project's catalogue."""

    def ignore(directory, names):
        ignored = set()
        for name in names:
            path = Path(directory) / name
            if path.is_dir():
                if name.startswith(".") or name == "__pycache__" or name in IGNORED:
                    ignored.add(name)
            elif path.suffix not in SOURCE_SUFFIXES:
                ignored.add(name)
        return ignored

    shutil.copytree(BASE_DIR, destination, ignore=ignore, symlinks=False)


def test_the_catalogue_is_up_to_date_with_the_sources(tmp_path):
    project = tmp_path / "project"
    _copy_sources(project)
    copied_po = project / PO_FILE.relative_to(BASE_DIR)
    before = PO_FILE.read_bytes()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"PYTHONSAFEPATH", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(DEBUG="true", PYTHONPATH=str(project), DJANGO_SETTINGS_MODULE="portal.settings")
    result = subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert PO_FILE.read_bytes() == before, "makemessages wrote to the project's own catalogue"

    _, current = read_po(PO_FILE)
    _, regenerated = read_po(copied_po)
    missing = sorted(active_keys(regenerated) - active_keys(current), key=str)
    stale = sorted(active_keys(current) - active_keys(regenerated), key=str)
    assert missing == [], (
        f"{len(missing)} message(s) of the sources are not in {PO_FILE.relative_to(BASE_DIR)}; "
        f"run makemessages and translate them (see this module's docstring): {missing}"
    )
    assert stale == [], (
        f"{len(stale)} message(s) of the catalogue are no longer in the sources; "
        f"run makemessages (see this module's docstring): {stale}"
    )


# (c) Pages render in Traditional Chinese.


def in_chinese(client):
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "zh-hant"
    return client


@pytest.mark.smoke
def test_the_language_switcher_turns_the_login_page_into_chinese(client, compiled_catalogue):
    response = client.post(
        "/i18n/setlang/", {"language": "zh-hant", "next": "/accounts/login/"}, follow=True
    )
    assert response.redirect_chain == [("/accounts/login/", 302)]
    page = response.text
    assert '<html lang="zh-Hant">' in page
    for chinese in ["登入", "卓越企業夥伴嘉許計劃", "EEPA 網上平台", "跳至主要內容"]:
        assert chinese in page
    for english in ["Log in", "Elite Enterprise Partnership Award", "Skip to main content"]:
        assert english not in page
    # Django's own messages come in Chinese too (its catalogue, not ours).
    assert "密碼" in page

    response = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/accounts/login/"}, follow=True
    )
    assert '<html lang="en">' in response.text
    assert "Log in" in response.text and "登入" not in response.text


@pytest.mark.django_db
def test_the_event_list_of_an_officer_in_chinese(client, compiled_catalogue, officer):
    EventFactory(
        logged_by=officer,
        submitted=True,
        event_type=CooperationEvent.EventType.CONTROLLED_DELIVERY,
        significance=CooperationEvent.Significance.MAJOR,
    )
    client.force_login(officer)
    page = in_chinese(client).get("/events/?mine=on").text
    for chinese in [
        "合作事項",  # Cooperation events
        "記錄事項",  # Log an event
        "待核實",  # Awaiting verification
        "受控交付",  # the event type
        "重大",  # its significance
        "已提交",  # its status
        "1 項事項",  # the count
        "由我記錄",  # a filter label
    ]:
        assert chinese in page, chinese
    for english in [
        "Cooperation events",
        "Log an event",
        "Awaiting verification",
        "Controlled delivery",
        ">Submitted<",
        "1 event",
        "Logged by me",
    ]:
        assert english not in page, english


@pytest.mark.django_db
def test_workflow_messages_and_refusals_in_chinese(
    client, compiled_catalogue, verifier, submitted_event
):
    client.force_login(verifier)
    in_chinese(client)
    url = f"/events/{submitted_event.pk}/verify/"
    response = client.post(url, follow=True)
    assert "事項已核實。" in response.text
    assert "已核實" in response.text and ">Verified<" not in response.text
    # Verifying it again is refused with the reason, in Chinese.
    response = client.post(url, follow=True)
    assert "此事項已於" in response.text and "核實。" in response.text
    assert "already verified" not in response.text


@pytest.mark.django_db
def test_import_problems_are_listed_in_chinese(client, compiled_catalogue, officer):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(officer)
    header = "br_number,event_type,occurred_on,significance,title,partner_summary,"
    header += "restricted_details,seizure_value_hkd,cases\n"
    row = "99999999,tip,2024-13-01,routine,Title,,,,\n"
    upload = SimpleUploadedFile("events.csv", (header + row).encode(), "text/csv")
    page = in_chinese(client).post("/events/import/", {"file": upload}).text
    assert "沒有匯入任何資料：檔案有 3 個問題。" in page
    assert "沒有企業的商業登記號碼為 99999999。" in page
    assert "不明類別「tip」" in page
    assert "並非日期；請以 YYYY-MM-DD 格式填寫。" in page
    # Column names are the file's, not translated.
    assert "<td>br_number</td>" in page
    assert "Nothing was imported" not in page


# The pages a newcomer sees first, in Chinese: no UI text left in English (issue 6). What may stay
# in English is data (the names and titles the test creates, people's names) and these words.
ENGLISH_ALLOWED = {"EEPA", "HK", "CSV", "XLSX", "PDF", "ZIP", "English", "BR", "API"}


class _VisibleText(HTMLParser):
    """The text a reader meets: text nodes and the titles, labels and alternative texts of
    elements, without scripts, styles and anything marked lang="en" (English on purpose)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []  # (tag, hidden)
        self.runs = []

    def hidden(self) -> bool:
        return any(hidden for _, hidden in self.open)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = tag in ("script", "style") or (attrs.get("lang") or "").startswith("en")
        if not hidden and not self.hidden():
            labels = ("title", "aria-label", "alt", "placeholder")
            self.runs += [attrs[name] for name in labels if attrs.get(name)]
        if tag not in VOID_ELEMENTS:
            self.open.append((tag, hidden))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, -1, -1):
            if self.open[depth][0] == tag:
                del self.open[depth:]
                return

    def handle_data(self, data):
        if not self.hidden() and data.strip():
            self.runs.append(" ".join(data.split()))


VOID_ELEMENTS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta"}


def english_words(html: str, data: list[str]) -> set[str]:
    parser = _VisibleText()
    parser.feed(html)
    text = "\n".join(parser.runs)
    for value in sorted(data, key=len, reverse=True):  # "Harbour Star Limited" before "Harbour"
        text = text.replace(value, " ")
    return set(re.findall(r"[A-Za-z]{3,}", text)) - ENGLISH_ALLOWED


@pytest.mark.django_db
def test_the_main_pages_in_chinese_have_no_english_left_but_data(
    client,
    compiled_catalogue,
    officer,
    verifier,
    secretariat,
    panel_member,
    enterprise,
    partner_user,
):
    from django.utils import timezone

    from awards.models import Cycle
    from tests.awards.factories import CycleFactory, NominationFactory, submitted_review

    today = timezone.localdate()
    events = [
        EventFactory(enterprise=enterprise, logged_by=officer, occurred_on=today, submitted=True),
        EventFactory(
            enterprise=enterprise,
            logged_by=officer,
            occurred_on=today,
            verified=True,
            verified_by=verifier,
        ),
    ]
    cycle = CycleFactory(
        year=today.year,
        status=Cycle.Status.REVIEW,
        scoring_deadline=today + datetime.timedelta(days=10),
        criteria=[("Impact on enforcement", 2), ("Commitment", 1)],
    )
    cycle.criteria.filter(name_en="Commitment").update(name_zh="合作承擔")
    cycle.criteria.filter(name_en="Impact on enforcement").update(name_zh="對執法的貢獻")
    nomination = NominationFactory(cycle=cycle, enterprise=enterprise, nominated_by=secretariat)
    submitted_review(nomination, panel_member, [8, 7])

    users = [officer, verifier, secretariat, panel_member, partner_user]
    data = [enterprise.name_en, cycle.title_en, "Impact on enforcement", "Commitment"]
    data += [value for event in events for value in (event.title, event.partner_summary)]
    data += [value for user in users for value in (user.get_full_name(), user.username)]
    pages = [
        (officer, "/dashboard/"),
        (secretariat, "/dashboard/"),
        (officer, "/events/"),
        (secretariat, enterprise.get_absolute_url()),
        (panel_member, "/awards/panel/"),
        (partner_user, "/my-enterprise/"),
    ]
    in_chinese(client)
    for user, url in pages:
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200, url
        assert english_words(response.text, data) == set(), (user.username, url)
