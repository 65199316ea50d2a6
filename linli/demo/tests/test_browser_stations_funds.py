"""End to end at phone size on the demo data: a rider finds the nearest open station with charging;
a resident of 新河街 opens the fund's monthly statement."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from linli.core.tests.browser import screenshot, sign_in
from linli.demo.accounts import DEMO_PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    call_command("demo", stdout=io.StringIO())


@pytest.mark.django_db(transaction=True)  # no serialized_rollback: see core test_browser_grid_scope
def test_rider_finds_the_nearest_open_station_with_charging(phone_page, live_server, demo, tmp_path):
    page = phone_page
    sign_in(page, live_server, "rider-demo", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/places/stations/")
    page.locator("select[name=amenity]").select_option(label="手机/电瓶充电")
    page.locator("select[name=community]").select_option(label="龙洲湾街道龙锦社区")
    with page.expect_navigation():
        page.locator("#station-find").click()
    first = page.locator(".station-card").first
    try:
        assert "离龙锦社区最近" in page.locator("#station-results-title").inner_text()
        assert "营业" in first.locator(".status-open").inner_text()
        assert "手机/电瓶充电" in first.inner_text()
        assert "米" in first.locator(".station-distance").inner_text()
        assert "骑行" in first.locator(".station-distance").inner_text()
    except AssertionError:
        screenshot(page, tmp_path / "rider.png")
        raise
    with page.expect_navigation():
        first.locator("a").first.click()
    assert "营业时间" in page.content()


@pytest.mark.django_db(transaction=True)  # no serialized_rollback: see core test_browser_grid_scope
def test_resident_opens_the_fund_statement(phone_page, live_server, demo, tmp_path):
    page = phone_page
    sign_in(page, live_server, "resident-demo", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/funds/")
    with page.expect_navigation():
        page.get_by_role("link", name="每月公示").first.click()
    text = page.locator("article.statement").inner_text()
    try:
        assert "新河街自治管理服务费" in text and "收支公示" in text
        assert "上月结余" in text and "本月结余" in text and "本月应缴 374 户" in text
    except AssertionError:
        screenshot(page, tmp_path / "statement.png")
        raise
    prev = page.locator(".statement-months a").first
    with page.expect_navigation():
        prev.click()
    assert "保洁工资" in page.locator("article.statement").inner_text()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone
