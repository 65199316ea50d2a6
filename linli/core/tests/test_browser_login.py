"""End to end in Chromium: signing in and seeing the home page in Chinese."""

from __future__ import annotations

import re

import pytest

from linli.conftest import PASSWORD
from linli.core.tests.browser import screenshot, sign_in

pytestmark = pytest.mark.browser


def test_grid_worker_signs_in_and_sees_the_chinese_home_page(page, live_server, tree, make_user, tmp_path):
    make_user("wang-grid", "grid_worker", tree.g1)
    sign_in(page, live_server, "wang-grid", PASSWORD)
    assert page.url == f"{live_server.url}/"
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    assert page.locator("input[name=password]").count() == 0
    assert re.search(r"[\u4e00-\u9fff]", page.locator("main").inner_text()), "no Chinese on the home page"
    assert screenshot(page, tmp_path / "home.png").stat().st_size > 0


def test_wrong_password_keeps_the_person_on_the_login_page_with_a_message(page, live_server, tree, make_user):
    make_user("wang-grid", "grid_worker", tree.g1)
    sign_in(page, live_server, "wang-grid", "not-the-password")
    assert "/login/" in page.url
    assert page.get_by_role("alert").count() >= 1


def test_phone_screen_shows_the_login_form_without_sideways_scrolling(phone_page, live_server, db):
    phone_page.goto(f"{live_server.url}/login/")
    assert phone_page.locator("html").get_attribute("lang") == "zh-Hans"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone_page.locator("label[for=id_username]").is_visible()
