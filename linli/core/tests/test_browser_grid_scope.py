"""End to end in Chromium on the demo data: the grid worker of 新河街网格 sees only that grid's people."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command

from linli.core.models import User
from linli.core.tests.browser import screenshot, sign_in
from linli.people.models import Person
from linli.places.models import Area, AreaLevel

pytestmark = pytest.mark.browser

GRID = "新河街网格"


@pytest.fixture
def demo(transactional_db):
    call_command("demo", stdout=io.StringIO())


def _search(page, text: str) -> None:
    page.locator("input[name=q]").fill(text)
    with page.expect_navigation():
        page.locator("form[role=search] button[type=submit]").click()


def _shown(page) -> list[tuple[str, str]]:
    """(name, area) of every row of the people table on this page."""
    rows = page.locator("table tbody tr")
    names = rows.locator("td:nth-child(1)").all_inner_texts()
    areas = rows.locator("td:nth-child(5)").all_inner_texts()
    return [(n.strip(), a.strip()) for n, a in zip(names, areas, strict=True)]


# No serialized_rollback: after an earlier live-server test's flush it would re-insert content types that
# the flush's post_migrate has already re-created (a unique error); the demo seeds the catalogue it needs.
@pytest.mark.django_db(transaction=True)
def test_grid_worker_of_xinhejie_sees_only_the_people_of_that_grid(page, live_server, demo, tmp_path):
    grid = Area.objects.get(level=AreaLevel.GRID, name=GRID)
    me = User.objects.select_related("person__area").get(username="grid-xinhejie").person
    in_grid = set(Person.objects.filter(area=grid).values_list("name", flat=True))
    expected_total = Person.objects.filter(area=grid).exclude(pk=me.pk).count() + 1
    outsider = (Person.objects.filter(area__level=AreaLevel.GRID).exclude(area=grid)
                .exclude(name__in=in_grid).select_related("area").order_by("pk").first())
    assert outsider is not None and expected_total > 700

    sign_in(page, live_server, "grid-xinhejie", "linli-demo")
    page.goto(f"{live_server.url}/people/")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    screenshot(page, tmp_path / "grid-xinhejie-people.png")
    total = int(re.search(r"\d+", page.locator(".people-summary").inner_text().replace(",", "")).group())
    assert total == expected_total

    # Every row of every page (paginated by key) is a person of 新河街网格, or the worker themself.
    seen: list[tuple[str, str]] = []
    for _ in range(100):
        seen += _shown(page)
        more = page.locator("a[rel=next]")
        if more.count() == 0:
            break
        with page.expect_navigation():
            more.click()
    assert len(seen) == expected_total
    assert {area for name, area in seen if name != me.name} == {GRID}

    # Somebody of another grid cannot be found by name, nor opened by address.
    _search(page, outsider.name)
    assert _shown(page) == []
    assert page.locator(".empty").is_visible()
    response = page.goto(f"{live_server.url}/people/{outsider.pk}/")
    assert response.status == 404

    # The same search does find people of the worker's own grid.
    insider = Person.objects.filter(area=grid).exclude(pk=me.pk).order_by("pk").first()
    page.goto(f"{live_server.url}/people/")
    _search(page, insider.name)
    found = _shown(page)
    assert (insider.name, GRID) in found and {a for _n, a in found} == {GRID}
    assert screenshot(page, tmp_path / "grid-xinhejie-search.png").stat().st_size > 10_000
