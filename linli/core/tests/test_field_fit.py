"""Phone pages on a production-like server (hashed, compressed static files) in Chromium at 360 × 640: each
first load ≤ 100 KB transferred (map tiles excluded) in ≤ 15 requests.  The run writes ``reports/field-fit.md``:
per page its weight, requests, axe-core result (serious/critical) and whether the navigation fits on one line."""

from pathlib import Path

import pytest
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.core.tests.browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BUDGET_BYTES = 100 * 1024
BUDGET_REQUESTS = 15
PHONE_360 = {"viewport": {"width": 360, "height": 640}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2,
             "user_agent": "Mozilla/5.0 (Linux; Android 12) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 "
                           "Mobile Safari/537.36 MicroMessenger/8.0.47"}
PNG_1PX = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")
REPORT = Path(__file__).resolve().parents[3] / "reports" / "field-fit.md"
RESULTS: dict[str, dict] = {}


def measure(page, url: str) -> dict:
    """Load ``url`` fresh and sum what went over the wire (headers and encoded bodies), tiles left out."""
    sizes: list[int] = []

    def finished(request):
        if "/no-tiles/" not in request.url:
            s = request.sizes()
            sizes.append(s["responseBodySize"] + s["responseHeadersSize"])

    page.on("requestfinished", finished)
    page.goto(url, wait_until="networkidle")
    page.remove_listener("requestfinished", finished)
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    severe = sorted({v["id"] for v in violations if v["impact"] in {"serious", "critical"}})
    nav_lines = page.evaluate("""() => { var items = document.querySelectorAll('.mainnav li');
        return new Set(Array.from(items, function (li) { return li.offsetTop; })).size; }""")
    overflow = page.evaluate("() => document.documentElement.scrollWidth > window.innerWidth")
    return {"bytes": sum(sizes), "requests": len(sizes), "axe": severe, "nav_lines": nav_lines, "overflow": overflow}


@pytest.fixture
def phone(new_browser_page, settings):
    settings.LINLI_TILE_URL = "/no-tiles/{z}/{x}/{y}.png"
    page = new_browser_page(**PHONE_360)
    page.route("**/no-tiles/**", lambda route: route.fulfill(status=200, content_type="image/png", body=PNG_1PX))
    return page


@pytest.fixture(scope="module", autouse=True)
def _write_report():
    yield
    if not RESULTS:
        return
    REPORT.parent.mkdir(exist_ok=True)
    lines = ["# Field fit: phone pages (360 × 640, production-like server)", "",
             f"Budget: ≤ {BUDGET_BYTES // 1024} KB transferred on first load (map tiles excluded), "
             f"≤ {BUDGET_REQUESTS} requests. Written by `linli/core/tests/test_field_fit.py`.", "",
             "| page | KB transferred | requests | axe serious/critical | nav lines | horizontal overflow |",
             "|---|---:|---:|---|---:|---|"]
    for name, r in RESULTS.items():
        lines.append(f"| {name} | {r['bytes'] / 1024:.1f} | {r['requests']} | {', '.join(r['axe']) or '0'} | "
                     f"{r['nav_lines'] or '-'} | {'yes' if r['overflow'] else 'no'} |")
    REPORT.write_text("\n".join(lines) + "\n")


def check(name: str, result: dict) -> None:
    RESULTS[name] = result
    assert result["bytes"] <= BUDGET_BYTES, result
    assert result["requests"] <= BUDGET_REQUESTS, result
    assert not result["axe"], result


@pytest.mark.parametrize("name, url_name", [("public map", "cases:public_map"), ("public cases", "cases:public_list")])
def test_public_phone_pages_stay_within_the_budget(production_server, phone, tree, name, url_name):
    check(name, measure(phone, production_server.url + reverse(url_name)))
    assert RESULTS[name]["nav_lines"] <= 1 and not RESULTS[name]["overflow"], RESULTS[name]


@pytest.mark.parametrize("name, url_name", [("rider home", "home"), ("report", "cases:report"),
                                            ("my reports", "cases:mine"), ("points", "points:points")])
def test_rider_phone_pages_stay_within_the_budget(production_server, phone, tree, make_user, ns, name, url_name):
    make_user("rider", "volunteer", tree.g1)
    sign_in(phone, production_server, "rider", PASSWORD, "/")
    check(name, measure(phone, production_server.url + reverse(url_name)))
    assert RESULTS[name]["nav_lines"] <= 1 and not RESULTS[name]["overflow"], RESULTS[name]
