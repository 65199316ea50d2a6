"""Excel (.xlsx) import and export of people: residents and new-employment workers.

The file format is a sheet whose first row holds Chinese column headers (see ``COLUMNS``), in any
order.  An import is checked in full first (every bad cell is reported with its row, column and a
Chinese message); nothing is written unless every row passes, and then everything is written in one
transaction.  A dry run stops after the check and reports what would be created and updated.

Existing people are matched on the system number (``系统编号``, written by the export), then on the
ID-card number, then on the mobile number.  An export masks ID-card and mobile numbers; a masked value
in a re-imported file means "unchanged" when the row also carries the person's system number.
Empty cells never clear stored values.
"""

from .columns import CHANGE_REASON, COLUMNS, FileRejected, ImportReport, RowError
from .importer import import_people_file
from .write import export_people, export_queryset, template_workbook

# The limits of an import, read at call time by the modules below (so that they can be tuned in one place).
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
MAX_UNZIPPED_BYTES = 200 * 1024 * 1024  # a 5 MB file that inflates beyond this is a zip bomb
MAX_BLANK_RUN = 10_000  # this many empty rows in a row end the sheet

__all__ = ["CHANGE_REASON", "COLUMNS", "MAX_FILE_BYTES", "MAX_ROWS", "FileRejected", "ImportReport", "RowError",
           "export_people", "export_queryset", "import_people_file", "template_workbook"]
