"""Renders one file to a PNG preview on standard output: the first page of a PDF, or an image
re-encoded. Run by portal.previews in a process of its own, with limits on memory, CPU time
and files set before it starts, and killed after a timeout: a hostile file (a decompression
bomb, a PDF that makes the renderer loop or allocate without end) ends this process, never the
portal's.

Imports neither Django nor the portal (it is run as a script, in isolated mode: -I). Usage:

    python -I preview_worker.py pdf|jpeg|png PATH MAX_WIDTH MAX_HEIGHT MAX_SOURCE_PIXELS \
        MEMORY_BYTES CPU_SECONDS

The limits are set by the process itself, first thing (a preexec_fn in the portal's process
would not be safe with threads).

Exit status 0 with the PNG on standard output, or non-zero with nothing on it."""

import io
import math
import resource
import sys
import warnings

FORMATS = {"jpeg": "JPEG", "png": "PNG"}


def _flattened(image):
    """RGB on white: the preview keeps no transparency, palette or colour profile."""
    from PIL import Image

    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        image = image.convert("RGBA")
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.getchannel("A"))
        return background
    return image.convert("RGB")


def render_pdf(path: str, max_width: int, max_height: int):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(path)
    if len(document) < 1:
        raise ValueError("no page")
    page = document[0]
    width, height = page.get_size()  # points
    if not (math.isfinite(width) and math.isfinite(height)) or width <= 0 or height <= 0:
        raise ValueError("no page size")
    # At most the preview's size, and never enlarged past twice the page's own.
    scale = min(max_width / width, max_height / height, 2.0)
    # Forms are not drawn (no form environment: nothing of the PDF's own code runs).
    bitmap = page.render(scale=scale, may_draw_forms=False)
    return bitmap.to_pil()


def render_image(path: str, kind: str, max_width: int, max_height: int, max_pixels: int):
    from PIL import Image, ImageOps

    Image.MAX_IMAGE_PIXELS = max_pixels
    # Past MAX_IMAGE_PIXELS Pillow only warns (an error from twice that): refuse from the limit.
    warnings.simplefilter("error", Image.DecompressionBombWarning)
    image = Image.open(path, formats=[FORMATS[kind]])
    if image.width * image.height > max_pixels:
        raise ValueError("too many pixels")
    # A JPEG is decoded at the smallest scale still at least the preview's size.
    image.draft("RGB", (max_width, max_height))
    image = ImageOps.exif_transpose(image)
    image.thumbnail((max_width, max_height))
    return image


def limit_process(memory: int, cpu: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    # It writes only to its standard output (a pipe, which this does not limit).
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main(argv: list[str]) -> int:
    kind, path, max_width, max_height, max_pixels, memory, cpu = argv
    limit_process(int(memory), int(cpu))
    max_width, max_height, max_pixels = int(max_width), int(max_height), int(max_pixels)
    if kind == "pdf":
        image = render_pdf(path, max_width, max_height)
    elif kind in FORMATS:
        image = render_image(path, kind, max_width, max_height, max_pixels)
    else:
        return 2
    image = _flattened(image)
    if image.width > max_width + 1 or image.height > max_height + 1:
        return 3
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False)
    sys.stdout.buffer.write(buffer.getvalue())
    return 0


if __name__ == "__main__":
    try:
        status = main(sys.argv[1:])
    except Exception as error:  # any failure is a refusal; the reason for the portal's log
        print(f"{type(error).__name__}: {error}"[:500], file=sys.stderr)
        status = 1
    sys.exit(status)
