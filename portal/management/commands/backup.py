"""manage.py backup --output DIR: the database, the media files and their manifest
(portal.backups, docs/deployment.md#backup-and-restore)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from portal.backups import backup_create


class Command(BaseCommand):
    help = (
        "Back up the PostgreSQL database (pg_dump, one consistent snapshot) and the media "
        "files into a new folder, with a manifest of every file's SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, required=True, help="A new (or empty) folder to write into."
        )

    def handle(self, *args, output: Path, **options):
        manifest = backup_create(output)
        media = manifest["media"]
        self.stdout.write(
            f"Backup written to {output}: database {manifest['database']['size']:,} bytes "
            f"(SHA-256 {manifest['database']['sha256']}), {len(media)} media files "
            f"({sum(entry['size'] for entry in media):,} bytes), portal "
            f"{manifest['portal_version']}."
        )
