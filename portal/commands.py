"""Helpers shared by the management commands."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


def write_export(command: BaseCommand, content: bytes, output: Path | None) -> None:
    """Write an export file to `output`, or to standard output with nothing else on it (every
    export command's messages go to stderr)."""
    if output is None:
        # Bytes, for CSV too: the text layer would translate newlines and re-encode.
        stream = getattr(command.stdout, "buffer", None)
        if stream is None:
            raise CommandError("Standard output does not accept bytes; use --output FILE.")
        command.stdout.flush()
        stream.write(content)
        stream.flush()
        return
    try:
        output.write_bytes(content)
    except OSError as exc:
        raise CommandError(f"Cannot write {output}: {exc.strerror}.") from exc
