"""Helpers shared by the Excel tests: build an .xlsx in memory from rows of values."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook, load_workbook

from linli.conftest import make_id_number
from linli.people.excel import COLUMNS


def xlsx(rows: Iterable[dict[str, Any] | list[Any]], headers: list[str] | None = None) -> bytes:
    """An .xlsx whose first row is ``headers`` (default: all import columns) and then ``rows``.

    A row given as a dict is laid out by header name; missing names stay empty.
    """
    headers = headers or COLUMNS
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers] if isinstance(row, dict) else row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_xlsx(data: bytes) -> list[list[Any]]:
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def resident(n: int, area_code: str, **extra: Any) -> dict[str, Any]:
    """A valid row for a new resident (ID numbers from 500 up, so they never clash with make_person's)."""
    row = {"姓名": f"导入{n}", "身份证号": make_id_number(500 + n), "手机号": f"1390000{n:04d}",
           "所属区域编码": area_code}
    row.update(extra)
    return row
