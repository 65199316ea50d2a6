"""Reading an uploaded .xlsx: size and zip-bomb checks, the rows, the header row mapped to columns."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from openpyxl import load_workbook

import linli.people.excel as limits

from .columns import (
    COLUMNS,
    EXPORT_EXTRA,
    HEADER_ALIASES,
    REQUIRED,
    FileRejected,
    RowError,
)


def read_bytes(source: str | Path | BinaryIO) -> bytes:
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            if path.stat().st_size > limits.MAX_FILE_BYTES:
                raise FileRejected([file_error(_too_large_message())])
            return path.read_bytes()
        except OSError:
            raise FileRejected([file_error(_("The file cannot be opened."))]) from None
    size = getattr(source, "size", None)
    if size is not None and size > limits.MAX_FILE_BYTES:
        raise FileRejected([file_error(_too_large_message())])
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read(limits.MAX_FILE_BYTES + 1)
    if len(data) > limits.MAX_FILE_BYTES:
        raise FileRejected([file_error(_too_large_message())])
    return data


def _too_large_message() -> str:
    return _("The file is larger than %(mb)d MB; please split it into smaller files.") % {
        "mb": limits.MAX_FILE_BYTES // (1024 * 1024)}


def file_error(message: str) -> RowError:
    return RowError(0, "", message)


def _not_xlsx() -> FileRejected:
    return FileRejected([file_error(_(
        "This is not a valid Excel (.xlsx) file. Please open it in Excel or WPS and save it as "
        "“Excel workbook (*.xlsx)”."))])


def _check_container(data: bytes) -> None:
    """A real .xlsx is a zip archive holding a workbook; refuse anything else before openpyxl sees it."""
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise FileRejected([file_error(_(
            "This is an old-style Excel (.xls) file. Please save it as “Excel workbook (*.xlsx)” and upload again."))])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _not_xlsx() from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names or "[Content_Types].xml" not in names:
        raise _not_xlsx()
    if sum(info.file_size for info in infos) > limits.MAX_UNZIPPED_BYTES:
        raise FileRejected([file_error(_too_large_message())])


def read_rows(data: bytes) -> tuple[list[str | None], Iterator[tuple[int, tuple]]]:
    """The header row and an iterator of (Excel row number, values) for the non-empty rows."""
    _check_container(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        iterator = sheet.iter_rows(values_only=True)
        header = next(iterator, None)
    except Exception:  # openpyxl raises many kinds (KeyError, ValueError, XML errors …) on broken files
        raise _not_xlsx() from None
    if not header or not any(_is_filled(v) for v in header):
        raise FileRejected([RowError(1, "", _("The first row must hold the column headers; it is empty."))])
    headers = [str(v).strip() if _is_filled(v) else None for v in header]

    def body() -> Iterator[tuple[int, tuple]]:
        blank_run = 0
        try:
            for number, values in enumerate(iterator, start=2):
                if values and any(_is_filled(v) for v in values):
                    blank_run = 0
                    yield number, values
                else:
                    blank_run += 1
                    if blank_run > limits.MAX_BLANK_RUN:  # formatted but empty rows to the end of the sheet
                        break
        except Exception:
            raise _not_xlsx() from None
        finally:
            workbook.close()

    return headers, body()


def _is_filled(value: Any) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


def map_headers(headers: list[str | None]) -> dict[str, int]:
    """Column name → index; raise with one error per unknown, duplicate or missing header."""
    known = set(COLUMNS) | set(EXPORT_EXTRA)
    positions: dict[str, int] = {}
    errors: list[RowError] = []
    for index, raw in enumerate(headers):
        if raw is None:
            continue
        name = HEADER_ALIASES.get(raw, raw)
        if name not in known:
            errors.append(RowError(1, raw, _("Unknown column “%(name)s”. Allowed columns: %(allowed)s.") % {
                "name": raw, "allowed": "、".join(COLUMNS)}))
        elif name in positions:
            errors.append(RowError(1, raw, _("The column “%(name)s” appears twice.") % {"name": raw}))
        else:
            positions[name] = index
    for name in COLUMNS:
        if name in REQUIRED and name not in positions:
            errors.append(RowError(1, name, _("The required column “%(name)s” is missing.") % {"name": name}))
    if errors:
        raise FileRejected(errors)
    return positions
