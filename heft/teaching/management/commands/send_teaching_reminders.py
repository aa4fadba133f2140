"""Queue the reminder emails for teaching sessions starting soon. Run it hourly (cron or a scheduler):
the task sends each trainee one reminder per session, however often it runs."""

from django.core.management.base import BaseCommand

from heft.teaching.tasks import send_due_reminders


class Command(BaseCommand):
    help = "Queue reminder emails (with the calendar invitation) for teaching sessions starting soon."

    def handle(self, *args, **options):
        result = send_due_reminders.enqueue()
        self.stdout.write(f"Queued the teaching reminders (task {result.id}, {result.status}).")
