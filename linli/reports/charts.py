"""Server-rendered SVG charts: no JavaScript, light, and sharp when printed on A4.

Colours come from classes (``reports.css``: ``.s-<key>``), never from ``style=`` attributes (the CSP
forbids inline style); sizes are SVG presentation attributes.  Every chart is ``aria-hidden``: the page
puts a table with the same numbers behind it for screen readers.  Labels are escaped.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
BAR_HEIGHT = 200
PAD_LEFT, PAD_BOTTOM, PAD_TOP = 36, 22, 8


def _nice_max(value: int) -> int:
    """A round top of the axis at or above ``value`` (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def _svg(height: int, body: list[str], title: str) -> SafeString:
    return mark_safe(  # noqa: S308 - every text below went through escape()
        f'<svg class="chart" viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-hidden="true" focusable="false" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{escape(title)}</title>{''.join(body)}</svg>")


def stacked_bars(title: str, labels: Sequence[str], series: Sequence[tuple[str, str]],
                 values: Sequence[dict[str, int]]) -> SafeString:
    """Columns over time, each stacked by ``series`` (key, label); ``values[i][key]`` the count."""
    n = max(len(labels), 1)
    top = _nice_max(max((sum(v.values()) for v in values), default=0))
    plot_w, plot_h = WIDTH - PAD_LEFT - 4, BAR_HEIGHT - PAD_BOTTOM - PAD_TOP
    slot = plot_w / n
    bar_w = max(slot * 0.75, 1)
    body = [f'<line class="axis" x1="{PAD_LEFT}" y1="{PAD_TOP + plot_h}" x2="{WIDTH - 4}" y2="{PAD_TOP + plot_h}" '
            f'stroke-width="1"/>',
            f'<text class="tick" x="{PAD_LEFT - 4}" y="{PAD_TOP + 8}" text-anchor="end" font-size="11">{top}</text>',
            f'<text class="tick" x="{PAD_LEFT - 4}" y="{PAD_TOP + plot_h}" text-anchor="end" font-size="11">0</text>']
    every = max(1, round(n / 10))
    for i, (label, counts) in enumerate(zip(labels, values, strict=True)):
        x = PAD_LEFT + i * slot + (slot - bar_w) / 2
        y: float = PAD_TOP + plot_h
        for key, name in series:
            count = counts.get(key, 0)
            if not count:
                continue
            h = plot_h * count / top
            y -= h
            body.append(f'<rect class="s-{escape(key)}" x="{x:.1f}" y="{y:.1f}" width="{bar_w:.1f}" '
                        f'height="{h:.1f}"><title>{escape(label)} {escape(name)}: {count}</title></rect>')
        if i % every == 0:
            body.append(f'<text class="tick" x="{x + bar_w / 2:.1f}" y="{BAR_HEIGHT - 6}" text-anchor="middle" '
                        f'font-size="11">{escape(label)}</text>')
    return _svg(BAR_HEIGHT, body, title)


def hbars(title: str, items: Sequence[tuple[str, float | int | None]], *, key: str = "bar",
          percent: bool = False, target: float | None = None) -> SafeString:
    """Horizontal bars, one per (label, value); ``percent``: the axis runs to 100 with an optional target line."""
    row, label_w = 24, 150
    height = max(len(items), 1) * row + 8
    plot_w = WIDTH - label_w - 60
    top = 100 if percent else _nice_max(int(max((v or 0 for _l, v in items), default=0)))
    body = []
    for i, (label, value) in enumerate(items):
        y = 4 + i * row
        body.append(f'<text class="label" x="{label_w - 6}" y="{y + 15}" text-anchor="end" font-size="12">'
                    f"{escape(label)}</text>")
        w = plot_w * (value or 0) / top
        body.append(f'<rect class="s-{escape(key)}" x="{label_w}" y="{y + 3}" width="{w:.1f}" height="{row - 8}"/>')
        shown = "—" if value is None else (f"{value}%" if percent else f"{value}")
        body.append(f'<text class="value" x="{label_w + w + 4:.1f}" y="{y + 15}" font-size="12">{shown}</text>')
    if target is not None:
        x = label_w + plot_w * target / top
        body.append(f'<line class="target" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke-width="2" '
                    f'stroke-dasharray="4 3"/>')
    return _svg(height, body, title)


def kpi_bar(title: str, value: float | None, target: int) -> SafeString:
    """One rate against its target: a bar to 100 % with the target marked."""
    height, plot_w = 28, WIDTH - 8
    w = plot_w * (value or 0) / 100
    met = "met" if value is not None and value >= target else "missed"
    x = 4 + plot_w * target / 100
    body = [f'<rect class="track" x="4" y="6" width="{plot_w}" height="16"/>',
            f'<rect class="s-{met}" x="4" y="6" width="{w:.1f}" height="16"/>',
            f'<line class="target" x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke-width="3"/>']
    return _svg(height, body, title)
