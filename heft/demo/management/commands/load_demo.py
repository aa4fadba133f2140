"""`python manage.py load_demo`: loads the demo data, safe to re-run (running it twice changes nothing)."""

import time

from django.core.management.base import BaseCommand, CommandError
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from heft.core.console import rich_console
from heft.demo.load import SCALES, demo_steps, load_demo_data
from heft.demo.management.commands.demo_signins import REFUSAL
from heft.demo.signins import print_demo_signins
from heft.demo.world import demo_allowed


class Command(BaseCommand):
    help = (
        "Loads invented demo data (regions, schemes, practices, posts, rotations, trainees, mentors and one "
        "sign-in per role) in one transaction. Safe to re-run: it updates by natural key and changes nothing "
        "the second time."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--allow-production",
            action="store_true",
            help="Run even when HEFT_ENVIRONMENT is production (demo accounts have a known password).",
        )
        parser.add_argument(
            "--scale",
            choices=sorted(SCALES),
            default="demo",
            help="demo (the default) or national: the demo inside a fictional England of about 120 schemes, "
            "6,500 practices and 13,000 trainees (a few minutes' load).",
        )
        parser.add_argument(
            "--factor",
            type=float,
            default=None,
            help="With --scale national: the fraction of national size to build (default 1.0).",
        )

    def handle(self, *args, allow_production=False, verbosity=1, scale="demo", factor=None, **options):
        if not demo_allowed(allow_production=allow_production):
            raise CommandError(REFUSAL)
        if factor is not None and (scale != "national" or not 0 < factor <= 1):
            raise CommandError("--factor goes with --scale national, and is above 0 and at most 1.")
        factor = SCALES[scale] if factor is None else factor
        if verbosity == 0:
            load_demo_data(factor=factor)
            return
        console = rich_console(self)
        started = time.monotonic()
        columns = (
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
        )
        with Progress(*columns, console=console) as progress:
            total = len(demo_steps(factor))
            task = progress.add_task("Loading demo data", total=total)
            steps_begun = 0

            def on_step(label: str) -> None:
                nonlocal steps_begun
                if steps_begun:
                    progress.advance(task)
                steps_begun += 1
                progress.update(task, description=label)

            counts = load_demo_data(on_step=on_step, factor=factor)
            progress.update(task, completed=total, description="Demo data loaded")
        elapsed = time.monotonic() - started
        table = Table(title=f"Demo data loaded in {elapsed:.1f} s", title_justify="left")
        table.add_column("Records")
        table.add_column("In the database", justify="right")
        for name, count in counts.items():
            table.add_row(name[:1].upper() + name[1:], f"{count:,}")
        console.print(table)
        print_demo_signins(console)
