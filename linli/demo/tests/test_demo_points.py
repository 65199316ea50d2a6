"""The demo's points scheme: the article's figures by query, balanced books, rider-demo and shop-demo ready."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.db.models import Sum

from linli.core.models import User
from linli.demo.figures import points_figures as demo_points_figures
from linli.demo.loader import load_demo
from linli.people.models import WorkerProfile
from linli.points import ledger
from linli.points.figures import points_figures
from linli.points.models import Account, Redemption, Reward, Scheme, Transfer
from linli.points.rewards import sponsor_figures


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        summary = load_demo()
        yield summary
        transaction.set_rollback(True)


def test_the_articles_points_figures_read_back_by_query(demo, db):
    f = points_figures()
    assert f.sponsors == 18
    assert f.value_offered_fen >= 10_000 * 100
    assert f.redemptions_collected == 22
    collected_points = Redemption.objects.filter(status="completed").aggregate(n=Sum("transfer__amount"))["n"]
    assert collected_points >= 400
    assert f.members == 32 == WorkerProfile.objects.filter(in_points_scheme=True).count()
    assert f.issued == f.redeemed + f.expired + f.outstanding
    rows = dict(demo_points_figures())
    assert rows["“先锋骑士”积分：爱心商铺（家）"] == "18"
    assert int(rows["  捐赠物品和服务申报价值（元）"].replace(",", "")) >= 10_000
    assert rows["  已兑换礼品和服务（件）"] == "22" and int(rows["  兑换积分（分）"]) >= 400
    assert rows["  建档骑士积分档案（份）"] == "32"
    per_sponsor = [r for r in sponsor_figures() if r["rewards"]]
    assert len(per_sponsor) == 18 and sum(r["collected"] for r in per_sponsor) == 22
    print(f"demo points: {f}, collected points {collected_points}")  # noqa: T201


def test_the_books_balance(demo, db):
    for account in Account.objects.all():
        assert account.balance == ledger.balance_from_movements(account), account
        assert account.kind == "issuance" or account.balance >= 0
    assert sum(Account.objects.values_list("balance", flat=True)) == 0
    assert all(r.stock >= 0 and r.stock <= r.stock_offered for r in Reward.objects.all())


def test_waiting_and_one_expired_and_refunded(demo, db):
    assert Redemption.objects.filter(status="pending").count() >= 2
    expired = Redemption.objects.get(status="expired")
    assert expired.refund.amount == expired.transfer.amount and expired.refund.source == "refund"


def test_earning_came_from_service_hours_manual_awards_and_verified_cases_over_a_year(demo, db):
    scheme = Scheme.objects.get(code="xianfeng-qishi")
    assert scheme.area.name == "龙洲湾街道"
    sources = set(Transfer.objects.values_list("source", flat=True))
    assert {"service", "manual", "redemption", "refund"} <= sources
    dates = Transfer.objects.filter(source="service").values_list("at", flat=True)
    assert (max(dates) - min(dates)).days > 250
    # Movements were recorded in time order, so each archive reads forward in time.
    ats = list(Transfer.objects.order_by("id").values_list("at", flat=True))
    assert ats == sorted(ats)


def test_rider_demo_can_redeem_at_shop_demos_shop(demo, db):
    rider = User.objects.get(username="rider-demo").person
    shop = User.objects.get(username="shop-demo").person.roles.get(role="sponsor_staff").partner
    balance = Account.objects.get(person=rider).balance
    rewards = Reward.objects.filter(sponsor=shop, stock__gte=1, points__lte=balance, active=True)
    assert rewards.exists(), balance
    assert Transfer.objects.filter(credit__person=rider).count() >= 5


def test_zz_reset_removes_and_reloads_the_points_scheme(demo, db):
    load_demo(reset=True)
    assert Scheme.objects.filter(code="xianfeng-qishi").count() == 1
    assert points_figures().redemptions_collected == 22
    assert sum(Account.objects.values_list("balance", flat=True)) == 0
