"""The phone report page in a real browser: resize on the phone, submit, confirmation, draft cleared."""

import pytest

from linli.cases.models import Case, Category

from .intake_helpers import *  # noqa: F403
from .intake_helpers import INSIDE_G1, PASSWORD, jpeg

pytestmark = pytest.mark.django_db(transaction=True)


def test_rider_reports_a_manhole_from_the_phone_page(phone_page, live_server, tree, make_user, settings, tmp_path):
    from linli.core.tests.browser import sign_in

    settings.LINLI_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"
    make_user("rider-demo", home=tree.g1)
    photo = tmp_path / "manhole.jpg"
    photo.write_bytes(jpeg((2400, 1800)))
    page = phone_page
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, "rider-demo", PASSWORD, "/cases/report/")
    page.goto(f"{live_server.url}/cases/report/")
    page.select_option("#id_category", str(Category.objects.get(code="manhole").pk))
    page.fill("#id_lat", str(INSIDE_G1[0]))
    page.fill("#id_lng", str(INSIDE_G1[1]))
    page.dispatch_event("#id_lng", "change")
    page.set_input_files("#id_photos", str(photo))
    page.wait_for_selector("#report-photos img")
    page.fill("#id_description", "井盖破了，有人差点踩空")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling on a phone
    page.click("#report-submit")
    page.wait_for_selector("[data-report-done]")
    case = Case.objects.get()
    assert case.number in page.inner_text(".case-number") and case.area == tree.g1
    stored = case.photos.get()
    assert max(stored.width, stored.height) == 1600
    assert page.evaluate("localStorage.getItem('linli-report-draft')") is None
    assert not errors
