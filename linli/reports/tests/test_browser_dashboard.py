"""End to end in Chromium at desktop size: a street secretary opens the street's dashboard (charts drawn, no console
error, first load within the 400 KB budget) and prints the monthly report to PDF (one A4 page per part, no chart
cut across pages)."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

import pytest
from django.urls import reverse

from linli.cases.models import Category
from linli.cases.services import file_case
from linli.conftest import PASSWORD
from linli.core.tests.browser import screenshot, sign_in

from .conftest import SH

pytestmark = [pytest.mark.browser]

FIRST_LOAD_BUDGET = 400 * 1024


def _watch_console(page) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


def _pdf_pages(pdf: bytes) -> int:
    """Pages of a PDF as Chromium writes it (one uncompressed ``/Type /Page`` dictionary per page)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


@pytest.fixture
def busy_october(october, categories, tree, users):
    """Besides the fixed cases, 36 filed through the services in October in 12 categories and 3 channels: a
    category chart of 12 bars (the most the dashboard draws) to fit on the report's first page."""
    parent = categories.parent
    kinds = [Category.objects.create(parent=parent, kind=parent.kind, code=f"kind-{i}", name=f"类别{i}",
                                     handler_level="grid") for i in range(12)]
    for i in range(36):
        with mock.patch("django.utils.timezone.now", return_value=dt.datetime(2026, 10, 2 + i % 27, 9, tzinfo=SH)):
            file_case(category=kinds[i % 12], channel=["h5", "hotline", "patrol"][i % 3], description="问题",
                      reporter=users.resident, area=[tree.g1, tree.g2][i % 2])


def test_street_dashboard_draws_its_charts_within_budget_and_prints_a_page_per_part(
        new_browser_page, live_server, tree, users, busy_october, tmp_path):
    page = new_browser_page()
    sign_in(page, live_server, users.street.username, PASSWORD)
    # A fresh context with the session only: nothing in the cache, so the dashboard's first load is measured.
    first = new_browser_page(storage_state=page.context.storage_state())
    errors = _watch_console(first)
    finished: list = []
    first.on("requestfinished", lambda r: finished.append(r))
    url = reverse("reports:dashboard", args=[tree.street_a.code])
    first.goto(f"{live_server.url}{url}?period=custom&from=2026-10-01&to=2026-10-31")
    first.wait_for_load_state("networkidle")
    shot = screenshot(first, tmp_path / "street-dashboard.png")
    assert shot.stat().st_size > 10_000

    charts = first.locator("svg.chart")
    assert charts.count() >= 4
    for i in range(charts.count()):
        box = charts.nth(i).bounding_box()
        assert box and box["width"] > 100 and box["height"] > 10
    assert first.locator("svg.chart rect[class^='s-']").count() > 5  # bars drawn, not only axes
    assert first.locator("#t-received").inner_text() == "42"  # 6 fixed + 36 filed
    assert first.locator("#cases .two svg.chart").first.locator("rect").count() == 12
    assert errors == []

    sizes = [r.sizes() for r in finished]
    weight = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    print(f"street dashboard first load: {len(sizes)} requests, {weight / 1024:.1f} KB")
    assert weight <= FIRST_LOAD_BUDGET

    monthly = reverse("reports:monthly", args=[tree.street_a.code])
    first.goto(f"{live_server.url}{monthly}?month=2026-10")
    parts = first.locator(".monthly section.part").count()
    assert parts == 6  # cases, the league of communities, meetings, volunteers, care, funds
    first.emulate_media(media="print")
    for i in range(first.locator(".chart-figure").count()):
        assert first.locator(".chart-figure").nth(i).evaluate("e => getComputedStyle(e).breakInside") == "avoid"
    pdf = first.pdf(format="A4", print_background=True)
    (tmp_path / "monthly.pdf").write_bytes(pdf)
    print(f"monthly report PDF: {_pdf_pages(pdf)} pages for {parts} parts, {len(pdf) / 1024:.1f} KB")
    assert pdf.startswith(b"%PDF") and _pdf_pages(pdf) == parts
    assert errors == []
