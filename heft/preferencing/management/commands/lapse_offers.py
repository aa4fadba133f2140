"""Send the reply reminders that are due and lapse the offers past their deadline. Run it from cron every
few minutes (docs/deploy.md): it is safe to run as often as you like, since an offer is reminded at most
once and lapses once. Publication also queues both to run at their moments; this is the backstop for when
the worker was down then."""

from django.core.management.base import BaseCommand

from heft.preferencing.offers import offers_lapse_due, offers_remind_due


class Command(BaseCommand):
    help = "Remind trainees of offers due within a working day, and lapse offers not answered in time."

    def handle(self, *args, **options):
        reminded = offers_remind_due()
        lapsed = offers_lapse_due()
        self.stdout.write(f"Reminded {reminded} unanswered offer(s); lapsed {lapsed} past their deadline.")
