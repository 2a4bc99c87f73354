"""Leak-proof by test (issue 5, item 4). The demo data is seeded once; every field a partner
must never read gets a distinctive marker (restricted details, staff-only titles and
reasons, who logged or verified an event, officers' notes on reports, enforcement concerns,
other enterprises' data); then partner1 crawls every page, download and email it can reach,
in English and Chinese, and none of the markers, nor any other enterprise's name, appears."""

import io
import json
import re
import time
import zipfile
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit

import openpyxl
import pypdf
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from awards import webhooks as award_webhooks
from awards.models import Certificate, Cycle, Nomination, NominationResult, Review
from partners.models import (
    CooperationEvent,
    EnforcementFlag,
    Enterprise,
    EvidenceFile,
    Manifest,
    ManifestLine,
    Membership,
    PartnerReport,
    ReportAttachment,
    ReportNote,
    ShipmentReference,
)
from partners.notifications import Kind as PartnerKind
from partners.services import alerts, reports
from partners.services import events as partner_services
from partners.services.manifests import MANIFEST_COLUMNS, manifest_import
from portal.models import Notification
from portal.notifications.services import notification_email
from portal.roles import Role, has_role
from portal.webhooks import services as webhook_services
from portal.webhooks.events import registered_events
from portal.webhooks.models import Delivery

pytestmark = pytest.mark.django_db

User = get_user_model()
MARK = "LEAKMARK"
MARKER = re.compile(r"LEAKMARK-[\w-]+")
MAX_URLS_PER_LANGUAGE = 400


def _pdf() -> bytes:
    writer, out = pypdf.PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.write(out)
    return out.getvalue()


# Never followed: leaving, switching language (done on purpose), files served elsewhere.
SKIPPED_PREFIXES = ("/accounts/logout/", "/i18n/", "/static/", "/media/", "/admin/")


def _mark(model, field: str, queryset=None) -> int:
    """Put LEAKMARK-<field>-<pk> into `field` of every row (one UPDATE per row, no signals)."""
    rows = list((queryset if queryset is not None else model.objects.all()).values_list("pk"))
    for (pk,) in rows:
        model.objects.filter(pk=pk).update(**{field: f"{MARK}-{model.__name__}-{field}-{pk}"})
    return len(rows)


@pytest.fixture(scope="module")
def marked(seeded, django_db_blocker):
    """The seeded demo (its module transaction, rolled back at the end: tests/demo.py), with a
    marker in every field partner1 must never read."""
    with django_db_blocker.unblock():
        return _plant_markers()


def _plant_markers() -> dict:
    partner1 = User.objects.get(username="partner1")
    own = partner1.membership.enterprise
    # Taken before the staff's usernames are marked below.
    officer, secretariat = (User.objects.get(username=name) for name in ("officer", "secretariat"))
    counts = {}

    # Every event: the staff-only title, the restricted details and the reasons of a return
    # or withdrawal; the summary too wherever partner1 may not read it (events of other
    # enterprises, its own events that are not verified).
    for field in ("title", "restricted_details", "return_reason", "withdrawal_reason"):
        counts[f"event.{field}"] = _mark(CooperationEvent, field)
    not_for_partner1 = CooperationEvent.objects.exclude(
        enterprise=own, status=CooperationEvent.Status.VERIFIED
    )
    counts["event.partner_summary"] = _mark(CooperationEvent, "partner_summary", not_for_partner1)
    counts["evidence.original_name"] = _mark(EvidenceFile, "original_name")

    # Everyone on the staff (who logged, verified, handled, noted, raised...) and every other
    # enterprise's partner user is named by a marker.
    staff_or_others = [
        user
        for user in User.objects.prefetch_related("groups")
        if user.pk != partner1.pk
        and not (
            has_role(user, Role.PARTNER)
            and not user.is_superuser
            and getattr(getattr(user, "membership", None), "enterprise_id", None) == own.pk
        )
    ]
    for user in staff_or_others:
        User.objects.filter(pk=user.pk).update(
            username=f"{MARK}-username-{user.pk}",
            first_name=f"{MARK}-first_name-{user.pk}",
            last_name=f"{MARK}-last_name-{user.pk}",
            email=f"{MARK.lower()}-{user.pk}@example.org",
        )
    counts["users"] = len(staff_or_others)

    # Enforcement concerns: staff only; partner1's enterprise gets a cleared one if it has
    # none (cleared, so that its eligibility and standing stay as the demo has them).
    if not EnforcementFlag.objects.filter(enterprise=own).exists():
        flag = EnforcementFlag.objects.create(
            enterprise=own,
            flagged_on=own.events.first().occurred_on,
            reason="x",
            raised_by=officer,
        )
        EnforcementFlag.objects.filter(pk=flag.pk).update(
            cleared_at=flag.raised_at, cleared_by=secretariat
        )
    for field in ("reason", "clearance_reason"):
        counts[f"flag.{field}"] = _mark(EnforcementFlag, field)

    # Reports: partner1's enterprise gets some if the demo has none; every report gets an
    # officer's internal note, every closed one a closing note; other enterprises' reports
    # carry markers in everything.
    officer = User.objects.filter(groups__name=Role.OFFICER).first()
    if not PartnerReport.objects.filter(enterprise=own).exists():
        for description in ("Seal number does not match.", "Unusual consignee."):
            reports.report_submit(
                user=partner1,
                category=PartnerReport.Category.SUSPICIOUS_SHIPMENT,
                description=description,
                shipment_references=["CSQU3054383"],
            )
        reports.report_review(
            report=PartnerReport.objects.filter(enterprise=own).first(), user=officer
        )
    if not ReportAttachment.objects.filter(report__enterprise=own).exists():
        reports.report_submit(
            user=partner1,
            category=PartnerReport.Category.OTHER,
            description="The manifest is attached.",
            attachments=[
                SimpleUploadedFile("manifest.pdf", _pdf(), content_type="application/pdf")
            ],
        )
    for report in PartnerReport.objects.all():
        ReportNote.objects.create(
            report=report, author=officer, text=f"{MARK}-ReportNote-internal-{report.pk}"
        )
        if report.status == PartnerReport.Status.CLOSED:
            ReportNote.objects.create(
                report=report, author=officer, text=f"{MARK}-ReportNote-closing-{report.pk}"
            )
    counts["report.notes"] = ReportNote.objects.filter(text__startswith=MARK).count()
    others_reports = PartnerReport.objects.exclude(enterprise=own)
    counts["other.report.description"] = _mark(PartnerReport, "description", others_reports)
    _mark(
        ReportAttachment, "original_name", ReportAttachment.objects.exclude(report__enterprise=own)
    )

    # Manifests: customs intelligence, never shown to a partner, not even that its own
    # reports and alerts matched one. A manifest whose lines match partner1's references
    # (a web report and an alert from its system), every field of it marked.
    alerts.alerts_receive(
        enterprise=own,
        submitted_by=partner1,
        system_name="Gate monitor",
        alerts=[alerts.Alert(description="Seal changed.", containers=["MSCU1234566"])],
    )
    references = sorted(
        set(
            ShipmentReference.objects.filter(report__enterprise=own).values_list(
                "reference", flat=True
            )
        )
    )
    rows = [f"{reference},V,1,CNSHA,HKHKG,goods,consignee" for reference in references]
    manifest = manifest_import(
        data=io.BytesIO(("\n".join([",".join(MANIFEST_COLUMNS), *rows]) + "\n").encode()),
        file_name="manifest.csv",
        user=officer,
    )
    counts["manifest.matched"] = manifest.matched
    _mark(Manifest, "file_name")
    for field in ("declared_goods", "consignee", "vessel_or_flight"):
        counts[f"manifest_line.{field}"] = _mark(ManifestLine, field)

    # The award side: the panel's comments, the secretariat's reasons and rationales.
    counts["review.comment"] = _mark(Review, "comment")
    for field in ("withdrawal_reason", "decision_rationale"):
        counts[f"nomination.{field}"] = _mark(Nomination, field)
    counts["result.rationale"] = _mark(NominationResult, "rationale")
    counts["certificate.revocation_reason"] = _mark(Certificate, "revocation_reason")

    return {"partner1": partner1, "enterprise": own, "counts": counts}


# Reading what a response holds


def _text_of(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "").split(";")[0].strip()
    return _decode(content, kind, response.get("Content-Disposition", ""))


def _decode(content: bytes, kind: str, disposition: str = "") -> str:
    name = disposition.lower()
    if kind == "application/pdf" or content.startswith(b"%PDF"):
        reader = pypdf.PdfReader(io.BytesIO(content))
        text = "\n".join(page.extract_text() or "" for page in reader.pages)
        metadata = " ".join(str(v) for v in (reader.metadata or {}).values())
        # The raw bytes too: a marker in an uncompressed stream or the metadata.
        return f"{text}\n{metadata}\n{content.decode('latin-1')}"
    if "spreadsheetml" in kind or name.endswith('.xlsx"') or content.startswith(b"PK"):
        if "spreadsheetml" in kind or ".xlsx" in name:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
            cells = [
                str(value)
                for sheet in book.worksheets
                for row in sheet.iter_rows(values_only=True)
                for value in row
                if value is not None
            ]
            return "\n".join(cells)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            return "\n".join(
                archive.namelist()
                + [_decode(archive.read(member), "", member) for member in archive.namelist()]
            )
    return content.decode("utf-8", errors="replace")


class _Links(HTMLParser):
    """Every href of <a> and <link>, and each GET form's action with its default values."""

    def __init__(self):
        super().__init__()
        self.links, self._form, self._select = [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("a", "link") and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "form" and (attrs.get("method") or "get").lower() == "get":
            self._form = {"action": attrs.get("action") or "", "fields": []}
        elif self._form is not None and tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind not in ("submit", "button", "file"):
                self._form["fields"].append((attrs["name"], attrs.get("value") or ""))
        elif self._form is not None and tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], None]
        elif (
            self._select is not None
            and tag == "option"
            and (self._select[1] is None or "selected" in attrs)
        ):
            self._select[1] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select is not None:
            if self._form is not None:
                self._form["fields"].append((self._select[0], self._select[1] or ""))
            self._select = None
        elif tag == "form" and self._form is not None:
            self.links.append(self._form["action"] or "")
            query = urlencode([(k, v) for k, v in self._form["fields"] if v])
            self.links.append(f"{self._form['action']}?{query}" if query else "")
            self._form = None


def _same_site(base: str, href: str) -> str | None:
    href = href.strip()
    if href.startswith(("mailto:", "tel:", "javascript:", "#", "data:")):
        return None
    url = urljoin(base, href)
    parts = urlsplit(url)
    public = urlsplit(settings.PUBLIC_BASE_URL).netloc
    if parts.scheme not in ("", "http", "https") or parts.netloc not in ("", "testserver", public):
        return None
    path = parts.path or "/"
    if path.startswith(SKIPPED_PREFIXES):
        return None
    return f"{path}?{parts.query}" if parts.query else path


class Crawl:
    def __init__(self, client: Client):
        self.client, self.seen, self.bodies = client, {}, 0
        self.texts: list[tuple[str, str]] = []

    def run(self, starts: list[str], language: str) -> None:
        queue, queued = deque(starts), set(starts)
        while queue and len(queued) <= MAX_URLS_PER_LANGUAGE:
            url = queue.popleft()
            response = self.client.get(url)
            self.seen[(language, url)] = response.status_code
            next_urls = []
            if response.status_code in (301, 302, 303, 307, 308):
                next_urls.append(response["Location"])
            elif response.status_code == 200:
                text = _text_of(response)
                self.bodies += len(text)
                self.texts.append((f"{language} {url}", text))
                if response.get("Content-Type", "").startswith("text/html"):
                    parser = _Links()
                    parser.feed(text)
                    next_urls.extend(parser.links)
                else:
                    # The addresses printed in downloads (a certificate's verification link).
                    next_urls.extend(
                        re.findall(re.escape(settings.PUBLIC_BASE_URL) + r"/\S+", text)
                    )
            for href in next_urls:
                found = _same_site(url, href) if href else None
                if found and found not in queued:
                    queued.add(found)
                    queue.append(found)


def _starting_points(marked) -> list[str]:
    """The home page, and the pages partner1 reaches otherwise than by a link: its
    notifications' links (opened by a POST that marks them read), the addresses it may type
    (its enterprise's page, the event list, the public verification form)."""
    links = Notification.objects.filter(recipient=marked["partner1"]).exclude(link="")
    return list(
        dict.fromkeys(
            [
                "/",
                reverse("enterprise-detail", args=[marked["enterprise"].pk]),
                reverse("partners:event-list"),
                reverse("certificate-verify-form"),
                reverse("partners:colleagues"),
                *links.values_list("link", flat=True),
                # The public page each of its certificates' QR codes leads to.
                *(
                    reverse("certificate-verify", args=[code])
                    for code in Certificate.objects.filter(
                        result__nomination__enterprise=marked["enterprise"]
                    ).values_list("verification_code", flat=True)
                ),
            ]
        )
    )


@pytest.fixture(scope="module")
def crawl(marked, django_db_blocker):
    client = Client()
    started = time.monotonic()
    with django_db_blocker.unblock():
        client.force_login(marked["partner1"])
        starts = _starting_points(marked)
        result = Crawl(client)
        result.run(starts, language="en")
        client.post("/i18n/setlang/", {"language": "zh-hant", "next": "/"})
        result.run(starts, language="zh-hant")
    result.seconds = time.monotonic() - started
    return result


def _leaks(label: str, text: str, forbidden: list[str]) -> list[str]:
    found = [f"{label}: {m}" for m in set(MARKER.findall(text))]
    found += [f"{label}: {name!r}" for name in forbidden if name in text]
    return found


def _other_enterprises_names(own) -> list[str]:
    names = []
    for name_en, name_zh, br in Enterprise.objects.exclude(pk=own.pk).values_list(
        "name_en", "name_zh", "br_number"
    ):
        names += [name_en, name_zh, br]
    return [name for name in names if name]


def test_the_crawl_reaches_every_partner_page(crawl, marked):
    own_report = PartnerReport.objects.filter(enterprise=marked["enterprise"]).first()
    certificate = Certificate.objects.filter(
        result__nomination__enterprise=marked["enterprise"], status=Certificate.Status.ISSUED
    ).first()
    crawled = {url.split("?")[0] for (language, url), status in crawl.seen.items() if status == 200}
    for (language, url), status in sorted(crawl.seen.items()):
        print(f"  {status} {language} {url}")
    print(
        f"\ncrawl: {len(crawl.seen)} requests ({len(crawled)} distinct pages answering 200), "
        f"{len(crawl.texts)} bodies, {crawl.bodies:,} characters checked, "
        f"{crawl.seconds:.1f} s; markers planted: {marked['counts']}"
    )
    expected = {
        reverse("my-enterprise"),
        reverse("partners:my-reports"),
        own_report.get_partner_url(),
        reverse("awards:my-certificates"),
        reverse("notification-list"),
        reverse("enterprise-detail", args=[marked["enterprise"].pk]),
        reverse("certificate-verify-form"),
    }
    attachment = ReportAttachment.objects.filter(report__enterprise=marked["enterprise"]).first()
    expected.add(attachment.get_absolute_url())
    assert certificate is not None, "the demo gives partner1 an issued certificate"
    expected.add(reverse("awards:certificate-download", args=[certificate.pk]))
    assert expected <= crawled
    assert ("en", "/") in crawl.seen and ("zh-hant", "/") in crawl.seen
    for language in ("en", "zh-hant"):
        assert sum(1 for (lang, _url) in crawl.seen if lang == language) >= len(expected)
    assert crawl.seconds < 60


def test_no_marker_nor_other_enterprise_appears_on_any_page_or_download(crawl, marked):
    forbidden = _other_enterprises_names(marked["enterprise"])
    leaks = [leak for label, text in crawl.texts for leak in _leaks(label, text, forbidden)]
    assert leaks == []


def test_no_page_says_that_partner1s_reports_matched_a_manifest(crawl, marked):
    assert marked["counts"]["manifest.matched"] >= 2  # its web report(s) and its alert
    said = [
        label
        for label, text in crawl.texts
        for words in ("Matches a manifest", "與艙單相符", "Matches in manifests", "與艙單不符")
        if words in text
    ]
    assert said == []


def test_no_marker_appears_in_any_email_to_partner1(marked, django_capture_on_commit_callbacks):
    partner1, own = marked["partner1"], marked["enterprise"]
    verifier = User.objects.filter(groups__name=Role.VERIFIER).first()
    officer = User.objects.filter(groups__name=Role.OFFICER).first()
    mail.outbox.clear()

    submitted = CooperationEvent.objects.filter(
        enterprise=own, status=CooperationEvent.Status.SUBMITTED
    ).exclude(logged_by=verifier)
    event = submitted.first()
    if event is None:
        event = CooperationEvent.objects.filter(enterprise=own).exclude(logged_by=verifier).first()
        CooperationEvent.objects.filter(pk=event.pk).update(
            status=CooperationEvent.Status.SUBMITTED, verified_by=None, verified_at=None
        )
    # Once verified, its summary is partner1's to read: no marker there.
    CooperationEvent.objects.filter(pk=event.pk).update(partner_summary="Helped at the border.")
    with django_capture_on_commit_callbacks(execute=True):
        partner_services.event_verify(event=event, user=verifier)
    open_report = PartnerReport.objects.filter(
        enterprise=own, status__in=PartnerReport.OPEN_STATUSES
    ).first()
    if open_report is None:
        open_report = reports.report_submit(
            user=partner1,
            category=PartnerReport.Category.OTHER,
            description="Seal number does not match.",
        )
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_close(
            report=open_report, user=officer, note=f"{MARK}-ReportNote-closing-{open_report.pk}"
        )

    to_partner1 = [m for m in mail.outbox if partner1.email in m.to]
    kinds = set(
        Notification.objects.filter(recipient=partner1, emailed_at__isnull=False).values_list(
            "kind", flat=True
        )
    )
    assert {PartnerKind.EVENT_VERIFIED, PartnerKind.REPORT_STATUS_CHANGED} <= kinds
    assert len(to_partner1) >= 2

    # Every notification partner1 has (the demo's and these), as an email in both languages.
    for notification in Notification.objects.filter(recipient=partner1):
        for language in ("en", "zh-hant"):
            message = notification_email(notification, language)
            to_partner1.append(message)
    forbidden = _other_enterprises_names(own)
    leaks = [
        leak
        for message in to_partner1
        for leak in _leaks(
            f"email {message.subject!r}", f"{message.subject}\n{message.body}", forbidden
        )
    ]
    print(f"\nemails checked: {len(to_partner1)}")
    assert leaks == []


def test_no_marker_nor_other_enterprise_reaches_a_webhook_body(
    marked, webhook_receiver, django_capture_on_commit_callbacks
):
    """partner1's endpoint, subscribed to every event, while each of them happens: a report's
    and an alert's status changes, an event verified, the results of every published cycle it
    was nominated in and their certificates; every body that reaches the receiver, and every
    body the portal kept, is free of markers and of other enterprises' names and manifests."""
    partner1, own = marked["partner1"], marked["enterprise"]
    verifier = User.objects.filter(groups__name=Role.VERIFIER).first()
    officer = User.objects.filter(groups__name=Role.OFFICER).first()
    Membership.objects.filter(user=partner1).update(is_manager=True)
    partner1.refresh_from_db()
    endpoint, webhook_receiver.secret = webhook_services.endpoint_create(
        user=partner1,
        url=webhook_receiver.url,
        event_types=[event.code for event in registered_events()],
    )
    # Another enterprise's endpoint, which must hear nothing of partner1's.
    other = Membership.objects.exclude(enterprise=own).select_related("user").first()
    Membership.objects.filter(pk=other.pk).update(is_manager=True, is_active=True)
    other.user.refresh_from_db()
    theirs, _secret = webhook_services.endpoint_create(
        user=other.user, url=webhook_receiver.url, event_types=["report.status_changed"]
    )

    with django_capture_on_commit_callbacks(execute=True):
        webhook_services.endpoint_send_test(user=partner1, endpoint=endpoint)
        event = CooperationEvent.objects.filter(enterprise=own).exclude(logged_by=verifier).first()
        CooperationEvent.objects.filter(pk=event.pk).update(
            status=CooperationEvent.Status.SUBMITTED,
            verified_by=None,
            verified_at=None,
            partner_summary="Helped at the border.",
        )
        partner_services.event_verify(event=event, user=verifier)
        report = reports.report_submit(
            user=partner1, category=PartnerReport.Category.OTHER, description="Seal broken."
        )
        reports.report_review(report=report, user=officer)
        reports.report_close(
            report=report, user=officer, note=f"{MARK}-ReportNote-closing-{report.pk}"
        )
        [alert] = alerts.alerts_receive(
            enterprise=own,
            submitted_by=partner1,
            system_name="Gate monitor",
            alerts=[alerts.Alert(description="Seal changed.", containers=["MSCU1234566"])],
        )
        reports.report_review(report=alert, user=officer)
        for cycle in Cycle.objects.filter(
            status=Cycle.Status.PUBLISHED, nominations__enterprise=own
        ):
            award_webhooks.results_published(cycle=cycle)

    bodies = [d.body for d in Delivery.objects.filter(endpoint=endpoint)]
    types = {json.loads(body)["type"] for body in bodies}
    assert types == {
        "webhook.test",
        "event.verified",
        "report.status_changed",
        "results.published",
        "certificate.issued",
    }
    assert len(webhook_receiver.received) == len(bodies) >= 8
    assert all(received.signature_ok for received in webhook_receiver.received)
    assert not Delivery.objects.filter(endpoint=theirs).exists()
    forbidden = _other_enterprises_names(own) + [
        value
        for line in ManifestLine.objects.values_list("declared_goods", "consignee")
        for value in line
        if value
    ]
    leaks = [
        leak
        for index, text in enumerate(
            bodies + [received.body.decode() for received in webhook_receiver.received]
        )
        for leak in _leaks(f"webhook body {index}", text, forbidden)
    ]
    print(f"\nwebhook bodies checked: {len(bodies)} kept, {len(webhook_receiver.received)} sent")
    assert leaks == []


def test_other_objects_are_out_of_partner1s_reach(marked, client):
    partner1, own = marked["partner1"], marked["enterprise"]
    client.force_login(partner1)
    others = Enterprise.objects.exclude(pk=own.pk).order_by("pk")[:5]
    urls = []
    for enterprise in others:
        urls += [
            reverse("enterprise-detail", args=[enterprise.pk]),
            reverse("partners:enterprise-update", args=[enterprise.pk]),
        ]
    not_visible = CooperationEvent.objects.exclude(
        enterprise=own, status=CooperationEvent.Status.VERIFIED
    ).order_by("pk")
    for event in list(not_visible[:10]) + list(not_visible.filter(enterprise=own)[:5]):
        urls += [event.get_absolute_url(), reverse("partners:event-update", args=[event.pk])]
    for evidence in EvidenceFile.objects.order_by("pk")[:5]:
        urls.append(evidence.get_absolute_url())
    for report in PartnerReport.objects.exclude(enterprise=own).order_by("pk")[:5]:
        urls += [report.get_partner_url(), report.get_absolute_url()]
    for report in PartnerReport.objects.filter(enterprise=own)[:3]:
        urls.append(report.get_absolute_url())  # the officers' view of its own report
    for attachment in ReportAttachment.objects.exclude(report__enterprise=own)[:5]:
        urls.append(attachment.get_absolute_url())
    for certificate in Certificate.objects.exclude(result__nomination__enterprise=own)[:5]:
        urls.append(reverse("awards:certificate-download", args=[certificate.pk]))
    for nomination in Nomination.objects.select_related("cycle").order_by("pk")[:5]:
        urls.append(reverse("awards:dossier", args=[nomination.cycle.year, nomination.pk]))
    urls += [
        reverse("partners:enterprise-list"),
        reverse("partners:event-export"),
        reverse("partners:report-queue"),
        reverse("awards:cycle-list"),
    ]
    answers = {url: client.get(url).status_code for url in urls}
    assert len(urls) >= 30
    assert {url: status for url, status in answers.items() if status not in (403, 404)} == {}


def test_the_checks_would_see_a_leak(marked, client):
    """The same reading, on a staff page and a certificate, finds what is planted: the
    markers and the enterprise names are there to be found."""
    own = marked["enterprise"]
    client.force_login(User.objects.filter(groups__name=Role.OFFICER).first())
    staff_page = _text_of(client.get(reverse("enterprise-detail", args=[own.pk])))
    assert f"{MARK}-CooperationEvent-title-" in staff_page
    certificate = Certificate.objects.filter(
        result__nomination__enterprise=own, status=Certificate.Status.ISSUED
    ).first()
    client.force_login(marked["partner1"])
    printed = _text_of(client.get(reverse("awards:certificate-download", args=[certificate.pk])))
    assert _leaks("certificate", printed, [own.name_en]) == [f"certificate: {own.name_en!r}"]


# The API (issue 15): what partner1's monitoring system reads with a key holding every partner
# scope, every list followed page by page and every item opened, in both languages.

API_LISTS = ("/api/v1/reports/", "/api/v1/events/", "/api/v1/certificates/")
API_SINGLE = ("/api/v1/key/", "/api/v1/standing/")
# What would say, in the API's answers, that a report matched a manifest or who handled it.
API_FORBIDDEN_KEYS = ("matched_at", "handled_by", "manifest", "notes", "restricted_details")


def _api_crawl(text: str, language: str) -> list[tuple[str, str, dict | list]]:
    """(label, body, parsed JSON) of every API answer partner1's key can reach."""
    import json

    from tests.api import api_client

    client = api_client(text, **{"Accept-Language": language})
    answers, queue = [], [*API_SINGLE, *API_LISTS]
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        assert response.status_code == 200, (url, response.content)
        body = response.content.decode()
        data = json.loads(body)
        answers.append((f"api {language} {url}", body, data))
        if url.split("?")[0] in API_LISTS:
            queue += [f"{url.split('?')[0]}{item['id']}/" for item in data["results"]]
            if data["next"]:
                queue.append(urlsplit(data["next"]).path + "?" + urlsplit(data["next"]).query)
        if url == "/api/v1/certificates/":
            # The public pages its certificates' verification addresses lead to.
            for item in data["results"]:
                page = Client().get(urlsplit(item["verification_url"]).path)
                answers.append((f"verify {item['serial']}", page.content.decode(), {}))
    return answers


def _json_keys(data) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {key for value in data.values() for key in _json_keys(value)}
    if isinstance(data, list):
        return {key for value in data for key in _json_keys(value)}
    return set()


def test_no_marker_nor_other_enterprise_appears_in_any_api_answer(marked, settings):
    from portal.api.scopes import PARTNER_SCOPES
    from tests.api import partner_key

    settings.API_RATE_LIMIT = 10_000
    own = marked["enterprise"]
    _key, text = partner_key(marked["partner1"], PARTNER_SCOPES)
    answers = [answer for language in ("en", "zh-hant") for answer in _api_crawl(text, language)]
    urls = {
        label.split(" ", 2)[2].split("?")[0]
        for label, _body, _data in answers
        if label.startswith("api ")
    }
    # Its reports (the web's and its system's alerts), verified events and certificates, each
    # opened.
    own_reports = PartnerReport.objects.filter(enterprise=own)
    assert {f"/api/v1/reports/{pk}/" for pk in own_reports.values_list("pk", flat=True)} <= urls
    verified = CooperationEvent.objects.filter(enterprise=own, status="verified")
    assert {f"/api/v1/events/{pk}/" for pk in verified.values_list("pk", flat=True)} <= urls
    assert any(url.startswith("/api/v1/certificates/") and url[-2].isdigit() for url in urls)
    forbidden = _other_enterprises_names(own)
    leaks = [leak for label, body, _data in answers for leak in _leaks(label, body, forbidden)]
    assert leaks == []
    said = {
        key
        for _label, _body, data in answers
        for key in _json_keys(data)
        if any(word in key for word in API_FORBIDDEN_KEYS)
    }
    assert said == set()
    print(f"\nAPI answers checked: {len(answers)}")


def test_other_objects_are_404_through_partner1s_key(marked):
    from portal.api.scopes import PARTNER_SCOPES
    from tests.api import api_client, partner_key

    own = marked["enterprise"]
    _key, text = partner_key(marked["partner1"], PARTNER_SCOPES)
    client = api_client(text)
    urls = [
        *(
            f"/api/v1/reports/{pk}/"
            for pk in PartnerReport.objects.exclude(enterprise=own).values_list("pk", flat=True)[
                :10
            ]
        ),
        *(
            f"/api/v1/events/{pk}/"
            for pk in CooperationEvent.objects.exclude(
                enterprise=own, status="verified"
            ).values_list("pk", flat=True)[:20]
        ),
        *(
            f"/api/v1/certificates/{pk}/"
            for pk in Certificate.objects.exclude(result__nomination__enterprise=own).values_list(
                "pk", flat=True
            )[:10]
        ),
    ]
    assert len(urls) >= 25
    answers = {url: client.get(url).status_code for url in urls}
    assert {url: status for url, status in answers.items() if status != 404} == {}
    # And the staff endpoints are refused to a partner key.
    for url in ("/api/v1/staff/events/", "/api/v1/staff/enterprises/", "/api/v1/staff/cycles/"):
        assert client.get(url).status_code == 403
