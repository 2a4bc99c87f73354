"""manage.py backup and restore (portal/backups.py) on real PostgreSQL databases: the seeded
demo, with its certificates' PDFs and an uploaded evidence file and report attachment, backed
up, restored into a new database and compared row by row and file by file; and the refusals.

These tests commit: they work on databases of their own (copies of the seeded demo made with
CREATE DATABASE ... TEMPLATE, and empty ones), never on the test database's transaction."""

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from awards.models import Certificate
from partners.models import CooperationEvent, EvidenceFile, PartnerReport, ReportAttachment
from partners.services.events import evidence_attach
from partners.services.uploads import checked_upload_create
from portal.backups import MANIFEST, sha256_of
from tests.demo import _connected_to, _create_database, _drop_database


def _pdf(text: str) -> bytes:
    writer, out = pypdf.PdfWriter(), io.BytesIO()
    writer.add_blank_page(width=200, height=200)
    writer.add_metadata({"/Title": text})
    writer.write(out)
    return out.getvalue()


@contextmanager
def _on(database: str, media: Path):
    """The default connection on `database` and MEDIA_ROOT at `media`, for the block."""
    with _connected_to(database), override_settings(MEDIA_ROOT=str(media)):
        yield


def _empty_database(name: str) -> None:
    _create_database(name, template="template0")


def _table_digests() -> dict[str, tuple[int, str]]:
    """Every table of the connected database: its row count and a digest of its rows, in an
    order that does not depend on how they are stored."""
    digests = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(
                f"SELECT count(*), md5(coalesce(string_agg(md5(t::text), '' "
                f"ORDER BY md5(t::text)), '')) FROM {quoted} t"
            )
            digests[table] = cursor.fetchone()
    return digests


def _files(root: Path) -> dict[str, str]:
    return {
        path.relative_to(root).as_posix(): sha256_of(path)
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def source(demo_template, django_db_blocker, tmp_path_factory):
    """A committed copy of the seeded demo (its certificates' PDFs in its media) with an
    evidence file and a report attachment uploaded: (database name, media folder)."""
    name = f"{demo_template.database}_backup_source"
    media = tmp_path_factory.mktemp("backup-source-media")
    shutil.copytree(demo_template.media, media, dirs_exist_ok=True)
    with django_db_blocker.unblock():
        _create_database(name, template=demo_template.database)
        with _on(name, media):
            officer = get_user_model().objects.get(username="officer")
            evidence_attach(
                event=CooperationEvent.objects.order_by("pk").first(),
                user=officer,
                upload=SimpleUploadedFile("seizure.pdf", _pdf("seizure")),
            )
            checked_upload_create(
                ReportAttachment,
                SimpleUploadedFile("manifest.pdf", _pdf("manifest")),
                report=PartnerReport.objects.order_by("pk").first(),
            )
        yield name, media
        _drop_database(name)


@pytest.fixture(scope="module")
def backup(source, django_db_blocker, tmp_path_factory):
    """The source backed up by `manage.py backup`: (folder, what the command printed)."""
    name, media = source
    folder = tmp_path_factory.mktemp("backups") / "nightly"
    out = io.StringIO()
    with django_db_blocker.unblock(), _on(name, media):
        call_command("backup", output=folder, stdout=out)
    return folder, out.getvalue()


@pytest.fixture
def target(django_db_blocker, tmp_path, demo_template):
    """A new, empty database and an empty MEDIA_ROOT to restore into: (name, media)."""
    name = f"{demo_template.database}_restored"
    media = tmp_path / "restored-media"
    with django_db_blocker.unblock():
        _empty_database(name)
        yield name, media
        _drop_database(name)


@pytest.fixture
def copy_of_backup(backup, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(backup[0], folder)
    return folder


def _restore(folder, target, **options):
    out, err = io.StringIO(), io.StringIO()
    with _on(*target):
        call_command("restore", str(folder), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def _refused(folder, target, **options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    with _on(*target), pytest.raises(CommandError) as refusal:
        call_command("restore", str(folder), stdout=out, stderr=err, **options)
    return str(refusal.value), err.getvalue()


def _tables(target) -> list[str]:
    with _on(*target), connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


# The round trip


def test_a_restored_backup_has_every_row_and_every_file_of_the_original(
    source, backup, target, django_db_blocker
):
    folder, printed = backup
    with django_db_blocker.unblock():
        with _on(*source):
            original_rows = _table_digests()
            certificates = Certificate.objects.exclude(pdf="").count()
            uploads = EvidenceFile.objects.count() + ReportAttachment.objects.count()

        out, err = _restore(folder, target)

        with _on(*target):
            restored_rows = _table_digests()
            restored_certificates = Certificate.objects.exclude(pdf="").count()

    assert certificates > 0 and uploads >= 2  # the backup had files of each kind to carry
    assert restored_rows == original_rows
    assert sum(count for count, _ in restored_rows.values()) > 5_000
    assert restored_certificates == certificates
    assert _files(target[1]) == _files(source[1])
    assert len(_files(target[1])) == certificates + uploads
    assert err == ""
    assert f"certificates: {certificates} files checked against the database's SHA-256." in out
    assert out.rstrip().endswith("Restore complete: every file matches.")
    assert f"{certificates + uploads} media files" in printed


def test_the_manifest_lists_every_file_with_its_sha256_the_migrations_and_the_version(
    source, backup
):
    folder, _printed = backup
    manifest = json.loads((folder / MANIFEST).read_text())

    assert {entry["path"]: entry["sha256"] for entry in manifest["media"]} == _files(source[1])
    assert all(entry["size"] > 0 for entry in manifest["media"])
    dump = folder / manifest["database"]["file"]
    assert manifest["database"]["sha256"] == hashlib.sha256(dump.read_bytes()).hexdigest()
    assert manifest["database"]["size"] == dump.stat().st_size
    assert dump.read_bytes()[:5] == b"PGDMP"  # pg_dump's custom format
    assert "0001_initial" in manifest["migrations"]["partners"]
    assert manifest["portal_version"] == "0.1.0"


def test_replace_restores_over_a_database_that_has_tables(
    source, backup, target, django_db_blocker
):
    with django_db_blocker.unblock():
        _restore(backup[0], target)
        with _on(*target):
            Certificate.objects.update(name_en="Changed after the backup")

        _restore(backup[0], target, replace=True)

        with _on(*source):
            original_rows = _table_digests()
        with _on(*target):
            assert _table_digests() == original_rows


# Refusals


def test_a_database_that_has_tables_is_refused_without_replace(
    source, backup, django_db_blocker, tmp_path
):
    with django_db_blocker.unblock():
        with _on(*source):
            before = _table_digests()

        message, _err = _refused(backup[0], (source[0], tmp_path / "media"))

        with _on(*source):
            assert _table_digests() == before
    assert message.startswith("The database is not empty (")
    assert "--replace" in message


def test_a_media_folder_that_has_files_is_refused_without_replace(
    backup, target, django_db_blocker
):
    target[1].mkdir()
    (target[1] / "left-over.pdf").write_bytes(b"%PDF-1.4")
    with django_db_blocker.unblock():
        message, _err = _refused(backup[0], target)
        assert _tables(target) == []
    assert message.startswith("MEDIA_ROOT already holds files")


def test_a_tampered_certificate_file_is_refused_before_anything_is_restored(
    copy_of_backup, target, django_db_blocker
):
    manifest = json.loads((copy_of_backup / MANIFEST).read_text())
    pdf = next(e["path"] for e in manifest["media"] if e["path"].startswith("certificates/"))
    tampered = copy_of_backup / "media" / pdf
    content = bytearray(tampered.read_bytes())
    content[len(content) // 2] ^= 0x01  # one bit, the size unchanged
    tampered.write_bytes(bytes(content))

    with django_db_blocker.unblock():
        message, err = _refused(copy_of_backup, target)
        assert _tables(target) == []
    assert message.endswith("failed verification (1 problems): nothing was restored.")
    assert f"media/{pdf}: SHA-256 differs from the manifest" in err
    assert not target[1].exists()


def test_a_missing_file_is_refused(copy_of_backup, target, django_db_blocker):
    manifest = json.loads((copy_of_backup / MANIFEST).read_text())
    missing = manifest["media"][0]["path"]
    (copy_of_backup / "media" / missing).unlink()

    with django_db_blocker.unblock():
        message, err = _refused(copy_of_backup, target)
        assert _tables(target) == []
    assert "failed verification (1 problems)" in message
    assert f"media/{missing}: missing" in err


def test_a_changed_dump_or_a_file_slipped_in_is_refused(copy_of_backup, target, django_db_blocker):
    dump = copy_of_backup / "database.dump"
    with dump.open("ab") as file:
        file.write(b"\0")
    (copy_of_backup / "media" / "certificates" / "extra.pdf").write_bytes(b"%PDF-1.4")

    with django_db_blocker.unblock():
        message, err = _refused(copy_of_backup, target)
        assert _tables(target) == []
    assert "failed verification (2 problems)" in message
    assert "database.dump: " in err
    assert "media/certificates/extra.pdf: not in the manifest" in err


def test_a_certificate_that_differs_from_the_database_is_reported_after_the_restore(
    copy_of_backup, target, django_db_blocker
):
    """A backup whose manifest was rewritten to match a changed certificate passes the
    manifest check; the SHA-256 the database keeps for the certificate still tells."""
    manifest = json.loads((copy_of_backup / MANIFEST).read_text())
    entry = next(e for e in manifest["media"] if e["path"].startswith("certificates/"))
    changed = copy_of_backup / "media" / entry["path"]
    changed.write_bytes(changed.read_bytes() + b"\n% appended\n")
    entry["size"], entry["sha256"] = changed.stat().st_size, sha256_of(changed)
    (copy_of_backup / MANIFEST).write_text(json.dumps(manifest))

    with django_db_blocker.unblock():
        message, err = _refused(copy_of_backup, target)
        assert len(_tables(target)) > 10  # restored, and reported
    assert message == "Restored with 1 problems (listed above)."
    assert f"certificates that do not match the database:\n  {entry['path']}: SHA-256" in err


def test_a_backup_of_a_newer_portal_is_refused(copy_of_backup, target, django_db_blocker):
    manifest = json.loads((copy_of_backup / MANIFEST).read_text())
    manifest["migrations"]["portal"].append("9999_from_the_future")
    (copy_of_backup / MANIFEST).write_text(json.dumps(manifest))

    with django_db_blocker.unblock():
        message, _err = _refused(copy_of_backup, target)
        assert _tables(target) == []
    assert "newer version of the portal" in message
    assert "portal.9999_from_the_future" in message


def test_a_folder_without_a_manifest_is_refused(tmp_path, target, django_db_blocker):
    with django_db_blocker.unblock():
        message, _err = _refused(tmp_path, target)
    assert message.endswith("manifest.json is missing: not a backup, or an unfinished one.")


def test_backup_refuses_a_folder_that_has_files(backup, source, django_db_blocker):
    with django_db_blocker.unblock(), _on(*source), pytest.raises(CommandError) as refusal:
        call_command("backup", output=backup[0])
    assert str(refusal.value) == f"{backup[0]} exists and is not an empty folder."


# As commands


def _manage(*args, **env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**os.environ, "DEBUG": "true", **env},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_restore_exits_non_zero_on_a_mismatch(copy_of_backup, target, django_db_blocker):
    manifest = json.loads((copy_of_backup / MANIFEST).read_text())
    (copy_of_backup / "media" / manifest["media"][-1]["path"]).write_bytes(b"not the file")

    result = _manage(
        "restore",
        str(copy_of_backup),
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{target[0]}",
        MEDIA_ROOT=str(target[1]),
    )

    assert result.returncode == 1
    assert "12 bytes, not" in result.stderr and "as the manifest says" in result.stderr
    assert "nothing was restored" in result.stderr


@pytest.mark.parametrize("command", [["backup", "--output", "x"], ["restore", "x"]])
def test_on_sqlite_both_commands_say_they_need_postgresql(tmp_path, command):
    result = _manage(*command, DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    assert result.returncode == 1
    assert "Backups and restores work on PostgreSQL only" in result.stderr
