"""``linli demo [--reset]``: load the invented demo data of the article (see ``linli.core.demo``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.core.demo import DemoError, load_demo


class Command(BaseCommand):
    help = "Load the demo data (Banan district, invented people); --reset deletes and reloads them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete the demo data first, then load them.")

    def handle(self, *args, reset: bool = False, **options) -> None:
        try:
            load_demo(reset=reset, stdout=self.stdout)
        except DemoError as exc:
            raise CommandError(str(exc)) from None
