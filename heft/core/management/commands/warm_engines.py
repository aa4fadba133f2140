"""`python manage.py warm_engines`: compile and cache, at install and deploy time, what is otherwise slow the
first time it runs (heft/core/warmup.py): the allocation engine's numba kernels, matplotlib's font list, the
project's bytecode. Safe to repeat; quick when the caches are warm. Run it as the user the app runs as, with
the app's environment (NUMBA_CACHE_DIR and MPLCONFIGDIR), so that the app finds what it writes."""

from django.core.management.base import BaseCommand, CommandError

from heft.core.warmup import STEPS, WarmupError, timed


class Command(BaseCommand):
    help = (
        "Compiles the allocation engine's numba kernels into their cache, builds matplotlib's font list and "
        "writes the project's bytecode, so that the first allocation run, Deep End rule and equity report "
        "after an install or upgrade are not slow. Run after installing requirements, before restarting."
    )

    def handle(self, *args, **options):
        total = 0.0
        for step, warm in STEPS:
            self.stdout.write(f"{step}…", ending=" ")
            self.stdout.flush()
            try:
                warmed = timed(step, warm)
            except WarmupError as error:
                raise CommandError(f"{step}: {error}") from None
            total += warmed.seconds
            self.stdout.write(f"{warmed.seconds:.1f} s — {warmed.detail}")
        self.stdout.write(self.style.SUCCESS(f"Warmed in {total:.1f} s."))
