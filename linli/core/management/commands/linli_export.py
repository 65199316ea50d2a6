"""``linli export grids [-o FILE.geojson] [--area CODE]`` and
``linli export people [-o FILE.xlsx] [--area CODE]``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _


class Command(BaseCommand):
    help = "Export grids as a GeoJSON FeatureCollection or people as an Excel workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{grids,people}")
        grids = sub.add_parser("grids", help="grids as GeoJSON (to standard output unless -o is given)")
        grids.add_argument("-o", "--output", type=Path, help="write to this file")
        grids.add_argument("--area", help="only grids under this area code")
        people = sub.add_parser("people", help="people as an .xlsx workbook")
        people.add_argument("-o", "--output", type=Path, help="file to write (default people-YYYYMMDD.xlsx)")
        people.add_argument("--area", help="only people under this area code")

    def handle(self, *args: Any, what: str, output: Path | None = None, area: str | None = None,
               **options: Any) -> None:
        from linli.places.models import Area

        areas = Area.objects.all()
        if area:
            if not Area.objects.filter(code=area).exists():
                raise CommandError(_("No area has the code %(code)s.") % {"code": area})
            areas = areas.under(area)
        if what == "grids":
            self._grids(areas, output)
        else:
            self._people(area, output)

    def _grids(self, areas, output: Path | None) -> None:
        from linli.places.services import export_grids

        data = export_grids(areas)
        text = json.dumps(data, ensure_ascii=False, indent=1)
        if output is None:
            self.stdout.write(text)
            return
        self._write(output, text.encode("utf-8"))
        self.stdout.write(self.style.SUCCESS(_("%(n)d grid(s) written to %(path)s.")
                                             % {"n": len(data["features"]), "path": output}))

    def _people(self, area: str | None, output: Path | None) -> None:
        from linli.people.excel import export_people
        from linli.people.models import Person
        from linli.places.models import code_range

        qs = Person.objects.all()
        if area:
            low, high = code_range(area)
            qs = qs.filter(area__code__gte=low, area__code__lt=high)
        output = output or Path(f"people-{timezone.localdate():%Y%m%d}.xlsx")
        self._write(output, export_people(qs))
        self.stdout.write(self.style.SUCCESS(_("People written to %(path)s.") % {"path": output}))

    def _write(self, output: Path, data: bytes) -> None:
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(_("Cannot write %(path)s: %(error)s")
                               % {"path": output, "error": exc.strerror or exc}) from None
