"""The staff figures page: issued, redeemed, expired, outstanding, sponsors, value offered (yuan), per sponsor."""

import pytest
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.places.models import PartnerUnit
from linli.points import ledger, rewards
from linli.points.models import Reward


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
