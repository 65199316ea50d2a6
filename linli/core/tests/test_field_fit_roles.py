"""Field fit (issue 16) on the demo data, in Chromium at 360 × 740 in large-text mode (1.5 ×), for the main pages
of every role (its home page and each link of its navigation) and the public pages:

- no page scrolls sideways (``document.documentElement.scrollWidth`` ≤ 360);
- buttons, links in lists, tables, navigation and pagers, and form controls are at least 44 × 44 px (a check box
  or radio button counts with its label);
- axe-core finds no serious or critical violation;
- the public case table is one card per case (the demo loads once: one test for all of it).
"""

import pytest
from django.core.management import call_command

from linli.demo.loader import DEMO_PASSWORD

from .browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 360
PHONE_360_LARGE = {"viewport": {"width": WIDTH, "height": 740}, "is_mobile": True, "has_touch": True,
                   "device_scale_factor": 2}
ROLES = {"resident": "resident-demo", "rider": "rider-demo", "grid worker": "grid-xinhejie",
         "community": "community-xiaxinxin", "street": "street-longzhouwan", "department": "dept-chengguan",
         "shop": "shop-demo"}
PUBLIC_PAGES = ["/", "/cases/public/", "/cases/public/map/", "/places/stations/"]
MIN_TARGET = 44

SMALL_TARGETS = """(min) => {
  const small = [];
  const controls = 'button, a.button, li a, td a, nav a, .pager a, .topbar a, '
                 + 'input:not([type=hidden]), select, textarea';
  for (const el of document.querySelectorAll(controls)) {
    if (el.closest('.leaflet-container')) continue;  // the map's own zoom buttons and attribution
    let target = el;
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      target = el.closest('label') || (el.id && document.querySelector('label[for="' + el.id + '"]')) || el;
    }
    const r = target.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;  // not shown
    if (r.width < min - 0.5 || r.height < min - 0.5) {
      small.push(el.tagName.toLowerCase() + ' "' + (el.textContent || el.name || '').trim().slice(0, 20) + '" '
                 + Math.round(r.width) + '×' + Math.round(r.height));
    }
  }
  return small;
}"""


def problems_of(page, url: str) -> list[str]:
    """What is wrong with ``url`` on the phone: sideways scrolling, small targets, serious axe findings."""
    from axe_playwright_python.sync_playwright import Axe

    page.goto(url, wait_until="networkidle")
    found = []
    width = page.evaluate("document.documentElement.scrollWidth")
    if width > WIDTH:
        found.append(f"scrolls sideways: {width} px wide")
    found += [f"small target: {s}" for s in page.evaluate(SMALL_TARGETS, MIN_TARGET)]
    violations = Axe().run(page).response["violations"]
    found += [f"axe {v['impact']}: {v['id']} ({len(v['nodes'])}×, {v['nodes'][0]['target']})"
              for v in violations if v["impact"] in {"serious", "critical"}]
    return found


@pytest.fixture
def large_text_phone(new_browser_page, live_server, settings):
    """A 360 px phone whose reader chose large text; no map tiles from the internet."""
    settings.LINLI_TILE_URL = "/no-tiles/{z}/{x}/{y}.png"

    def make():
        page = new_browser_page(**PHONE_360_LARGE)
        page.context.add_cookies([{"name": "linli_text", "value": "large", "url": live_server.url}])
        page.route("**/no-tiles/**", lambda route: route.fulfill(status=204))
        return page

    return make


def assert_public_case_table_is_one_card_per_case(page, url: str) -> None:
    page.goto(url, wait_until="networkidle")
    rows = page.locator("table.stack tbody tr")
    assert rows.count() >= 5
    assert page.locator("table.stack thead").bounding_box()["height"] <= 1  # the header row is for screen readers
    for i in range(3):
        row = rows.nth(i)
        box = row.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH  # a card within the screen
        cells = row.locator("td")
        tops = {round(cells.nth(j).bounding_box()["y"]) for j in range(cells.count())}
        assert len(tops) == cells.count()  # one cell under the other, not side by side
        label = cells.first.evaluate("td => getComputedStyle(td, '::before').content")
        assert "案件编号" in label or "编号" in label
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def test_main_pages_of_every_role_fit_a_360_px_phone_in_large_text(large_text_phone, live_server):
    call_command("demo")
    problems: dict[str, list[str]] = {}
    visited = 0
    page = large_text_phone()
    for path in PUBLIC_PAGES:
        visited += 1
        if found := problems_of(page, live_server.url + path):
            problems[f"anonymous {path}"] = found
    assert page.locator("html.large-text").count() == 1
    assert_public_case_table_is_one_card_per_case(page, f"{live_server.url}/cases/public/")
    for role, username in ROLES.items():
        page = large_text_phone()
        sign_in(page, live_server, username, DEMO_PASSWORD)
        links = page.eval_on_selector_all(".mainnav a", "els => els.map(a => a.getAttribute('href'))")
        paths = ["/"] + [p for p in links if p != "/"]
        assert len(paths) >= 3, (role, paths)
        for path in paths:
            visited += 1
            if found := problems_of(page, live_server.url + path):
                problems[f"{role} {path}"] = found
    assert visited >= 40
    assert problems == {}
