"""Issue 3, end to end in Chromium on the demo data: the whole closed loop of one broken manhole cover.

``rider-demo`` reports it on the phone page with a photo and the phone's location in 新河街网格;
``community-xiaxinxin`` accepts and dispatches it from the dispatcher board; ``grid-xinhejie`` finds it in
the inbox on the phone and resolves it with an after-photo; ``community-xiaxinxin`` verifies and closes it;
``rider-demo`` rates it in "my reports"; the public page shows it closed, without the rider's name.
Screenshots of every step go to the test's ``tmp_path``.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from PIL import Image, ImageDraw

from linli.cases.models import Case, CasePhoto, Category, Channel, HandlerLevel, Rating, Status
from linli.core.models import User
from linli.core.tests.browser import PHONE, screenshot, sign_in
from linli.demo.loader import DEMO_PASSWORD
from linli.places.models import Area

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo(path, colour) -> str:
    image = Image.new("RGB", (1200, 900), (90, 92, 96))
    ImageDraw.Draw(image).ellipse((450, 300, 750, 600), fill=colour, outline=(20, 20, 20), width=12)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    path.write_bytes(buffer.getvalue())
    return str(path)


def _act(page, action: str, note: str = "", photo: str | None = None) -> None:
    """Submit one action form of the case page, as a person would."""
    form = page.locator(f"form:has(input[name=action][value={action}])")
    form.wait_for()
    if note:
        form.locator("textarea[name=note]").fill(note)
    if photo:
        form.locator("input[type=file]").set_input_files(photo)
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]


def test_rider_report_goes_round_the_whole_loop_to_a_closed_case_on_the_public_page(
        new_browser_page, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.LINLI_TILE_URL = "/static/no-tiles/{z}/{x}/{y}.png"  # no map tiles from the internet
    call_command("demo")
    xhj = Area.objects.get(name="新河街网格")
    rider = User.objects.select_related("person").get(username="rider-demo")
    shots = tmp_path / "shots"

    # 1. The rider, on the phone, the location from the phone's GPS (a point inside 新河街网格).
    rider_page = new_browser_page(**PHONE, geolocation={"latitude": xhj.centre_lat, "longitude": xhj.centre_lng},
                                  permissions=["geolocation"])
    errors: list[str] = []
    rider_page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(rider_page, live_server, "rider-demo", DEMO_PASSWORD, "/cases/report/")
    rider_page.goto(f"{live_server.url}/cases/report/")
    rider_page.wait_for_function("document.getElementById('id_lat').value !== ''")
    assert abs(float(rider_page.input_value("#id_lat")) - xhj.centre_lat) < 1e-5
    rider_page.select_option("#id_category", str(Category.objects.get(code="manhole").pk))
    rider_page.set_input_files("#id_photos", _photo(tmp_path / "manhole.jpg", (15, 15, 18)))
    rider_page.wait_for_selector("#report-photos img")
    rider_page.fill("#id_description", "新河街井盖破了一角，晚上看不清，有人差点踩空")
    assert _fits_the_phone(rider_page)
    screenshot(rider_page, shots / "1-report.png")
    rider_page.click("#report-submit")
    done_or_duplicates = rider_page.locator("[data-report-done], [data-confirm-new]").first
    done_or_duplicates.wait_for()
    if rider_page.locator("[data-confirm-new]").count():  # an open manhole case nearby: ours is a new one
        screenshot(rider_page, shots / "1-duplicates.png")
        rider_page.locator("[data-confirm-new]").first.click()
    rider_page.wait_for_selector("[data-report-done]")
    number = rider_page.inner_text(".case-number").strip()
    screenshot(rider_page, shots / "1-done.png")
    case = Case.objects.get(number=number)
    assert case.area == xhj and case.reporter == rider and case.channel == Channel.H5
    assert case.status == Status.REPORTED and case.level == HandlerLevel.GRID and case.handler_area == xhj
    assert case.photos.filter(kind=CasePhoto.Kind.REPORT).count() == 1
    assert case.events.get(action="report").data.get("location") == "gps"

    # 2. The community accepts it from the dispatcher board and dispatches it by its category (to the grid).
    desk = new_browser_page()
    sign_in(desk, live_server, "community-xiaxinxin", DEMO_PASSWORD, "/cases/board/")
    desk.goto(f"{live_server.url}/cases/board/")
    screenshot(desk, shots / "2-board.png")
    with desk.expect_navigation():
        desk.get_by_role("link", name=number).click()
    _act(desk, "accept")
    _act(desk, "dispatch")
    screenshot(desk, shots / "2-dispatched.png")
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED and case.handler_area == xhj

    # 3. The grid worker finds it in the inbox on the phone and resolves it with an after-photo.
    worker = new_browser_page(**PHONE)
    sign_in(worker, live_server, "grid-xinhejie", DEMO_PASSWORD, "/cases/inbox/")
    worker.goto(f"{live_server.url}/cases/inbox/")
    link = worker.get_by_role("link", name=number)
    assert link.is_visible()
    assert _fits_the_phone(worker)
    screenshot(worker, shots / "3-inbox.png")
    with worker.expect_navigation():
        link.click()
    _act(worker, "start")
    _act(worker, "resolve", "已更换新井盖并加固，现场已清理", _photo(tmp_path / "after.jpg", (70, 70, 74)))
    assert _fits_the_phone(worker)
    screenshot(worker, shots / "3-resolved.png")
    case.refresh_from_db()
    assert case.status == Status.RESOLVED
    assert case.photos.filter(kind=CasePhoto.Kind.RESULT, event__action="resolve").count() == 1

    # 4. The community verifies (the resolver may not) and closes it.
    desk.reload()
    _act(desk, "verify", "现场核查，井盖已更换")
    _act(desk, "close")
    screenshot(desk, shots / "4-closed.png")
    case.refresh_from_db()
    assert case.status == Status.CLOSED and case.closed_at is not None

    # 5. The rider sees the timeline in "my reports" and rates it.
    rider_page.goto(f"{live_server.url}/cases/mine/")
    with rider_page.expect_navigation():
        rider_page.locator(f"a[href*='/cases/mine/{number}/']").first.click()
    assert rider_page.locator(".mine-timeline li").count() >= 7
    rider_page.check("input[name=rating][value=satisfied]")
    rider_page.fill("#rating-note", "修得很快，谢谢网格员！")
    with rider_page.expect_navigation():
        rider_page.locator("form.rating-form button[type=submit]").click()
    assert _fits_the_phone(rider_page)
    screenshot(rider_page, shots / "5-rated.png")
    case.refresh_from_db()
    assert case.rating == Rating.SATISFIED and case.status == Status.CLOSED
    assert [e.action for e in case.events.order_by("at", "id")] == [
        "report", "accept", "dispatch", "start", "resolve", "verify", "close", "rate"]

    # 6. Anyone sees it closed on the public page, without the rider's name or words.
    public = new_browser_page(**PHONE)
    public.goto(f"{live_server.url}/cases/public/")
    row = public.locator("tr", has_text=number)
    row.wait_for()
    assert "已结案" in row.inner_text() and "新河街网格" in row.inner_text()
    screenshot(public, shots / "6-public.png")
    html = public.content()
    assert rider.person.name not in html and rider.username not in html
    assert "差点踩空" not in html and rider.person.mobile not in html
    assert not errors, errors
