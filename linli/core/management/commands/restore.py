"""``linli restore ARCHIVE``: a backup of ``linli backup`` into an empty home, every checksum verified first."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.utils.translation import gettext as _

from linli.core.backup import BackupError, engine_of, restore_backup


class Command(BaseCommand):
    help = "Restore a backup made by `linli backup` into an empty LINLI_HOME (or empty DATABASE_URL)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tar.gz written by `linli backup`")

    def handle(self, *args: object, **options: object) -> None:
        archive = Path(str(options["archive"]))
        if not archive.is_file():
            raise CommandError(_("No backup at %(path)s.") % {"path": archive})
        db = connection.settings_dict
        try:
            tables = None if engine_of(db) == "sqlite" else connection.introspection.table_names()
            connection.close()  # the SQLite file is replaced underneath
            manifest = restore_backup(archive, db=db, media_root=Path(settings.MEDIA_ROOT), table_names=tables)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(_("Restored %(count)d files from the backup of %(when)s. Run `linli migrate` if this "
                            "Linli is newer than the backup.")
                          % {"count": len(manifest["files"]), "when": manifest["created_at"]})
