"""End to end in Chromium at phone size: a grid worker handles a case from the inbox to "resolved"."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from linli.cases.models import Status
from linli.cases.services import transition
from linli.conftest import PASSWORD
from linli.core.tests.browser import screenshot, sign_in

from .desk_support import URLCONF, new_case

pytestmark = [pytest.mark.browser, pytest.mark.urls(URLCONF)]


def test_grid_worker_resolves_a_case_with_an_after_photo_on_the_phone(phone_page, live_server, categories, actors,
                                                                      tree, tmp_path):
    case = new_case(categories, tree, actors.reporter, lat=29.401, lng=106.501)
    transition(case, "accept", actors.community)
    transition(case, "dispatch", actors.community)
    page = phone_page
    sign_in(page, live_server, "worker", PASSWORD)
    page.goto(f"{live_server.url}/cases/inbox/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, tmp_path / "inbox.png")
    page.get_by_role("link", name=case.number).click()
    page.wait_for_url(f"**/cases/{case.number}/")
    screenshot(page, tmp_path / "case.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("form:has(input[name=action][value=start]) button[type=submit]").click()
    page.wait_for_load_state()
    photo = tmp_path / "after.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (30, 120, 60)).save(buffer, "JPEG")
    photo.write_bytes(buffer.getvalue())
    form = page.locator("form:has(input[name=action][value=resolve])")
    form.locator("input[type=file]").set_input_files(str(photo))
    form.locator("textarea[name=note]").fill("已更换新井盖")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    screenshot(page, tmp_path / "resolved.png")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert page.locator(".desk-timeline img").count() == 1
    assert page.locator(".desk-timeline").get_by_text("已更换新井盖").is_visible()
