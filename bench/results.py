"""Sections of ``bench/RESULTS.md``: each script run owns one block between HTML comment markers.

``<!-- KEY -->`` … ``<!-- /KEY -->``: a new run replaces its own block only and keeps every other
script's (and every other scale's or database's) sections as they are.
"""

from __future__ import annotations

from pathlib import Path


def put_section(path: Path, key: str, text: str) -> None:
    """Write ``text`` as the block ``key`` of ``path``: replaced where it is, else put first."""
    begin, end = f"<!-- {key} -->", f"<!-- /{key} -->"
    block = f"{begin}\n{text.rstrip()}\n{end}\n"
    old = path.read_text() if path.exists() else ""
    if begin in old and end in old:
        head, _b, rest = old.partition(begin)
        new = head + block + rest.partition(end)[2].lstrip("\n")
    else:
        new = block + ("\n" + old if old.strip() else "")
    path.write_text(new)
