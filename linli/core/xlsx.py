"""Workbook cells that are safe for the person who opens them: text never becomes a formula.

A name, a reason or an address typed as ``=HYPERLINK("http://…")``, ``+1+cmd|…``, ``-2+3`` or ``@SUM(A1)``
would be run by Excel or WPS as a formula (CSV/formula injection).  Such text is written as a text cell
with Excel's quote prefix, so it shows as typed and stays text even when the cell is edited; control
characters the file format cannot hold are dropped.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def clean_text(value: str) -> str:
    """``value`` without the control characters a workbook cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", value)


def text_cell(sheet: Any, value: str) -> Cell | WriteOnlyCell:
    """A cell of ``sheet`` (write-only or not) holding ``value`` as text, never as a formula (to style it)."""
    text = clean_text(value)
    cell = WriteOnlyCell(sheet, value=text) if isinstance(sheet, WriteOnlyWorksheet) else Cell(sheet, value=text)
    if text.startswith(FORMULA_STARTS):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def safe_cell(sheet: Any, value: Any) -> Any:
    """``value`` as it should be appended to ``sheet``: text that starts like a formula becomes a quote-prefixed
    text cell, other text loses its control characters, everything else goes in as it is."""
    if not isinstance(value, str):
        return value
    text = clean_text(value)
    return text_cell(sheet, text) if text.startswith(FORMULA_STARTS) else text


def safe_row(sheet: Any, values: list[Any]) -> list[Any]:
    """Every value of a row through ``safe_cell``."""
    return [safe_cell(sheet, v) for v in values]
