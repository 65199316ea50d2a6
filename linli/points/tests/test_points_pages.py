"""The phone pages: my points, the catalogue, redeeming, my redemption with its QR code; scope and bad input."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.core.models import User
from linli.places.models import PartnerUnit
from linli.points import ledger
from linli.points.models import Redemption, Reward, Transfer


@pytest.fixture
def rider_user(ns):
    return User.objects.create_user(username="rider-user", password=PASSWORD, person=ns.rider)


@pytest.fixture
def rider_client(client, rider_user):
    client.login(username="rider-user", password=PASSWORD)
    return client


def _key(client) -> str:
    page = client.get(reverse("points:rewards")).content.decode()
    return re.search(r'name="request_key" value="([0-9a-f]{32})"', page).group(1)


def _redeem(client, reward, key):
    return client.post(reverse("points:redeem", args=[reward.pk]), {"request_key": key}, follow=True)


def test_my_points_shows_balance_movements_and_affordable_rewards(ns, rider_client):
    ledger.earn(ns.scheme, ns.rider, 35, key="k", source="service", reason="为社区搬运物资")
    page = rider_client.get(reverse("points:points")).content.decode()
    assert ">35<" in page and "为社区搬运物资" in page and "牛肉面一碗" in page
    assert reverse("points:archive", args=[ns.rider.pk]) in page


def test_my_points_without_points_offers_nothing(ns, rider_client):
    page = rider_client.get(reverse("points:points")).content.decode()
    assert "牛肉面一碗" not in page and "还没有积分" in page


def test_catalogue_shows_sponsor_price_stock_value_and_where_to_collect(ns, rider_client):
    Reward.objects.filter(pk=ns.reward.pk).update(collect_at="爱心面馆（龙洲湾店）", value_fen=1850)
    page = rider_client.get(reverse("points:rewards")).content.decode()
    for text in ("牛肉面一碗", "爱心面馆", "20 积分", "18.50 元", "爱心面馆（龙洲湾店）", "剩余"):
        assert text in page, text


def test_redeeming_twice_with_the_same_request_key_makes_one_redemption(ns, rider_client):
    ledger.earn(ns.scheme, ns.rider, 100, key="k", source="service")
    key = _key(rider_client)
    first = _redeem(rider_client, ns.reward, key)
    second = _redeem(rider_client, ns.reward, key)
    redemption = Redemption.objects.get()
    assert first.redirect_chain[-1][0] == second.redirect_chain[-1][0] == reverse(
        "points:redemption", args=[redemption.pk])
    assert ledger.person_account(ns.rider).balance == 80
    ns.reward.refresh_from_db()
    assert ns.reward.stock == 9


def test_redemption_page_shows_the_code_large_a_qr_code_and_the_date(ns, rider_client):
    ledger.earn(ns.scheme, ns.rider, 100, key="k", source="service")
    page = _redeem(rider_client, ns.reward, _key(rider_client)).content.decode()
    redemption = Redemption.objects.get()
    assert f'class="pts-code" aria-label="兑换码">{redemption.code}<' in page
    assert "<svg" in page and "</svg>" in page and "<script" not in page.split("<main", 1)[1].split("</main>")[0]
    assert f"{redemption.expires_at.astimezone(dt.timezone(dt.timedelta(hours=8))):%Y-%m-%d}" in page


def _assert_refused(response, text, ns, balance, stock):
    assert response.status_code == 200
    assert text in response.content.decode()
    assert not Redemption.objects.exists()
    assert ledger.person_account(ns.rider).balance == balance
    ns.reward.refresh_from_db()
    assert ns.reward.stock == stock


def test_not_enough_points_is_a_clear_error_and_nothing_changes(ns, rider_client):
    ledger.earn(ns.scheme, ns.rider, 15, key="k", source="service")
    response = _redeem(rider_client, ns.reward, _key(rider_client))
    _assert_refused(response, "积分不足", ns, 15, 10)


def test_sold_out_is_a_clear_error_and_nothing_changes(ns, rider_client):
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    key = _key(rider_client)
    Reward.objects.filter(pk=ns.reward.pk).update(stock=0)
    _assert_refused(_redeem(rider_client, ns.reward, key), "已兑完", ns, 50, 0)


def test_reward_not_on_offer_is_a_clear_error(ns, rider_client):
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    key = _key(rider_client)
    Reward.objects.filter(pk=ns.reward.pk).update(active=False)
    _assert_refused(_redeem(rider_client, ns.reward, key), "不在兑换期", ns, 50, 10)


@pytest.mark.parametrize("key", ["", "x" * 32, "<script>alert(1)</script>", "0" * 33])
def test_malformed_request_key_is_refused(ns, rider_client, key):
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    _assert_refused(_redeem(rider_client, ns.reward, key), "页面已过期", ns, 50, 10)


def test_unknown_reward_is_404(ns, rider_client):
    url = reverse("points:redeem", args=[999999])
    assert rider_client.post(url, {"request_key": "a" * 32}).status_code == 404
    assert rider_client.post("/points/rewards/99999999999999999999999/redeem/",
                             {"request_key": "a" * 32}).status_code == 404


def test_redeem_needs_post(ns, rider_client):
    assert rider_client.get(reverse("points:redeem", args=[ns.reward.pk])).status_code == 405


def test_someone_elses_redemption_is_404(ns, rider_client, make_person, tree, client):
    other = make_person(tree.g2, name="别人")
    ledger.earn(ns.scheme, other, 50, key="k", source="service")
    from linli.points.rewards import redeem

    theirs = redeem(other, ns.reward, request_key="r")
    assert rider_client.get(reverse("points:redemption", args=[theirs.pk])).status_code == 404
    assert rider_client.get(reverse("points:redemption", args=[10**25])).status_code == 404


def test_pages_need_a_login(ns, client):
    for name in ("points", "rewards", "shop", "figures"):
        response = client.get(reverse(f"points:{name}"))
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_user_without_a_person_sees_an_explanation(ns, client):
    User.objects.create_user(username="nobody", password=PASSWORD)
    client.login(username="nobody", password=PASSWORD)
    assert "未关联人员信息" in client.get(reverse("points:points")).content.decode()
    url = reverse("points:redeem", args=[ns.reward.pk])
    assert client.post(url, {"request_key": "a" * 32}).status_code == 404


def test_reward_text_is_escaped(ns, rider_client):
    Reward.objects.filter(pk=ns.reward.pk).update(name="<script>alert(1)</script>", description="<b>x</b>")
    page = rider_client.get(reverse("points:rewards")).content.decode()
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_catalogue_pages_by_key_and_ignores_bad_keys(ns, rider_client):
    today = dt.date.today()
    for i in range(25):
        Reward.objects.create(sponsor=ns.shop, scheme=ns.scheme, name=f"礼品{i:02d}", points=30 + i, stock=1,
                              value_fen=100, valid_from=today, valid_until=today)
    first = rider_client.get(reverse("points:rewards")).content.decode()
    after = re.search(r'\?after=([0-9.]+)"', first).group(1)
    second = rider_client.get(reverse("points:rewards") + f"?after={after}").content.decode()
    assert "礼品18" in first and "礼品19" not in first and "礼品19" in second and "礼品24" in second
    for bad in ("abc", "1.x", "-1.-1", "9" * 40):
        assert rider_client.get(reverse("points:rewards") + f"?after={bad}").status_code == 200


def test_catalogue_query_count_does_not_grow(ns, rider_client, django_assert_max_num_queries):
    ledger.earn(ns.scheme, ns.rider, 100, key="k", source="service")
    rider_client.get(reverse("points:rewards"))
    with django_assert_max_num_queries(8) as few:
        rider_client.get(reverse("points:rewards"))
    today = dt.date.today()
    for i in range(15):
        shop = PartnerUnit.objects.create(kind="sponsor_shop", name=f"店{i}", area=ns.shop.area)
        Reward.objects.create(sponsor=shop, scheme=ns.scheme, name=f"礼品{i}", points=5 + i, stock=3, value_fen=500,
                              valid_from=today, valid_until=today)
    with django_assert_max_num_queries(len(few.captured_queries)):
        rider_client.get(reverse("points:rewards"))
    with django_assert_max_num_queries(12):
        rider_client.get(reverse("points:points"))
    assert not Transfer.objects.filter(source="redemption").exists()


def test_pages_answer_head_requests(ns, rider_client):
    for name in ("points", "rewards"):
        assert rider_client.head(reverse(f"points:{name}")).status_code == 200
