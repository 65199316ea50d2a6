"""Administrative codes: 6 digits a district, 9 a street, 12 a community, 15 a grid.

A unit's code starts with its parent's, so "everything under a unit" is one index range of codes.
"""

from __future__ import annotations

CODE_LENGTHS = (6, 9, 12, 15)  # district, street, community, grid
GRID_CODE_LENGTH = CODE_LENGTHS[-1]


def code_range(prefix: str) -> tuple[str, str]:
    """The half-open range of codes that start with ``prefix`` (codes are digits only)."""
    upper = str(int(prefix) + 1).zfill(len(prefix))
    return prefix, upper


def ancestor_codes(code: str) -> list[str]:
    """The codes of the unit and of every unit above it, district first."""
    return [code[:n] for n in CODE_LENGTHS if n <= len(code)]
