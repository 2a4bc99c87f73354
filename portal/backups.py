"""Backups of the portal: the PostgreSQL database (pg_dump's custom format, one consistent
snapshot), the media files (certificates, evidence, report attachments) and a manifest with the
SHA-256 of each; and their restore (docs/deployment.md#backup-and-restore).

A backup folder holds:
    manifest.json    what is below, with sizes and SHA-256, the migrations and the version
    database.dump    pg_dump --format=custom
    media/...        a copy of MEDIA_ROOT

The apps that keep a file's SHA-256 in the database (certificates, checked uploads) register
it with `register_stored_files`, so that a restore checks each file against the database
as well as against the manifest; this module names none of them."""

import hashlib
import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

MANIFEST = "manifest.json"
DUMP = "database.dump"
MEDIA = "media"
FORMAT = "eepa-portal-backup"
FORMAT_VERSION = 1
CHUNK = 1024 * 1024

# name -> a callable yielding (path under MEDIA_ROOT, SHA-256 the database records)
_stored_files: dict[str, Callable[[], Iterable[tuple[str, str]]]] = {}


def register_stored_files(name: str, files: Callable[[], Iterable[tuple[str, str]]]) -> None:
    """`files()` yields, for every file of `name` ("certificates") the database knows, its
    path under MEDIA_ROOT and the SHA-256 recorded for it. Called from an AppConfig.ready()."""
    _stored_files[name] = files


def stored_file_sources() -> dict[str, Callable[[], Iterable[tuple[str, str]]]]:
    return dict(_stored_files)


@dataclass(frozen=True)
class Problem:
    path: str
    what: str

    def __str__(self):
        return f"{self.path}: {self.what}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def require_postgresql(alias: str = DEFAULT_DB_ALIAS) -> None:
    if connections[alias].vendor != "postgresql":
        raise CommandError(
            "Backups and restores work on PostgreSQL only (pg_dump, pg_restore); this "
            f"database is {connections[alias].vendor}."
        )


def _pg_environment(alias: str) -> tuple[dict[str, str], str]:
    """The environment that points pg_dump and pg_restore at the database of `alias` (the
    password and TLS options as Django's own `dbshell` passes them), and its name."""
    connection = connections[alias]
    settings_dict = connection.settings_dict
    _args, extra = connection.client.settings_to_cmd_args_env(settings_dict, [])
    env = {**os.environ, **(extra or {})}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    return env, settings_dict["NAME"]


def _run(command: list[str], env: dict[str, str]) -> None:
    try:
        result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError as exc:
        raise CommandError(
            f"{command[0]} is not installed (Debian: apt-get install postgresql-client)."
        ) from exc
    if result.returncode != 0:
        raise CommandError(f"{command[0]} failed: {result.stderr.strip()}")


def applied_migrations(alias: str = DEFAULT_DB_ALIAS) -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app, name in sorted(MigrationRecorder(connections[alias]).applied_migrations()):
        applied.setdefault(app, []).append(name)
    return applied


def portal_version() -> str:
    try:
        return version("eepa-portal")
    except PackageNotFoundError:
        return "unknown"


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file() and not path.is_symlink())


def backup_create(output: Path, *, alias: str = DEFAULT_DB_ALIAS) -> dict:
    """Write a backup into the folder `output` (new or empty); return its manifest.

    The database is dumped first, then the media copied: every file a row of the dump names
    was written before that row was committed (and files are never deleted), so each is in
    the copy; a file written meanwhile is an extra that no row names yet."""
    require_postgresql(alias)
    if output.exists() and (not output.is_dir() or any(output.iterdir())):
        raise CommandError(f"{output} exists and is not an empty folder.")
    output.mkdir(parents=True, exist_ok=True)
    env, name = _pg_environment(alias)
    migrations = applied_migrations(alias)
    dump = output / DUMP
    # One transaction, one snapshot: pg_dump's own guarantee for everything it writes.
    _run(["pg_dump", "--format=custom", "--no-password", f"--file={dump}", name], env)
    media_root = Path(settings.MEDIA_ROOT)
    files = []
    for source in _media_files(media_root):
        relative = source.relative_to(media_root).as_posix()
        target = output / MEDIA / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        files.append({"path": relative, "size": target.stat().st_size, "sha256": sha256_of(target)})
    manifest = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "created_at": timezone.now().isoformat(),
        "portal_version": portal_version(),
        "database": {
            "file": DUMP,
            "size": dump.stat().st_size,
            "sha256": sha256_of(dump),
            "server_version": connections[alias].pg_version,
        },
        "migrations": migrations,
        "media": files,
    }
    partial = output / f"{MANIFEST}.partial"
    partial.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    partial.rename(
        output / MANIFEST
    )  # the manifest appears last: a backup without one is unfinished
    return manifest


def manifest_read(folder: Path) -> dict:
    path = folder / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CommandError(f"{path} is missing: not a backup, or an unfinished one.") from exc
    except (OSError, ValueError) as exc:
        raise CommandError(f"{path} cannot be read: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise CommandError(f"{path} is not the manifest of a portal backup.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise CommandError(
            f"{path} is of backup format {manifest.get('format_version')}; "
            f"this version of the portal reads format {FORMAT_VERSION}."
        )
    return manifest


def _file_problems(path: Path, label: str, size: int | None, sha256: str) -> list[Problem]:
    if not path.is_file():
        return [Problem(label, "missing")]
    if size is not None and path.stat().st_size != size:
        return [Problem(label, f"{path.stat().st_size} bytes, not {size} as the manifest says")]
    if sha256_of(path) != sha256:
        return [Problem(label, "SHA-256 differs from the manifest")]
    return []


def backup_verify(folder: Path, manifest: dict) -> list[Problem]:
    """Every file of the backup against its manifest: missing, changed, or not listed."""
    database = manifest["database"]
    problems = _file_problems(folder / DUMP, DUMP, database["size"], database["sha256"])
    listed = set()
    for entry in manifest["media"]:
        listed.add(entry["path"])
        path = folder / MEDIA / entry["path"]
        problems += _file_problems(path, f"{MEDIA}/{entry['path']}", entry["size"], entry["sha256"])
    for path in _media_files(folder / MEDIA):
        relative = path.relative_to(folder / MEDIA).as_posix()
        if relative not in listed:
            problems.append(Problem(f"{MEDIA}/{relative}", "not in the manifest"))
    return problems


def unknown_migrations(manifest: dict, alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Migrations the backup's database had that this code does not know: it was made by a
    newer version of the portal."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [
        f"{app}.{name}"
        for app, names in sorted(manifest["migrations"].items())
        for name in names
        if (app, name) not in known
    ]


def database_tables(alias: str = DEFAULT_DB_ALIAS) -> list[str]:
    with connections[alias].cursor() as cursor:
        return connections[alias].introspection.table_names(cursor)


def database_restore(folder: Path, *, replace: bool, alias: str = DEFAULT_DB_ALIAS) -> None:
    """pg_restore the dump into the database of `alias`, in one transaction: on an error
    nothing is left half-restored. With `replace`, every table there is dropped first."""
    connection = connections[alias]
    if replace:
        tables = database_tables(alias)
        if tables:
            quoted = ", ".join(connection.ops.quote_name(table) for table in tables)
            with connection.cursor() as cursor:
                cursor.execute(f"DROP TABLE IF EXISTS {quoted} CASCADE")
    connection.close()
    env, name = _pg_environment(alias)
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", "--no-password", f"--dbname={name}"]
    if replace:
        command += ["--clean", "--if-exists"]  # what the tables' drop left: sequences, types...
    _run([*command, str(folder / DUMP)], env)
    connection.close()


def media_restore(folder: Path, manifest: dict) -> list[Problem]:
    """Copy the backup's media into MEDIA_ROOT; then each copy against the manifest."""
    media_root = Path(settings.MEDIA_ROOT)
    problems = []
    for entry in manifest["media"]:
        target = media_root / entry["path"]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / MEDIA / entry["path"], target)
        problems += _file_problems(target, entry["path"], entry["size"], entry["sha256"])
    return problems


def stored_files_check() -> dict[str, tuple[int, list[Problem]]]:
    """Each registered source: how many files the database records, and those that are
    missing under MEDIA_ROOT or whose SHA-256 differs from the database's."""
    media_root = Path(settings.MEDIA_ROOT)
    checked = {}
    for name, files in sorted(_stored_files.items()):
        count, problems = 0, []
        for relative, sha256 in files():
            count += 1
            path = media_root / relative
            if not path.is_file():
                problems.append(Problem(relative, "missing"))
            elif sha256_of(path) != sha256:
                problems.append(Problem(relative, "SHA-256 differs from the database's"))
        checked[name] = (count, problems)
    return checked


def media_root_is_empty() -> bool:
    return not _media_files(Path(settings.MEDIA_ROOT))
