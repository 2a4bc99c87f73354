"""manage.py restore DIR: a backup made by `manage.py backup`, checked first, into an empty
database (portal.backups, docs/deployment.md#backup-and-restore)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor

from portal import backups


class Command(BaseCommand):
    help = (
        "Restore a backup folder: verify every file against the manifest, restore the database "
        "into an empty one and the media files into MEDIA_ROOT, then check every file the "
        "database records (certificates, uploads) against its SHA-256. Exits non-zero on any "
        "mismatch."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path, help="The folder `manage.py backup` wrote.")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Restore even if the database has tables or MEDIA_ROOT has files: the "
            "database's tables are dropped first; media files of the same name are overwritten.",
        )

    def handle(self, *args, folder: Path, replace: bool, **options):
        backups.require_postgresql()
        manifest = backups.manifest_read(folder)
        problems = backups.backup_verify(folder, manifest)
        if problems:
            self._report("The backup does not match its manifest", problems)
            raise CommandError(
                f"{folder} failed verification ({len(problems)} problems): nothing was restored."
            )
        unknown = backups.unknown_migrations(manifest)
        if unknown:
            raise CommandError(
                "The backup was made by a newer version of the portal (migrations unknown "
                f"here: {', '.join(unknown[:5])}): install that version first."
            )
        if not replace:
            tables = backups.database_tables()
            if tables:
                raise CommandError(
                    f"The database is not empty ({len(tables)} tables): restore into a new, "
                    "empty database, or give --replace to drop its tables first."
                )
            if not backups.media_root_is_empty():
                raise CommandError(
                    "MEDIA_ROOT already holds files: restore into an empty folder, or give "
                    "--replace to overwrite files of the same name."
                )
        self.stdout.write(
            f"Backup of {manifest['created_at']} (portal {manifest['portal_version']}) "
            "verified; restoring the database..."
        )
        backups.database_restore(folder, replace=replace)
        self.stdout.write(f"Restoring {len(manifest['media'])} media files...")
        problems = backups.media_restore(folder, manifest)
        if problems:
            self._report("Media files that differ from the manifest after the copy", problems)
        for name, (count, found) in backups.stored_files_check().items():
            self.stdout.write(f"{name}: {count} files checked against the database's SHA-256.")
            if found:
                self._report(f"{name} that do not match the database", found)
            problems += found
        if problems:
            raise CommandError(f"Restored with {len(problems)} problems (listed above).")
        executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
        if pending:
            self.stdout.write(
                f"This version of the portal has {len(pending)} migrations the backup did not: "
                "run `manage.py migrate` next."
            )
        self.stdout.write(self.style.SUCCESS("Restore complete: every file matches."))

    def _report(self, title: str, problems) -> None:
        self.stderr.write(f"{title}:")
        for problem in problems:
            self.stderr.write(f"  {problem}")
