"""End to end in Chromium at phone size: the minute-taker records an outcome; the handler finds the case."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from linli.cases.models import Case, Category, Channel, HandlerLevel, Status
from linli.conftest import PASSWORD
from linli.core.tests.browser import PHONE, screenshot, sign_in
from linli.meetings.models import Outcome

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]


def test_outcome_recorded_on_a_phone_lands_in_the_handlers_inbox(new_browser_page, live_server, people, running,
                                                                   tree, tmp_path):
    from linli.meetings import services

    topic = services.propose_topic(people.resident, running, title="楼道堆放杂物堵住消防通道",
                                   description="3栋2单元一楼到三楼堆满纸箱")
    category = Category.objects.get(code="occupied-common-area")
    shots = tmp_path / "shots"

    staff = new_browser_page(**PHONE)
    errors: list[str] = []
    staff.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(staff, live_server, "staff-a1", PASSWORD, f"/meetings/{running.pk}/")
    staff.goto(f"{live_server.url}/meetings/{running.pk}/")
    assert "楼道堆放杂物堵住消防通道" in staff.content()
    assert _fits_the_phone(staff)
    screenshot(staff, shots / "1-agenda.png")
    with staff.expect_navigation():
        staff.locator(f"#item-{topic.pk} a:has-text('记录结果')").click()
    # first a deadline in the past: a clear message, nothing recorded
    staff.check("input[name=outcome][value=assigned]")
    staff.select_option("#id_handler", f"dept:{tree.dept.pk}")
    staff.select_option("#id_category", str(category.pk))
    staff.fill("#id_deadline", "2001-01-01")
    with staff.expect_navigation():
        staff.click("button[type=submit].primary")
    assert staff.locator("[role=alert]").first.is_visible()
    assert "办理时限不能早于今天" in staff.content()
    topic.refresh_from_db()
    assert topic.outcome == ""
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    staff.check("input[name=outcome][value=assigned]")
    staff.select_option("#id_handler", f"dept:{tree.dept.pk}")
    staff.select_option("#id_category", str(category.pk))
    staff.fill("#id_deadline", deadline)
    staff.fill("#id_summary", "城管局负责清理，社区督促")
    assert _fits_the_phone(staff)
    screenshot(staff, shots / "2-outcome.png")
    with staff.expect_navigation():
        staff.click("button[type=submit].primary")
    screenshot(staff, shots / "3-recorded.png")
    topic.refresh_from_db()
    assert topic.outcome == Outcome.ASSIGNED
    case = Case.objects.get(pk=topic.case_id)
    assert case.channel == Channel.MEETING and case.level == HandlerLevel.DEPARTMENT
    assert case.status == Status.DISPATCHED and case.handler_department == tree.dept
    assert case.number in staff.content() and "交办立案" in staff.content()

    handler = new_browser_page()
    sign_in(handler, live_server, "handler", PASSWORD, "/cases/inbox/")
    handler.goto(f"{live_server.url}/cases/inbox/")
    assert case.number in handler.content()
    handler.goto(f"{live_server.url}/meetings/accountability/")
    assert case.number in handler.content()
    screenshot(handler, shots / "4-handler.png")
    assert not errors, errors


WECHAT_EXCERPT = """张阿姨 08:12
3栋2单元楼道堆满纸箱，消防通道都堵了

老李 08:15
七号楼的飞线又拉下来了，给电瓶车充电
[图片]"""


def test_paste_a_wechat_excerpt_and_confirm_two_cases(new_browser_page, live_server, people, tree, tmp_path):
    from linli.places.models import Building

    Building.objects.create(grid=tree.g1, name="3栋")
    Building.objects.create(grid=tree.g2, name="7栋")
    page = new_browser_page(**PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(page, live_server, "staff-a1", PASSWORD, "/meetings/wechat/")
    page.goto(f"{live_server.url}/meetings/wechat/")
    page.fill("#id_group", "甲一社区3栋住户群")
    page.select_option("#id_area", str(tree.comm_a1.pk))
    with page.expect_navigation():  # an empty paste first: a clear message
        page.click("button[type=submit].primary")
    assert "请粘贴从微信群复制的消息。" in page.locator("[role=alert]").first.inner_text()
    page.fill("#id_group", "甲一社区3栋住户群")
    page.select_option("#id_area", str(tree.comm_a1.pk))
    page.fill("#id_paste", WECHAT_EXCERPT)
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    rows = page.locator("fieldset.mt-paste-row")
    assert rows.count() == 2
    assert Case.objects.count() == 0  # nothing yet: a person confirms each
    assert page.input_value("#id_form-0-address") == "3栋2单元" and page.input_value("#id_form-1-address") == "7栋"
    assert page.input_value("#id_form-0-area") == str(tree.g1.pk)
    assert page.input_value("#id_form-1-area") == str(tree.g2.pk)
    assert page.input_value("#id_form-1-category") == str(Category.objects.get(code="wiring").pk)
    assert _fits_the_phone(page)
    screenshot(page, tmp_path / "paste-confirm.png")
    with page.expect_navigation():
        page.click("button[type=submit].primary")
    numbers = page.locator("[data-case]").all_inner_texts()
    assert len(numbers) == 2
    cases = list(Case.objects.filter(number__in=numbers).order_by("pk"))
    assert [c.channel for c in cases] == [Channel.WECHAT, Channel.WECHAT]
    assert [c.area for c in cases] == [tree.g1, tree.g2]
    assert cases[0].channel_ref.startswith("甲一社区3栋住户群：张阿姨（")
    assert not errors, errors


def test_a_member_signs_in_and_votes_on_a_phone_and_the_host_sees_the_count(new_browser_page, live_server, people,
                                                                           running, tmp_path):
    from linli.meetings import services
    from linli.meetings.models import Vote

    motion = services.put_motion(people.staff, running, text="每户每月缴纳自治管理费10元")
    member = new_browser_page(**PHONE)
    errors: list[str] = []
    member.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in(member, live_server, "resident-g1", PASSWORD, "/meetings/")
    member.goto(f"{live_server.url}/meetings/{running.pk}/signin/?code={services.current_code(running)}")
    with member.expect_navigation():  # the code from the QR link; signed in, the member lands on the meeting
        member.click("button[type=submit].primary")
    with member.expect_navigation():
        member.click("a:has-text('用手机表决')")
    assert "每户每月缴纳自治管理费10元" in member.content() and _fits_the_phone(member)
    screenshot(member, tmp_path / "vote.png")
    with member.expect_navigation():
        member.click("button[name=choice][value=for]")
    assert "您的表决已记录" in member.content() and member.locator("button[name=choice]").count() == 0
    assert list(Vote.objects.values_list("choice", "own")) == [("for", True)]

    host = new_browser_page()
    sign_in(host, live_server, "staff-a1", PASSWORD, f"/meetings/motions/{motion.pk}/")
    host.goto(f"{live_server.url}/meetings/motions/{motion.pk}/")
    assert "1 / 1" in host.locator("#vote-count").inner_text()
    assert not errors, errors
