"""``linli backup [ARCHIVE]``: the database and the media files in one archive, with SHA-256 checksums."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.backup import BackupError, make_backup


def linli_version() -> str:
    try:
        return version("linli")
    except PackageNotFoundError:  # pragma: no cover - running from a checkout that was never installed
        return ""


class Command(BaseCommand):
    help = "Back up the database (online) and the media files into one .tar.gz archive with a manifest."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", nargs="?",
                            help="where to write the archive (default: LINLI_HOME/backups/linli-<time>.tar.gz)")

    def handle(self, *args: object, **options: object) -> None:
        archive = Path(str(options["archive"])) if options["archive"] else (
            Path(settings.LINLI_HOME) / "backups" / f"linli-{timezone.now():%Y%m%d-%H%M%S}.tar.gz")
        if archive.exists():
            raise CommandError(_("%(path)s exists already; name a new file.") % {"path": archive})
        try:
            manifest = make_backup(archive, db=connection.settings_dict, media_root=Path(settings.MEDIA_ROOT),
                                   linli_version=linli_version())
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        size = sum(f["size"] for f in manifest["files"])
        self.stdout.write(_("Backup written to %(path)s: %(count)d files, %(mb).1f MB before compression.")
                          % {"path": archive, "count": len(manifest["files"]), "mb": size / 1e6})
