"""The staff figures page: issued, redeemed, expired, outstanding, sponsors, value offered (yuan), per sponsor."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from linli.conftest import PASSWORD
from linli.people.models import Person
from linli.places.models import PartnerUnit
from linli.points import ledger, rewards
from linli.points.models import Reward, Scheme, Transfer


def make_person_in(area) -> Person:
    return Person.objects.create(area=area, name="乙街道骑手")


@pytest.fixture
def staff_client(make_user, client, tree):
    make_user("street", "street_staff", tree.street_a)
    client.login(username="street", password=PASSWORD)
    return client


def test_figures_page_shows_the_schemes_numbers(ns, make_user, staff_client):
    shop_user = make_user("shop-staff", "sponsor_staff", partner=ns.shop, home=ns.shop.area)
    ledger.earn(ns.scheme, ns.rider, 100, key="k", source="service")
    first = rewards.redeem(ns.rider, ns.reward, request_key="a")
    rewards.redeem(ns.rider, ns.reward, request_key="b")
    rewards.confirm(first.code, shop_user)
    Reward.objects.filter(pk=ns.reward.pk).update(value_fen=123456)  # 10 × 1,234.56 yuan offered
    page = staff_client.get(reverse("points:figures")).content.decode()
    for text in ("<strong>1</strong>家爱心商铺", "<strong>12,345.60</strong>元", "<strong>40</strong>积分已兑换",
                 "<strong>1</strong>件礼品和服务已领取", "<strong>1</strong>件待领取", "<strong>100</strong>积分已发放",
                 "<strong>60</strong>积分未使用", "爱心面馆"):
        assert text in page, text


def test_figures_page_is_for_staff_only(ns, make_user, client, tree):
    make_user("resident", home=tree.g1)
    make_user("grid", "grid_worker", tree.g1)
    make_user("shop-staff", "sponsor_staff", partner=ns.shop, home=ns.shop.area)
    for username in ("resident", "grid", "shop-staff"):
        client.login(username=username, password=PASSWORD)
        assert client.get(reverse("points:figures")).status_code == 404, username


def test_figures_page_query_count_does_not_grow(ns, staff_client, django_assert_max_num_queries, tree):
    staff_client.get(reverse("points:figures"))
    with django_assert_max_num_queries(20) as few:
        staff_client.get(reverse("points:figures"))
    for i in range(10):
        shop = PartnerUnit.objects.create(kind="sponsor_shop", name=f"店{i}", area=tree.comm_a1)
        Reward.objects.create(sponsor=shop, scheme=ns.scheme, name=f"礼{i}", points=5, stock=2, value_fen=500,
                              valid_from=ns.reward.valid_from, valid_until=ns.reward.valid_until)
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(reverse("points:figures"))


def _redeemed_three_ways(ns, make_user):
    """100 points earned; one redemption collected, one waiting, one refunded after it lapsed (20 points each)."""
    shop_user = make_user("shop-staff", "sponsor_staff", partner=ns.shop, home=ns.shop.area)
    ledger.earn(ns.scheme, ns.rider, 100, key="k", source="service")
    lapsed = rewards.redeem(ns.rider, ns.reward, request_key="lapsed")
    rewards.expire_redemptions(now=lapsed.expires_at + dt.timedelta(seconds=1))
    rewards.confirm(rewards.redeem(ns.rider, ns.reward, request_key="a").code, shop_user)
    rewards.redeem(ns.rider, ns.reward, request_key="b")


def test_points_redeemed_read_the_same_on_the_figures_page_its_sponsor_table_and_the_dashboard(
        ns, make_user, staff_client, tree):
    _redeemed_three_ways(ns, make_user)
    page = staff_client.get(reverse("points:figures")).content.decode()
    assert "<strong>40</strong>积分已兑换" in page  # the collected and the waiting one; the refunded one is back
    footer = re.search(r"<tfoot>.*?</tfoot>", page, re.S).group(0)
    assert re.findall(r'class="num">(\d+)</th>', footer)[-1] == "40"
    today = timezone.localdate()
    dashboard = staff_client.get(reverse("reports:dashboard", args=[tree.street_a.code]),
                                 {"period": "custom", "from": f"{today:%Y}-01-01", "to": today.isoformat()})
    assert re.search(r'id="t-redeemed">40<', dashboard.content.decode())
    assert re.search(r'id="t-issued">100<', dashboard.content.decode())


def test_figures_are_those_of_the_viewers_unit_and_period(ns, make_user, client, tree):
    other = Scheme.objects.create(code="other", name="乙街道积分", area=tree.street_b)
    ledger.earn(other, make_person_in(tree.h1), 70, key="b", source="service")
    ledger.earn(ns.scheme, ns.rider, 30, key="a-old", source="service")
    Transfer.objects.filter(key__endswith="a-old").update(at=timezone.now() - dt.timedelta(days=800))
    ledger.earn(ns.scheme, ns.rider, 5, key="a-new", source="service")
    make_user("street-b", "street_staff", tree.street_b)
    make_user("street-a", "street_staff", tree.street_a)
    assert client.login(username="street-a", password=PASSWORD)
    page = client.get(reverse("points:figures")).content.decode()
    assert "<strong>5</strong>积分已发放" in page and "甲街道" in page  # this year, street A's scheme only
    old = client.get(reverse("points:figures"), {"from": "2020-01-01"}).content.decode()
    assert "<strong>35</strong>积分已发放" in old
    refused = client.get(reverse("points:figures"), {"unit": tree.street_b.code})
    assert refused.status_code == 400 and "请从列表中选择单位" in refused.content.decode()
    assert "<strong>70</strong>" not in refused.content.decode()
    bad = client.get(reverse("points:figures"), {"from": "2026-05-01", "to": "2026-04-01"})
    assert bad.status_code == 400 and "第一天不能晚于最后一天" in bad.content.decode()
    assert client.login(username="street-b", password=PASSWORD)
    assert "<strong>70</strong>积分已发放" in client.get(reverse("points:figures")).content.decode()
