"""`python manage.py backup`: back the database up with its own tools, with a manifest to check it by."""

import os
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from heft.privacy.backups import BackupError, Database, backup, default_backup_path, manifest_path


class Command(BaseCommand):
    help = (
        "Backs up the database (PostgreSQL: pg_dump's custom format; SQLite: its online backup) while the "
        "app runs, and writes a manifest beside the file: every table's row count and checksum. Restore it "
        "with `manage.py restore`, which checks every table against the manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="The backup file (default: a time-stamped file in $HEFT_BACKUP_DIR, else ./backups)",
        )
        parser.add_argument("--database-url", help="Back up this database instead of the app's own")

    def handle(self, *args, output=None, database_url=None, **options):
        try:
            database = (
                Database.from_url(database_url)
                if database_url
                else Database.from_settings(connection.settings_dict)
            )
            directory = Path(os.environ.get("HEFT_BACKUP_DIR") or settings.BASE_DIR / "backups")
            path = output or default_backup_path(database, directory)
            started = time.monotonic()
            manifest = backup(database, path)
        except BackupError as error:
            raise CommandError(str(error)) from error
        seconds = time.monotonic() - started
        size = Path(path).stat().st_size
        self.stdout.write(
            f"Backed up {database.describe()}: {len(manifest['tables'])} tables, {manifest['rows']:,} rows, "
            f"{size / 1e6:.1f} MB in {seconds:.1f} s.\n"
            f"File: {path}\nManifest: {manifest_path(Path(path))}"
        )
