"""The ``linli import`` and ``linli export`` commands (``linli_import``/``linli_export``).

Grids and people share one command line; the grid work is ``places.services``'.  The management command
modules in ``linli/people/management/commands/`` only name these classes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _


class ImportCommand(BaseCommand):
    """``linli import grids FILE.geojson [--dry-run]`` / ``linli import people FILE.xlsx [--dry-run]``;
    all or nothing: every error is printed and nothing is written unless the whole file passes."""

    help = "Import grids from a GeoJSON FeatureCollection or people from an Excel workbook."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True, metavar="{grids,people}")
        grids = sub.add_parser("grids", help="grid boundaries from a GeoJSON FeatureCollection")
        grids.add_argument("file", type=Path)
        grids.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")
        people = sub.add_parser("people", help="residents and workers from an .xlsx workbook")
        people.add_argument("file", type=Path)
        people.add_argument("--dry-run", action="store_true", help="check the file and report; write nothing")

    def handle(self, *args: Any, what: str, file: Path, dry_run: bool = False, **options: Any) -> None:
        if not file.is_file():
            raise CommandError(_("File not found: %(path)s") % {"path": file})
        if what == "grids":
            self._grids(file, dry_run)
        else:
            self._people(file, dry_run)

    def _grids(self, file: Path, dry_run: bool) -> None:
        from linli.places.services import import_grids

        report = import_grids(file, dry_run=dry_run)
        if report.errors:
            for error in report.errors:
                self.stderr.write(error)
            raise CommandError(_("%(n)d error(s); nothing was imported.") % {"n": len(report.errors)})
        counts = {"created": report.created, "updated": report.updated, "unchanged": report.unchanged}
        if dry_run:
            self.stdout.write(_("Dry run: would create %(created)d grid(s), update %(updated)d, "
                                "leave %(unchanged)d unchanged. Nothing was written.") % counts)
        else:
            self.stdout.write(self.style.SUCCESS(
                _("%(created)d grid(s) created, %(updated)d updated, %(unchanged)d unchanged.") % counts))

    def _people(self, file: Path, dry_run: bool) -> None:
        from linli.people.excel import import_people_file

        shown = {"percent": -1}

        def progress(done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            if percent != shown["percent"] or done == total:
                shown["percent"] = percent
                self.stdout.write("\r" + _("Importing: %(done)d/%(total)d (%(percent)d%%)")
                                  % {"done": done, "total": total, "percent": percent}, ending="")
                self.stdout.flush()

        report = import_people_file(file, user=None, dry_run=dry_run, progress=progress)
        if shown["percent"] >= 0:
            self.stdout.write("")
        if report.errors:
            for error in report.errors:
                self.stderr.write(format_row_error(error))
            raise CommandError(_("%(total)d row(s) checked, %(n)d error(s); nothing was imported.")
                               % {"n": len(report.errors), "total": report.total})
        counts = {"total": report.total, "created": report.created, "updated": report.updated}
        if dry_run:
            self.stdout.write(_("Dry run: all %(total)d row(s) are valid; would create %(created)d, "
                                "update %(updated)d. Nothing was written.") % counts)
        else:
            self.stdout.write(self.style.SUCCESS(
                _("%(total)d row(s) imported: %(created)d created, %(updated)d updated.") % counts))


def format_row_error(error: Any) -> str:
    """``第 N 行 [列名] 消息`` (row and column left out when the error has none)."""
    row, column, message = getattr(error, "row", None), getattr(error, "column", ""), getattr(error, "message", error)
    parts = []
    if row:
        parts.append(_("Row %(row)d") % {"row": row})
    if column:
        parts.append(f"[{column}]")
    parts.append(str(message))
    return " ".join(parts)



class ExportCommand(BaseCommand):
    """``linli export grids [-o FILE.geojson] [--area CODE]`` / ``linli export people [-o FILE.xlsx] [--area CODE]``."""

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
                raise CommandError(_("There is no area with code %(code)s.") % {"code": area})
            areas = areas.under(area)
        if what == "grids":
            self._grids(areas, output)
        else:
            self._people(area, output)

    def _grids(self, areas, output: Path | None) -> None:
        from linli.places.services import export_grids

        data = export_grids(areas)
        # One feature per line: readable, and diffs well between exports.
        text = ('{"type": "FeatureCollection", "features": [\n'
                + ",\n".join(json.dumps(f, ensure_ascii=False) for f in data["features"]) + "\n]}")
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
        self.stdout.write(self.style.SUCCESS(_("People exported to %(path)s.") % {"path": output}))

    def _write(self, output: Path, data: bytes) -> None:
        try:
            output.write_bytes(data)
        except OSError as exc:
            raise CommandError(_("Cannot write %(path)s: %(error)s")
                               % {"path": output, "error": exc.strerror or exc}) from None
