import datetime
import hashlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from partners.models import CooperationEvent, EvidenceFile
from partners.services import events as services
from portal.models import AuditEntry
from tests.upload_files import docx, jpeg, pdf, plain_zip, png, xlsx

pytestmark = pytest.mark.django_db
NOT_ALLOWED = "{} is not a PDF, JPEG, PNG, XLSX or DOCX file (checked by its content)."


GOOD_FILES = {
    "statement.pdf": (pdf, EvidenceFile.Kind.PDF),
    "seal.png": (png, EvidenceFile.Kind.PNG),
    "container photo.jpg": (jpeg, EvidenceFile.Kind.JPEG),
    "statement.docx": (docx, EvidenceFile.Kind.DOCX),
    "manifest.xlsx": (xlsx, EvidenceFile.Kind.XLSX),
}
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def _form(enterprise, *uploads) -> dict:
    return {
        "enterprise": enterprise.pk,
        "event_type": CooperationEvent.EventType.DETECTION_ASSISTANCE,
        "occurred_on": "2024-05-17",
        "significance": CooperationEvent.Significance.NOTABLE,
        "title": "On-site help tracking three containers",
        "partner_summary": "Helped staff track containers at the terminal.",
        "restricted_details": "Case HK-24-0117.",
        "seizure_value_hkd": "",
        "cases": "",
        "arrests": "",
        "evidence": list(uploads),
    }


def _post_new_event(client, officer, enterprise, *uploads):
    client.force_login(officer)
    return client.post(reverse("partners:event-create"), _form(enterprise, *uploads))


def _stored_files(media_root) -> list[Path]:
    return sorted(p for p in Path(media_root).rglob("*") if p.is_file())


# Uploading through the event form


@pytest.mark.parametrize("name", GOOD_FILES)
def test_an_officer_attaches_evidence_of_each_allowed_kind(
    client, officer, enterprise, settings, name
):
    build, kind = GOOD_FILES[name]
    content = build()

    response = _post_new_event(client, officer, enterprise, _upload(name, content))

    event = CooperationEvent.objects.get()
    assert response.status_code == 302
    assert response["Location"] == event.get_absolute_url()
    evidence = EvidenceFile.objects.get()
    assert (
        evidence.event,
        evidence.kind,
        evidence.original_name,
        evidence.size,
        evidence.sha256,
        evidence.uploaded_by,
    ) == (event, kind, name, len(content), hashlib.sha256(content).hexdigest(), officer)
    # Stored under MEDIA_ROOT by a random name and the detected type's extension, never the
    # uploaded name.
    stored = Path(settings.MEDIA_ROOT) / evidence.file.name
    assert evidence.file.name == f"evidence/{event.pk}/{evidence.token}.{evidence.extension}"
    assert evidence.extension == {"pdf": "pdf", "png": "png", "jpeg": "jpg"}.get(kind, kind)
    assert len(evidence.token) == 32
    assert stored.read_bytes() == content
    assert _stored_files(settings.MEDIA_ROOT) == [stored]
    entry = AuditEntry.objects.for_object(event).get(action="partners.event.evidence_added")
    assert (entry.actor, entry.changes) == (officer, {"evidence": ["", name]})


@pytest.mark.smoke
def test_several_files_at_once(client, officer, enterprise, settings):
    uploads = [_upload(name, build()) for name, (build, _) in GOOD_FILES.items()]

    _post_new_event(client, officer, enterprise, *uploads)

    assert sorted(EvidenceFile.objects.values_list("original_name", "kind")) == sorted(
        (name, kind) for name, (_, kind) in GOOD_FILES.items()
    )
    assert len(_stored_files(settings.MEDIA_ROOT)) == 5


def test_evidence_added_when_editing_a_draft(client, officer, draft_event, settings):
    client.force_login(officer)
    data = _form(draft_event.enterprise, _upload("seal.png", png()))

    response = client.post(reverse("partners:event-update", args=[draft_event.pk]), data)

    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    assert (evidence.event, evidence.kind) == (draft_event, EvidenceFile.Kind.PNG)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("statement.pdf", b"This is only text that calls itself a PDF.\n"),
        ("statement.pdf", EXE),
        ("tool.exe", EXE),
        ("photos.zip", plain_zip()),
        ("manifest.xlsx", plain_zip()),
        ("broken.docx", b"PK\x03\x04 truncated package"),
    ],
)
def test_a_file_of_another_kind_is_refused_and_nothing_is_saved(
    client, officer, enterprise, settings, name, content
):
    response = _post_new_event(client, officer, enterprise, _upload(name, content))

    assert response.status_code == 200
    assert response.context["form"].errors == {"evidence": [NOT_ALLOWED.format(name)]}
    assert NOT_ALLOWED.format(name) in response.content.decode()
    assert not CooperationEvent.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert _stored_files(settings.MEDIA_ROOT) == []


def test_one_bad_file_among_good_ones_refuses_them_all(client, officer, enterprise, settings):
    response = _post_new_event(
        client,
        officer,
        enterprise,
        _upload("seal.png", png()),
        _upload("setup.exe", EXE),
        _upload("statement.pdf", pdf()),
    )

    assert response.context["form"].errors == {"evidence": [NOT_ALLOWED.format("setup.exe")]}
    assert not CooperationEvent.objects.exists()
    assert not EvidenceFile.objects.exists()
    assert _stored_files(settings.MEDIA_ROOT) == []


def test_a_file_over_the_limit_is_refused(client, officer, enterprise, settings):
    settings.EVIDENCE_MAX_BYTES = 2048
    content = pdf() + b"%" + b"x" * (3072 - len(pdf()) - 2) + b"\n"
    assert len(content) == 3072

    response = _post_new_event(client, officer, enterprise, _upload("scan.pdf", content))

    assert response.context["form"].errors == {
        "evidence": ["scan.pdf is 3.0\xa0KB; the limit is 2.0\xa0KB."]
    }
    assert not CooperationEvent.objects.exists()
    assert _stored_files(settings.MEDIA_ROOT) == []


def test_the_default_limit_is_10_mb(client, officer, enterprise, settings):
    assert settings.EVIDENCE_MAX_BYTES == 10 * 1024 * 1024
    content = pdf() + b"%" + b"x" * (10 * 1024 * 1024) + b"\n"

    response = _post_new_event(client, officer, enterprise, _upload("big.pdf", content))

    [message] = response.context["form"].errors["evidence"]
    assert message == "big.pdf is 10.0\xa0MB; the limit is 10.0\xa0MB."
    assert not CooperationEvent.objects.exists()


def test_a_file_at_the_limit_is_accepted(client, officer, enterprise, settings):
    content = pdf()
    settings.EVIDENCE_MAX_BYTES = len(content)
    _post_new_event(client, officer, enterprise, _upload("scan.pdf", content))
    assert EvidenceFile.objects.get().size == len(content)


# Downloading


@pytest.fixture
def evidence(verified_event, officer):
    """A DOCX attached to a verified event logged by `officer`."""
    return services.evidence_attach(
        event=verified_event, user=officer, upload=_upload("statement.docx", docx())
    )


@pytest.mark.parametrize("who", ["officer", "officer2", "verifier", "secretariat"])
def test_staff_download_evidence(client, evidence, who, request):
    client.force_login(request.getfixturevalue(who))

    response = client.get(reverse("partners:evidence-download", args=[evidence.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == _docx_content(evidence)
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response["Content-Disposition"] == (
        f'attachment; filename="evidence-{evidence.pk}-statement.docx"'
    )
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


def _docx_content(evidence) -> bytes:
    with evidence.file.open("rb") as stored:
        content = stored.read()
    assert hashlib.sha256(content).hexdigest() == evidence.sha256
    return content


@pytest.mark.parametrize("who", ["partner_user", "other_partner_user", "panel_member"])
def test_partners_and_the_panel_cannot_download_evidence(client, evidence, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("partners:evidence-download", args=[evidence.pk]))
    assert response.status_code == 403


def test_evidence_of_another_officers_draft_is_not_found(client, officer, officer2, enterprise):
    draft = services.event_create(
        user=officer,
        enterprise=enterprise,
        event_type=CooperationEvent.EventType.TRAINING,
        occurred_on=datetime.date(2024, 4, 2),
        title="Draft with a photo",
        evidence=[_upload("photo.png", png())],
    )
    evidence = draft.evidence_files.get()
    url = reverse("partners:evidence-download", args=[evidence.pk])

    client.force_login(officer2)
    assert client.get(url).status_code == 404
    client.force_login(officer)
    assert client.get(url).status_code == 200


def test_unknown_evidence_is_not_found(client, officer):
    client.force_login(officer)
    assert client.get(reverse("partners:evidence-download", args=[999999])).status_code == 404


def test_an_anonymous_user_is_sent_to_log_in(client, evidence):
    url = reverse("partners:evidence-download", args=[evidence.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_evidence_is_not_served_under_media_url(client, evidence, officer, settings):
    client.force_login(officer)
    assert client.get(f"{settings.MEDIA_URL}{evidence.file.name}").status_code == 404
    assert client.get(evidence.file.url).status_code == 404


def test_evidence_is_never_deleted(evidence):
    with pytest.raises(PermissionError):
        evidence.delete()
    with pytest.raises(PermissionError):
        EvidenceFile.objects.all().delete()
    assert EvidenceFile.objects.count() == 1
