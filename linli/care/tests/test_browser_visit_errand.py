"""End to end on the demo data, at phone size: grid-xinhejie logs a visit to a paired elderly person and
turns the need found into an errand, sends it to an errand agent; the agent sees it on their phone list,
accepts it and reports it done with the money and a receipt photo."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from PIL import Image

from linli.care.models import CareRecipient, Errand, Visit
from linli.core import roles
from linli.core.models import User
from linli.core.tests.browser import screenshot, sign_in
from linli.demo.loader import DEMO_PASSWORD
from linli.people.models import RoleAssignment

pytestmark = [pytest.mark.browser]


def _fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_grid_worker_logs_a_visit_and_the_agent_completes_the_errand(phone_page, new_browser_page, live_server,
                                                                      tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("demo", verbosity=0)
    recipient = CareRecipient.objects.filter(area__name="新河街网格").select_related("person").order_by("pk").first()
    agent = (RoleAssignment.objects.filter(role=roles.ERRAND_AGENT, area__name="下新新社区")
             .select_related("person").order_by("person_id").first().person)
    User.objects.create_user(username="agent-xinhejie", password=DEMO_PASSWORD, person=agent)

    page = phone_page
    sign_in(page, live_server, "grid-xinhejie", DEMO_PASSWORD, next_url="/care/")
    _fits_the_phone(page)
    page.locator(f"#r{recipient.pk} a").first.click()
    page.wait_for_url(f"**/care/recipients/{recipient.pk}/")
    _fits_the_phone(page)
    page.get_by_role("link", name="登记走访").first.click()
    page.wait_for_url(f"**/care/recipients/{recipient.pk}/visit/")
    _fits_the_phone(page)
    page.locator("#id_home_safety").get_by_label("较差").check()
    page.locator("#id_findings").fill("厨房燃气软管老化开裂")
    page.locator("#id_needs").fill("代买一根燃气软管并请人更换")
    page.locator("#id_outcome").select_option("problem")
    screenshot(page, tmp_path / "visit.png")
    page.get_by_role("button", name="保存走访").click()
    page.wait_for_url(re.compile(r".*/care/visits/\d+/$"))
    visit = Visit.objects.get(recipient=recipient, findings="厨房燃气软管老化开裂")
    assert visit.recorded_by.username == "grid-xinhejie" and visit.outcome == "problem"
    _fits_the_phone(page)

    page.locator("#id_kind").select_option("errand")
    page.get_by_role("button", name="创建").click()
    page.wait_for_url(re.compile(r".*/care/errands/\d+/$"))
    errand = Errand.objects.get(visit=visit)
    assert errand.description == "代买一根燃气软管并请人更换" and errand.status == "requested"
    page.locator("#id_agent").select_option(str(agent.pk))
    page.get_by_role("button", name="派单").click()
    page.wait_for_load_state()
    assert page.locator("#errand-status").inner_text() == "已派代办员"
    _fits_the_phone(page)
    screenshot(page, tmp_path / "errand.png")

    agent_page = new_browser_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    sign_in(agent_page, live_server, "agent-xinhejie", DEMO_PASSWORD, next_url="/care/errands/mine/")
    item = agent_page.locator(f"#errand-{errand.pk}")
    assert item.get_by_text("代买一根燃气软管并请人更换").is_visible()
    _fits_the_phone(agent_page)
    item.locator("a").first.click()
    agent_page.wait_for_url(f"**/care/errands/{errand.pk}/")
    agent_page.get_by_role("button", name="接单").click()
    agent_page.wait_for_load_state()
    assert agent_page.locator("#errand-status").inner_text() == "代办员已接单"
    agent_page.locator("#id_note").fill("已买到软管并请燃气公司师傅更换")
    agent_page.locator("#id_spent").fill("35.50")
    receipt = tmp_path / "receipt.jpg"
    buf = io.BytesIO()
    Image.new("RGB", (120, 80), "white").save(buf, "JPEG")
    receipt.write_bytes(buf.getvalue())
    agent_page.locator("#id_receipt").set_input_files(str(receipt))
    _fits_the_phone(agent_page)
    screenshot(agent_page, tmp_path / "complete.png")
    agent_page.get_by_role("button", name="办结").click()
    agent_page.wait_for_url("**/care/errands/mine/")
    assert agent_page.locator(f"#errand-{errand.pk}").count() == 0
    errand.refresh_from_db()
    assert (errand.status, errand.spent_fen, errand.change_fen) == ("done", 3550, 0) and errand.receipt
