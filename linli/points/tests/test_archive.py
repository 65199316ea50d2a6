"""The points archive: every movement with source and running balance, key pages, Excel, scope, corrections."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from linli.conftest import PASSWORD
from linli.core.models import User
from linli.points import archive, ledger, rewards
from linli.points.models import Transfer


@pytest.fixture
def rider_client(ns, client):
    User.objects.create_user(username="rider-user", password=PASSWORD, person=ns.rider)
    client.login(username="rider-user", password=PASSWORD)
    return client


@pytest.fixture
def history(ns):
    """Earn 30, earn 25, redeem 20 (a waiting redemption), manual 5: balance 40."""
    ledger.earn(ns.scheme, ns.rider, 30, key="s1", source="service", source_ref="11", reason="敬老院志愿服务")
    ledger.earn(ns.scheme, ns.rider, 25, key="c1", source="case", source_ref="LZW-0001", reason="上报问题核查属实")
    redemption = rewards.redeem(ns.rider, ns.reward, request_key="r1")
    ledger.earn(ns.scheme, ns.rider, 5, key="m1", source="manual", reason="雨天护学")
    return redemption


def _login(client, make_user, username, role, area):
    make_user(username, role, area)
    client.login(username=username, password=PASSWORD)
    return client


def test_archive_shows_every_movement_with_reason_and_running_balance(ns, history, rider_client):
    page = rider_client.get(reverse("points:archive", args=[ns.rider.pk])).content.decode()
    for text in ("敬老院志愿服务", "上报问题核查属实", "牛肉面一碗", "雨天护学", "志愿服务", "兑换奖品", "手动奖励"):
        assert text in page, text
    balances = re.findall(r'data-label="余额">(\d+)<', page)
    assert balances == ["40", "35", "55", "30"]  # newest first
    assert reverse("points:redemption", args=[history.pk]) in page  # the person's own redemption


def test_archive_balance_is_the_sum_of_movements(ns, history):
    account = ledger.person_account(ns.rider)
    lines, _next = archive.archive_page(account, None, size=10)
    assert lines[0].balance == account.balance == ledger.balance_from_movements(account) == 40
    assert sum(line.delta for line in lines) == 40


def test_archive_pages_by_key_and_keeps_the_running_balance(ns, rider_client):
    for i in range(60):
        ledger.earn(ns.scheme, ns.rider, i + 1, key=f"k{i}", source="service")
    account = ledger.person_account(ns.rider)
    first, next_before = archive.archive_page(account, None)
    second, last = archive.archive_page(account, None, before=next_before)
    assert len(first) == 50 and len(second) == 10 and last is None
    assert first[-1].balance - first[-1].delta == second[0].balance  # continuous across pages
    assert second[-1].balance == 1
    page = rider_client.get(reverse("points:archive", args=[ns.rider.pk]) + f"?before={next_before}")
    assert page.status_code == 200
    for bad in ("x", "-1", "9" * 40):
        assert rider_client.get(reverse("points:archive", args=[ns.rider.pk]) + f"?before={bad}"
                                ).status_code == 200


def test_excel_export_has_every_movement_and_the_balance(ns, history, rider_client):
    Transfer.objects.filter(key="m1").update(reason="=HYPERLINK(\"http://x\")")
    response = rider_client.get(reverse("points:archive_xlsx", args=[ns.rider.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert ".xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "骑手小王" in rows[0][0]
    assert (rows[1][0], rows[1][4], rows[1][5], rows[1][6]) == ("时间", "收入积分", "支出积分", "余额")
    body = rows[2:]
    assert [(r[1], r[4], r[5], r[6]) for r in body] == [
        ("志愿服务", 30, None, 30), ("上报问题核查属实", 25, None, 55), ("兑换奖品", None, 20, 35),
        ("手动奖励", 5, None, 40)]
    assert body[3][2] == "=HYPERLINK(\"http://x\")"  # kept as text, not a formula
    assert sheet.cell(row=6, column=3).data_type == "s"


def test_another_person_cannot_open_my_archive(ns, history, make_user, client, tree):
    url = reverse("points:archive", args=[ns.rider.pk])
    make_user("neighbour", home=tree.g1)
    make_user("grid", "grid_worker", tree.g1)
    make_user("street-b", "street_staff", tree.street_b)
    for username in ("neighbour", "grid", "street-b"):
        client.login(username=username, password=PASSWORD)
        assert client.get(url).status_code == 404, username
        assert client.get(reverse("points:archive_xlsx", args=[ns.rider.pk])).status_code == 404


def test_staff_whose_scope_covers_the_person_open_the_archive(ns, history, make_user, client, tree):
    _login(client, make_user, "community", "community_staff", tree.comm_a1)
    page = client.get(reverse("points:archive", args=[ns.rider.pk])).content.decode()
    assert "敬老院志愿服务" in page and "冲正" in page
    assert reverse("points:redemption", args=[history.pk]) not in page  # not their redemption page


def test_leader_reverses_a_movement_with_a_reason(ns, history, make_user, client, tree):
    _login(client, make_user, "street", "street_staff", tree.street_a)
    manual = Transfer.objects.get(key="m1")
    url = reverse("points:reverse", args=[ns.rider.pk, manual.pk])
    page = client.post(url, {"reason": ""}, follow=True).content.decode()
    assert "冲正必须填写原因" in page and not Transfer.objects.filter(reverses=manual).exists()
    page = client.post(url, {"reason": "重复奖励"}, follow=True).content.decode()
    assert "已通过冲正记录更正" in page
    correction = Transfer.objects.get(reverses=manual)
    assert correction.reason == "重复奖励" and ledger.person_account(ns.rider).balance == 35
    page = client.post(url, {"reason": "再来一次"}, follow=True).content.decode()
    assert "已经冲正过了" in page and ledger.person_account(ns.rider).balance == 35


def test_redemption_payments_are_not_reversed_by_hand(ns, history, make_user, client, tree):
    _login(client, make_user, "street", "street_staff", tree.street_a)
    payment = history.transfer
    page = client.post(reverse("points:reverse", args=[ns.rider.pk, payment.pk]), {"reason": "x"},
                       follow=True).content.decode()
    assert "不能在此冲正" in page and not Transfer.objects.filter(reverses=payment).exists()


def test_spent_points_cannot_be_reversed(ns, make_user, client, tree):
    earned = ledger.earn(ns.scheme, ns.rider, 20, key="s", source="service")
    rewards.redeem(ns.rider, ns.reward, request_key="r")
    _login(client, make_user, "street", "street_staff", tree.street_a)
    page = client.post(reverse("points:reverse", args=[ns.rider.pk, earned.pk]), {"reason": "录错了"},
                       follow=True).content.decode()
    assert "已被使用" in page and ledger.person_account(ns.rider).balance == 0


def test_only_leaders_in_scope_may_reverse(ns, history, make_user, client, tree, rider_client):
    manual = Transfer.objects.get(key="m1")
    url = reverse("points:reverse", args=[ns.rider.pk, manual.pk])
    assert rider_client.post(url, {"reason": "我想撤销"}).status_code == 404  # not their own
    _login(client, make_user, "street-b", "street_staff", tree.street_b)
    assert client.post(url, {"reason": "x"}).status_code == 404
    _login(client, make_user, "grid", "grid_worker", tree.g1)
    assert client.post(url, {"reason": "x"}).status_code == 404
    assert not Transfer.objects.filter(reverses=manual).exists()


def test_a_transfer_of_someone_else_is_404_under_this_person(ns, history, make_user, client, tree, make_person):
    other = make_person(tree.g1, name="另一位")
    theirs = ledger.earn(ns.scheme, other, 10, key="o", source="service")
    _login(client, make_user, "street", "street_staff", tree.street_a)
    assert client.post(reverse("points:reverse", args=[ns.rider.pk, theirs.pk]),
                       {"reason": "x"}).status_code == 404


def test_leader_awards_points_by_hand_within_the_cap(ns, make_user, client, tree):
    ledger.earn(ns.scheme, ns.rider, 1, key="member", source="service")  # in the scheme
    _login(client, make_user, "community", "community_staff", tree.comm_a1)
    url = reverse("points:award", args=[ns.rider.pk])
    key = re.search(r'name="request_key" value="([0-9a-f]{32})"', client.get(url).content.decode()).group(1)
    response = client.post(url, {"amount": "30", "reason": "帮助走失老人回家", "request_key": key}, follow=True)
    assert "已给骑手小王奖励 30 积分" in response.content.decode()
    client.post(url, {"amount": "30", "reason": "帮助走失老人回家", "request_key": key})  # double tap
    assert ledger.person_account(ns.rider).balance == 31
    response = client.post(url, {"amount": "25", "reason": "又一次", "request_key": "b" * 32})
    assert response.status_code == 400 and "最多 50 积分" in response.content.decode()
    for data, text in (({"amount": "abc", "reason": "x", "request_key": "c" * 32}, "整数"),
                       ({"amount": "0", "reason": "x", "request_key": "c" * 32}, "至少"),
                       ({"amount": "10", "reason": "", "request_key": "c" * 32}, "事由"),
                       ({"amount": "10", "reason": "x" * 201, "request_key": "c" * 32}, "200"),
                       ({"amount": "10", "reason": "x", "request_key": "<script>"}, "页面已过期")):
        response = client.post(url, data)
        assert response.status_code == 400 and text in response.content.decode(), data
    assert ledger.person_account(ns.rider).balance == 31


def test_archive_query_count_does_not_grow(ns, history, rider_client, django_assert_max_num_queries):
    url = reverse("points:archive", args=[ns.rider.pk])
    rider_client.get(url)
    with django_assert_max_num_queries(10) as few:
        rider_client.get(url)
    for i in range(40):
        ledger.earn(ns.scheme, ns.rider, 1, key=f"x{i}", source=("case", "service", "manual")[i % 3],
                    source_ref=f"LZW-{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        rider_client.get(url)
