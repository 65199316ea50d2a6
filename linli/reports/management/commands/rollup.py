"""``linli rollup``: rebuild the daily case rollup from the cases; ``--check`` only compares them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.reports import rollup


class Command(BaseCommand):
    help = "Rebuild the dashboards' daily case rollup from the cases (after a bulk load or a restore)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true",
                            help="Compare the rollup with a fresh count and change nothing; fail if they differ.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["check"]:
            rows = rollup.drift()
            if rows:
                raise CommandError(f"The rollup differs from the cases in {len(rows)}+ rows, e.g. {rows[0]}; "
                                   "run `linli rollup` to rebuild it.")
            self.stdout.write("The rollup equals a fresh count of the cases.")
            return
        self.stdout.write(f"Rollup rebuilt: {rollup.rebuild()} rows.")
