"""``linli demo [--reset | --logins]``: load the invented demo data of the article (see ``linli.demo``)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from linli.demo.loader import DemoError, load_demo, write_logins


class Command(BaseCommand):
    help = "Load the demo data (Banan district, invented people); --reset deletes and reloads them."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--reset", action="store_true", help="Delete the demo data first, then load them.")
        parser.add_argument("--logins", action="store_true",
                            help="Only print the demo logins that exist in the database.")

    def handle(self, *args, reset: bool = False, logins: bool = False, **options) -> None:
        if logins:
            write_logins(self.stdout)
            return
        try:
            load_demo(reset=reset, stdout=self.stdout)
        except DemoError as exc:
            raise CommandError(str(exc)) from None
