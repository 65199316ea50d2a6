"""``linli holidays --year 2026``: load China's official holidays and adjusted working days."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from linli.cases.worktime import load_official_holidays


class Command(BaseCommand):
    help = "Load the official public holidays and weekend working days (调休) of a year into the calendar."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, action="append",
                            help="Year to load (repeatable); default this year and next.")

    def handle(self, *args: Any, **options: Any) -> None:
        this_year = timezone.localdate().year
        years = options["year"] or [this_year, this_year + 1]
        for year in years:
            if not 2004 <= year <= 2100:
                raise CommandError(f"Year out of range: {year}")
            try:
                written = load_official_holidays(year)
            except NotImplementedError:
                self.stderr.write(f"{year}: not published in the chinese_calendar package yet; "
                                  "enter it in the admin (Working calendar).")
                continue
            self.stdout.write(f"{year}: {written} days loaded")
