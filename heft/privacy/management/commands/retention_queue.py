"""`python manage.py retention_queue`: queue records past their retention date for review. Erases nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from heft.privacy.retention import KINDS
from heft.privacy.services import retention_queue


class Command(BaseCommand):
    help = (
        "Puts every record past its retention date on the review queue (/privacy/retention/), where a "
        "national admin approves or rejects each one. Erases nothing. Safe to re-run: run it daily."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Say what would be queued, and queue nothing"
        )

    def handle(self, *args, dry_run=False, **options):
        with transaction.atomic():
            queued = retention_queue()
            transaction.set_rollback(dry_run)
        for key, count in queued.items():
            self.stdout.write(f"{KINDS[key].label}: {count}")
        verb = "would be queued" if dry_run else "queued"
        self.stdout.write(f"{sum(queued.values())} {verb} for review in all; nothing was erased.")
