"""`python manage.py import_practice_data SOURCE FILE`: load a public data file, showing progress.

All or nothing, and safe to re-run: the same file changes nothing. Each run is logged in the import log.
"""

import getpass
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from heft.core.console import rich_console
from heft.practices.models import DataImport
from heft.practices.services import data_import_run_file

PROBLEMS_SHOWN = 50


class Command(BaseCommand):
    help = (
        "Loads a public data file: epraccur (NHS ODS GP practices), fingertips (indicator 93553, deprivation "
        "score by practice), iod (Indices of Deprivation by LSOA, 2019 File 7 or 2025) or lsoa_patients "
        "(patients registered at a GP practice by LSOA). Refuses the whole file if any row is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", choices=DataImport.Source.values, help="Which kind of file this is.")
        parser.add_argument("path", help="The CSV file, as downloaded from its publisher.")

    def handle(self, *args, source: str, path: str, **options):
        file = Path(path)
        if not file.is_file():
            raise CommandError(f"No such file: {path}")
        console = rich_console(self)
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=console, disable=options["verbosity"] == 0) as progress:
            bar = progress.add_task("Reading", total=None)

            def on_progress(stage: str, done: int, total: int) -> None:
                progress.update(bar, description=stage, completed=done, total=total)

            data_import = data_import_run_file(
                source=source,
                file_name=file.name,
                data=file.read_bytes(),
                by=f"manage.py import_practice_data ({getpass.getuser()})",
                on_progress=on_progress,
            )
        self._report(console, data_import)

    def _report(self, console, data_import: DataImport) -> None:
        if data_import.status != DataImport.Status.LOADED:
            for problem in data_import.problems[:PROBLEMS_SHOWN]:
                where = f"line {problem['line']}: " if problem["line"] else ""
                console.print(f"{where}{problem['message']}", markup=False)
            if data_import.problem_count > PROBLEMS_SHOWN:
                console.print(f"… and {data_import.problem_count - PROBLEMS_SHOWN:,} more.")
            if data_import.status == DataImport.Status.FAILED:
                raise CommandError(
                    f"{data_import.get_status_display()}: an unexpected error, in the server log."
                )
            raise CommandError(
                f"{data_import.get_status_display()} ({data_import.problem_count:,} problems)."
            )
        table = Table(title=f"{data_import.vintage}: loaded", title_justify="left")
        table.add_column("What")
        table.add_column("Count", justify="right")
        for label, number in data_import.summary["counts"]:
            table.add_row(label, f"{number:,}")
        console.print(table)
        for note in data_import.summary.get("notes", []):
            console.print(note, markup=False)
