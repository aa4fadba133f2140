"""`python manage.py restore FILE`: restore a backup and check every table against its manifest."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections

from heft.privacy.backups import BackupError, Database, restore


class Command(BaseCommand):
    help = (
        "Restores a backup made by `manage.py backup` into an empty database (or, with --replace, over "
        "the one there), then compares every table's row count and checksum with the backup's manifest "
        "and fails if anything differs. Stop the app servers and the task worker first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file; its .manifest.json must be beside it")
        parser.add_argument("--database-url", help="Restore into this database instead of the app's own")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Replace what the database holds (it must be empty otherwise)",
        )

    def handle(self, *args, file, database_url=None, replace=False, **options):
        try:
            if database_url:
                database = Database.from_url(database_url)
            else:
                database = Database.from_settings(connection.settings_dict)
                connections.close_all()  # this process must not hold the database open while it is replaced
            started = time.monotonic()
            manifest = restore(file, database, replace=replace)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Restored {file} into {database.describe()} in {time.monotonic() - started:.1f} s: "
            f"{len(manifest['tables'])} tables and {manifest['rows']:,} rows, each matching the backup."
        )
