"""The phone report page in a real browser: resize on the phone, submit, confirmation, draft cleared."""

import pytest

from linli.cases.models import Case, Category

from .intake_helpers import *  # noqa: F403
from .intake_helpers import INSIDE_G1, PASSWORD, jpeg

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_report(page, live_server, photo, timeout: float = 30_000) -> None:
    """Sign the rider in and fill the 随手拍 form inside grid g1 with one photo (shown once it is read)."""
    from linli.core.tests.browser import sign_in

    sign_in(page, live_server, "rider-demo", PASSWORD, "/cases/report/")
    page.goto(f"{live_server.url}/cases/report/")
    page.select_option("#id_category", str(Category.objects.get(code="manhole").pk))
    page.fill("#id_lat", str(INSIDE_G1[0]))
    page.fill("#id_lng", str(INSIDE_G1[1]))
    page.dispatch_event("#id_lng", "change")
    page.set_input_files("#id_photos", str(photo))
    page.wait_for_selector("#report-photos img", timeout=timeout)
    page.fill("#id_description", "井盖破了，有人差点踩空")


def test_rider_reports_a_manhole_from_the_phone_page(phone_page, live_server, tree, make_user, settings, tmp_path):

    settings.LINLI_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"
    make_user("rider-demo", home=tree.g1)
    photo = tmp_path / "manhole.jpg"
    photo.write_bytes(jpeg((2400, 1800)))
    page = phone_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    _fill_report(page, live_server, photo)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.click("#report-submit")
    page.wait_for_selector("[data-report-done]")
    case = Case.objects.get()
    assert case.number in page.inner_text(".case-number") and case.area == tree.g1
    stored = case.photos.get()
    assert max(stored.width, stored.height) == 1600
    assert page.evaluate("localStorage.getItem('linli-report-draft')") is None
    assert not errors


def test_the_category_is_suggested_from_what_the_rider_writes(phone_page, live_server, tree, make_user, settings):
    """Writing the problem proposes categories; the best one becomes the choice until the rider picks another."""
    from linli.core.tests.browser import sign_in

    settings.LINLI_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"
    make_user("rider-demo", home=tree.g1)
    page = phone_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, "rider-demo", PASSWORD, "/cases/report/")
    page.goto(f"{live_server.url}/cases/report/")
    page.fill("#id_description", "井盖丢了，路口有个大坑很危险")
    page.wait_for_selector("#category-suggestions .chip")
    chips = page.locator("#category-suggestions .chip").all_inner_texts()
    manhole = Category.objects.get(code="manhole")
    assert manhole.name in chips
    assert page.input_value("#id_category") == str(manhole.pk) or chips[0] != manhole.name
    other = page.locator("#category-suggestions .chip").nth(len(chips) - 1)
    other.click()
    chosen = page.input_value("#id_category")
    page.fill("#id_description", "井盖丢了，路口有个大坑很危险，请尽快处理")
    page.wait_for_timeout(900)
    assert page.input_value("#id_category") == chosen  # a choice by hand is never overwritten
    assert not errors


def test_a_5_mb_photo_goes_up_under_500_kb_and_a_failed_submit_is_retried_into_one_case(
        phone_page, live_server, tree, make_user, settings, tmp_path):
    """A noisy 3000 × 2250 camera photo (> 5 MB) is re-encoded on the phone to at most 500 KB; the first submit
    loses the network, the second meets a proxy's 502 page: the form, the draft and the photo stay, the rider is
    told, and the third submit files exactly one case."""
    import io
    import os

    from PIL import Image


    settings.LINLI_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"
    make_user("rider-demo", home=tree.g1)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (3000, 2250), os.urandom(3000 * 2250 * 3)).save(buffer, "JPEG", quality=95)
    assert buffer.tell() > 5 * 1024 * 1024
    photo = tmp_path / "camera.jpg"
    photo.write_bytes(buffer.getvalue())
    page = phone_page
    _fill_report(page, live_server, photo, timeout=60_000)
    offline = page.locator("#report-form").get_attribute("data-msg-offline")

    posts = []
    answers = iter([lambda route: route.abort("internetdisconnected"),
                    lambda route: route.fulfill(status=502, content_type="text/html", body="<h1>502 Bad Gateway</h1>")])

    def flaky(route):
        posts.append(len(route.request.post_data_buffer or b""))
        next(answers, lambda r: r.continue_())(route)

    page.route("**/cases/report/", lambda route: flaky(route) if route.request.method == "POST" else route.continue_())
    for _ in range(2):
        page.click("#report-submit")
        page.wait_for_function("t => document.getElementById('report-status').textContent === t", arg=offline)
        assert page.input_value("#id_description") == "井盖破了，有人差点踩空"
        assert page.locator("#report-photos img").count() == 1
        assert "井盖破了" in page.evaluate("localStorage.getItem('linli-report-draft')")
        assert Case.objects.count() == 0
    page.click("#report-submit")
    page.wait_for_selector("[data-report-done]")
    assert len(posts) == 3 and max(posts) <= 500 * 1024 + 4096  # the photo plus the form's few fields
    assert Case.objects.count() == 1 and Case.objects.get().photos.count() == 1
