"""Previews of evidence files in the event's pages (portal.previews renders them): kept beside
the uploads, under MEDIA_ROOT/previews/evidence/, as `<token>.png`, or `<token>.refused` for a
file that has none. Derived from the stored file, which never changes: deleting the folder only
makes them rendered again."""

import os
import tempfile
from pathlib import Path

from django.conf import settings

from partners.models import EvidenceFile
from portal import previews

READY, REFUSED, UNKNOWN = "ready", "refused", "unknown"


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "previews" / "evidence"


def _paths(evidence: EvidenceFile) -> tuple[Path, Path]:
    # The token is the portal's own (letters and digits), never a name an uploader chose.
    return _folder() / f"{evidence.token}.png", _folder() / f"{evidence.token}.refused"


def preview_state(evidence: EvidenceFile) -> str:
    """Whether the preview is known to be there, known to be impossible, or not yet rendered
    (no rendering here: the page asks, the image's own request renders)."""
    if evidence.kind not in previews.PREVIEWABLE:
        return REFUSED
    png, refused = _paths(evidence)
    if png.exists():
        return READY
    return REFUSED if refused.exists() else UNKNOWN


def with_preview_states(files) -> list[EvidenceFile]:
    """The files, each with its `preview_state` for the page (no query, no rendering)."""
    files = list(files)
    for evidence in files:
        evidence.preview_state = preview_state(evidence)
    return files


def evidence_preview(evidence: EvidenceFile) -> bytes | None:
    """The PNG preview of the evidence, rendered once and kept; None when it has none."""
    if evidence.kind not in previews.PREVIEWABLE:
        return None
    png, refused = _paths(evidence)
    try:
        return png.read_bytes()
    except FileNotFoundError:
        pass
    if refused.exists():
        return None
    try:
        data = previews.render_preview(evidence.file.path, evidence.kind)
    except previews.PreviewRefused:
        _write(refused, b"")
        return None
    _write(png, data)
    return data


def _write(path: Path, data: bytes) -> None:
    """Whole or not at all: two requests rendering the same file at once both write it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".part")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
