"""Shared pieces of the benchmark modules: the machine line, interleaved rounds, and RESULTS.md sections.

Each module owns one section of ``bench/RESULTS.md`` between ``<!-- bench:NAME -->`` and
``<!-- /bench:NAME -->`` and replaces only that section, keeping everything else in the file.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

RESULTS = Path(__file__).with_name("RESULTS.md")


def machine() -> str:
    """Cores, CPU, Python, commit and the load average, for the line under a section's title."""
    cpuinfo = Path("/proc/cpuinfo")
    cpu = next((line.split(":", 1)[1].strip() for line in cpuinfo.read_text().splitlines()
                if line.startswith("model name")), "") if cpuinfo.exists() else platform.processor()
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=Path(__file__).parent).stdout.strip()
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    return (f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {os.cpu_count()} CPUs ({cpu}), "
            f"Python {sys.version.split()[0]}, commit {commit}; load average {load}")


def rounds(measures: dict[str, Callable[[], int]], n: int) -> dict[str, tuple[float, float, float]]:
    """Run every measure once per round, ``n`` interleaved rounds; each returns how many items it did.

    Returns, per measure, (median items/s, spread as (max - min) / median, median CPU ms per 1,000 items)."""
    rates: dict[str, list[float]] = {k: [] for k in measures}
    cpu: dict[str, list[float]] = {k: [] for k in measures}
    for _round in range(n):
        for name, fn in measures.items():
            wall, proc = time.perf_counter(), time.process_time()
            items = fn()
            wall, proc = time.perf_counter() - wall, time.process_time() - proc
            rates[name].append(items / wall)
            cpu[name].append(proc * 1000 / items * 1000)
    out = {}
    for name in measures:
        median = statistics.median(rates[name])
        out[name] = (median, (max(rates[name]) - min(rates[name])) / median, statistics.median(cpu[name]))
    return out


def write_section(name: str, text: str, path: Path = RESULTS) -> None:
    """Replace (or append) the section ``name`` of RESULTS.md with ``text``."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{text.rstrip()}\n{end}\n"
    old = path.read_text() if path.exists() else ""
    if start in old and end in old:
        head, rest = old.split(start, 1)
        new = head + block + rest.split(end, 1)[1].lstrip("\n")
    else:
        new = old.rstrip("\n") + ("\n\n" if old else "") + block
    path.write_text(new)
