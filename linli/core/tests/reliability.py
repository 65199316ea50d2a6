"""The tallies behind ``reports/reliability.md``: what the reliability tests tried, and how much failed.

A test calls ``check(section, what, ok)`` for every probe (a URL × role, a hostile input, a fault) and
then asserts ``ok``; ``pytest_sessionfinish`` (linli/conftest.py) writes the report.  Under pytest-xdist
each worker leaves its tallies in ``reports/.reliability/`` and the controller adds them up.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from pathlib import Path

REPORTS = Path(__file__).resolve().parents[3] / "reports"
FRAGMENTS = REPORTS / ".reliability"
SECTIONS = {
    "scope": "URLs × roles checked (inside and outside scope, GET and POST)",
    "hostile": "Hostile inputs tried (forms, uploads, JSON API, Open311, Excel exports, webhooks)",
    "faults": "Faults injected (and backup → restore round trips)",
}
_tally: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))


def check(section: str, what: str, ok: bool) -> bool:
    """Count one probe of ``section`` (grouped by ``what``); returns ``ok`` for the test to assert."""
    row = _tally[section][what]
    row[0] += 1
    row[1] += 0 if ok else 1
    return ok


def dump_fragment(worker: str) -> None:
    if _tally:
        FRAGMENTS.mkdir(parents=True, exist_ok=True)
        (FRAGMENTS / f"{worker}.json").write_text(json.dumps(_tally))


def write_report() -> Path | None:
    """Add up this process's and the workers' tallies and write reports/reliability.md."""
    total: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    parts = [dict(_tally)]
    if FRAGMENTS.is_dir():
        for fragment in sorted(FRAGMENTS.glob("*.json")):
            parts.append(json.loads(fragment.read_text()))
            fragment.unlink()
    for part in parts:
        for section, rows in part.items():
            for what, (tried, failed) in rows.items():
                total[section][what][0] += tried
                total[section][what][1] += failed
    if not total:
        return None
    lines = ["# Reliability", "", "Written by the test run (`make test`); each probe is also an assertion.", ""]
    for section, title in SECTIONS.items():
        rows = total.get(section, {})
        tried, failed = sum(r[0] for r in rows.values()), sum(r[1] for r in rows.values())
        lines += [f"## {title}: {tried} tried, {failed} failures", ""]
        if rows:
            lines += ["| what | tried | failures |", "|---|---:|---:|"]
            lines += [f"| {what} | {t} | {f} |" for what, (t, f) in sorted(rows.items())]
        else:
            lines.append("(not run in this session)")
        lines.append("")
    REPORTS.mkdir(exist_ok=True)
    path = REPORTS / "reliability.md"
    path.write_text("\n".join(lines))
    return path


def worker_id() -> str | None:
    return os.environ.get("PYTEST_XDIST_WORKER")
