"""Previews of uploaded files, safe to show in a page: the first page of a PDF, or an image,
always re-drawn to a fresh PNG of bounded size (never the uploaded bytes). Rendering runs in a
process of its own (portal/preview_worker.py) under limits of memory, CPU time and wall time,
so that a decompression bomb or a PDF built to exhaust its renderer ends that process only; a
file that cannot be previewed within them gets the placeholder."""

import functools
import io
import subprocess
import sys
from pathlib import Path

WORKER = Path(__file__).with_name("preview_worker.py")
# The kinds a preview is made of (CheckedUpload.Kind values); any other gets the placeholder.
PREVIEWABLE = frozenset({"pdf", "jpeg", "png"})
MAX_WIDTH = 1000
MAX_HEIGHT = 1400
# An image with more pixels than this is refused before it is decoded (a 40-megapixel image
# decodes to 120 MB of RGB).
MAX_SOURCE_PIXELS = 40_000_000
MAX_OUTPUT_BYTES = 16 * 1024 * 1024
# The renderer's process: its address space, CPU seconds, and the wall time it is given.
MEMORY_BYTES = 1024 * 1024 * 1024
CPU_SECONDS = 10
TIMEOUT_SECONDS = 15


class PreviewRefused(Exception):
    """The file cannot be previewed safely (its kind, or it failed within the limits)."""


def render_preview(path: str, kind: str) -> bytes:
    """The PNG preview of the file at `path`, of the checked `kind`; PreviewRefused if there is
    none to be had within the limits."""
    if kind not in PREVIEWABLE:
        raise PreviewRefused(f"no preview of a {kind} file")
    command = [
        sys.executable,
        "-I",  # no environment variables, no user site, not the script's folder on the path
        str(WORKER),
        kind,
        str(path),
        str(MAX_WIDTH),
        str(MAX_HEIGHT),
        str(MAX_SOURCE_PIXELS),
        str(MEMORY_BYTES),
        str(CPU_SECONDS),
    ]
    try:
        done = subprocess.run(
            command,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            env={},
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired as timeout:
        raise PreviewRefused("the preview took too long") from timeout
    if done.returncode != 0 or not done.stdout:
        reason = done.stderr.decode(errors="replace")[:300]
        raise PreviewRefused(f"the renderer refused the file ({done.returncode}): {reason}")
    return checked_png(done.stdout)


def checked_png(data: bytes) -> bytes:
    """`data` if it is a PNG of the preview's size at most (what the worker must have made)."""
    from PIL import Image

    if len(data) > MAX_OUTPUT_BYTES:
        raise PreviewRefused("the preview is too large")
    try:
        with Image.open(io.BytesIO(data), formats=["PNG"]) as image:
            image.verify()
            size = image.size
    except Exception as error:
        raise PreviewRefused("the renderer gave no PNG") from error
    if size[0] > MAX_WIDTH + 1 or size[1] > MAX_HEIGHT + 1:
        raise PreviewRefused("the preview is too large")
    return data


@functools.cache
def placeholder_png() -> bytes:
    """A grey sheet with a crossed corner, the same in every language: the page around it says
    why there is no preview."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (240, 320), (233, 236, 239))
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 40, 200, 280), fill=(255, 255, 255), outline=(108, 117, 125), width=4)
    draw.line((70, 120, 170, 220), fill=(108, 117, 125), width=8)
    draw.line((170, 120, 70, 220), fill=(108, 117, 125), width=8)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()
