"""The sponsor shop's page: confirm a code and see what to hand over; only the shop's own staff."""

import datetime as dt

import pytest
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.places.models import PartnerUnit
from linli.points import ledger, rewards
from linli.points.models import Redemption


@pytest.fixture
def staff_client(ns, make_user, client):
    make_user("shop-staff", "sponsor_staff", partner=ns.shop, home=ns.shop.area)
    client.login(username="shop-staff", password=PASSWORD)
    return client


@pytest.fixture
def waiting(ns):
    ledger.earn(ns.scheme, ns.rider, 100, key="k", source="service")
    return rewards.redeem(ns.rider, ns.reward, request_key="r1")


def test_staff_confirm_a_code_and_see_what_to_hand_over(ns, staff_client, waiting):
    page = staff_client.get(reverse("points:shop")).content.decode()
    assert "牛肉面一碗" in page and "骑**" in page and "骑手小王" not in page  # the name is masked
    response = staff_client.post(reverse("points:shop"), {"code": f" {waiting.code} "}, follow=True)
    page = response.content.decode()
    assert "核销成功，请交付" in page and "牛肉面一碗" in page
    waiting.refresh_from_db()
    assert waiting.status == "completed" and waiting.confirmed_by.username == "shop-staff"


def test_a_code_confirms_only_once(ns, staff_client, waiting):
    staff_client.post(reverse("points:shop"), {"code": waiting.code})
    response = staff_client.post(reverse("points:shop"), {"code": waiting.code})
    assert response.status_code == 400 and "本店没有使用此兑换码的待领取兑换" in response.content.decode()


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567", "<script>alert(1)</script>"])
def test_malformed_codes_get_a_clear_error(ns, staff_client, waiting, code):
    response = staff_client.post(reverse("points:shop"), {"code": code})
    page = response.content.decode()
    assert response.status_code == 400 and "兑换码是6位数字" in page and "<script>alert(1)" not in page
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_wrong_code_gets_a_clear_error(ns, staff_client, waiting):
    wrong = "000000" if waiting.code != "000000" else "000001"
    response = staff_client.post(reverse("points:shop"), {"code": wrong})
    assert response.status_code == 400 and "本店没有使用此兑换码" in response.content.decode()


def test_expired_code_gets_a_clear_error_and_is_not_confirmed(ns, staff_client, waiting):
    Redemption.objects.filter(pk=waiting.pk).update(expires_at=waiting.expires_at - dt.timedelta(days=30))
    response = staff_client.post(reverse("points:shop"), {"code": waiting.code})
    assert response.status_code == 400 and "已于" in response.content.decode() and "过期" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_staff_of_another_shop_cannot_confirm(ns, make_user, client, tree, waiting):
    other = PartnerUnit.objects.create(kind="sponsor_shop", name="别家", area=tree.comm_b1)
    make_user("other-staff", "sponsor_staff", partner=other, home=tree.comm_b1)
    client.login(username="other-staff", password=PASSWORD)
    page = client.get(reverse("points:shop")).content.decode()
    assert "牛肉面一碗" not in page
    assert client.post(reverse("points:shop"), {"code": waiting.code}).status_code == 400
    waiting.refresh_from_db()
    assert waiting.status == "pending"


def test_people_who_are_not_shop_staff_get_404(ns, make_user, client, tree):
    make_user("street", "street_staff", tree.street_a)
    make_user("resident", home=tree.g1)
    for username in ("street", "resident"):
        client.login(username=username, password=PASSWORD)
        assert client.get(reverse("points:shop")).status_code == 404
        assert client.post(reverse("points:shop"), {"code": "123456"}).status_code == 404


def test_shop_page_prefills_a_scanned_code_and_lists_collected(ns, staff_client, waiting):
    page = staff_client.get(reverse("points:shop") + f"?code={waiting.code}").content.decode()
    assert f'value="{waiting.code}"' in page
    staff_client.post(reverse("points:shop"), {"code": waiting.code})
    page = staff_client.get(reverse("points:shop") + "?after=abc&done=x").content.decode()
    assert "还没有已领取的兑换" not in page and "没有待领取的兑换" in page


def test_shop_page_query_count_does_not_grow(ns, staff_client, django_assert_max_num_queries):
    ledger.earn(ns.scheme, ns.rider, 1000, key="k", source="service")
    rewards.redeem(ns.rider, ns.reward, request_key="a")
    staff_client.get(reverse("points:shop"))
    with django_assert_max_num_queries(8) as few:
        staff_client.get(reverse("points:shop"))
    for i in range(8):
        r = rewards.redeem(ns.rider, ns.reward, request_key=f"b{i}")
        if i % 2:
            Redemption.objects.filter(pk=r.pk).update(status="completed")
    with django_assert_max_num_queries(len(few.captured_queries)):
        staff_client.get(reverse("points:shop"))
