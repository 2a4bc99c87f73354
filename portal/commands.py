"""Helpers shared by the management commands."""

import shutil
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def write_export(command: BaseCommand, content, output: Path | None) -> None:
    """Write an export file to `output`, or to standard output with nothing else on it (every
    export command's messages go to stderr). `content` is bytes, an open binary file (closed
    once written) or an iterable of bytes (portal.exports.export_table), written as it comes."""
    if output is None:
        # Bytes, for CSV too: the text layer would translate newlines and re-encode.
        stream = getattr(command.stdout, "buffer", None)
        if stream is None:
            _close(content)
            raise CommandError("Standard output does not accept bytes; use --output FILE.")
        command.stdout.flush()
        _copy(content, stream)
        stream.flush()
        return
    try:
        with output.open("wb") as file:
            _copy(content, file)
    except OSError as exc:
        raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
    finally:
        _close(content)


def _copy(content, target) -> None:
    if isinstance(content, bytes | bytearray):
        target.write(content)
    elif hasattr(content, "read"):
        with content:
            shutil.copyfileobj(content, target)
    else:
        for chunk in content:
            target.write(chunk)


def _close(content) -> None:
    close = getattr(content, "close", None)
    if close is not None:
        close()
