"""End to end on the demo data, at phone size: rider-demo redeems a reward, shop-demo confirms the code,
and the rider's points archive shows the movement."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from linli.core.models import User
from linli.core.tests.browser import screenshot, sign_in
from linli.demo.loader import DEMO_PASSWORD
from linli.points.models import Account, Redemption, Reward

pytestmark = [pytest.mark.browser]


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_rider_redeems_shop_confirms_and_archive_shows_it(phone_page, new_browser_page, live_server, tmp_path):
    call_command("demo", verbosity=0)
    rider = User.objects.get(username="rider-demo").person
    shop = User.objects.get(username="shop-demo").person.roles.get(role="sponsor_staff").partner
    balance = Account.objects.get(person=rider).balance
    reward = Reward.objects.filter(sponsor=shop, stock__gte=1, points__lte=balance).order_by("points").first()
    assert reward is not None

    page = phone_page
    sign_in(page, live_server, "rider-demo", DEMO_PASSWORD, next_url="/points/")
    assert page.locator(".pts-balance strong").inner_text() == str(balance)
    _fits_the_phone(page)
    page.get_by_role("link", name="积分兑换").first.click()
    page.wait_for_url("**/points/rewards/")
    _fits_the_phone(page)
    card = page.locator(f"#reward-{reward.pk}")
    card.scroll_into_view_if_needed()
    screenshot(page, tmp_path / "rewards.png")
    card.get_by_role("button", name=f"兑换 {reward.name}").click()
    page.wait_for_url(re.compile(r".*/points/redemptions/\d+/$"))
    _fits_the_phone(page)
    code = page.locator(".pts-code").inner_text().strip()
    assert re.fullmatch(r"\d{6}", code)
    assert page.locator(".pts-qr svg").is_visible()
    screenshot(page, tmp_path / "code.png")
    redemption = Redemption.objects.get(code=code, status="pending")
    assert redemption.person_id == rider.pk and redemption.reward_id == reward.pk

    shop_page = new_browser_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(shop_page, live_server, "shop-demo", DEMO_PASSWORD, next_url="/points/shop/")
    shop_page.get_by_label("兑换码（6位数字，或扫描二维码）").fill(code)
    shop_page.get_by_role("button", name="核销并交付").click()
    shop_page.wait_for_url("**/points/shop/?done=*")
    assert shop_page.get_by_text("核销成功，请交付：").is_visible()
    assert shop_page.locator(".pts-done").get_by_text(reward.name).is_visible()
    _fits_the_phone(shop_page)
    screenshot(shop_page, tmp_path / "shop.png")
    redemption.refresh_from_db()
    assert redemption.status == "completed"

    page.goto(f"{live_server.url}/points/archive/{rider.pk}/")
    row = page.locator(f"#t{redemption.transfer_id}")
    assert row.get_by_text("兑换奖品").is_visible()
    assert row.get_by_text(reward.name).is_visible()
    assert row.locator(".pts-out").inner_text() == f"−{reward.points}"
    assert row.locator("td.num").last.inner_text() == str(balance - reward.points)
    screenshot(page, tmp_path / "archive.png")
