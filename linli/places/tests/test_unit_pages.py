"""Department and partner-unit pages: the staff who own a unit edit it there; others only read it, or get 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from linli.conftest import PASSWORD
from linli.core.models import AuditEntry
from linli.places.models import Department, PartnerUnit


@pytest.fixture
def units(tree):
    post_a = Department.objects.create(kind="street_post", code="post-a", name="甲街道综治办", area=tree.street_a)
    shop_a1 = PartnerUnit.objects.create(kind="sponsor_shop", name="爱心面馆", area=tree.comm_a1)
    shop_b1 = PartnerUnit.objects.create(kind="sponsor_shop", name="乙一超市", area=tree.comm_b1)
    return post_a, shop_a1, shop_b1


def signed_in(client, user):
    assert client.login(username=user.username, password=PASSWORD)
    return client


def department_url(d) -> str:
    return reverse("places:department", args=[d.pk])


def partner_url(p) -> str:
    return reverse("places:partner", args=[p.pk])


def test_tree_links_each_department_and_partner_unit_to_its_page(client, tree, make_user, units):
    post_a, shop_a1, _ = units
    page = signed_in(client, make_user("s", "street_staff", tree.street_a)).get(reverse("places:tree"))
    assert department_url(post_a) in page.content.decode()
    assert partner_url(shop_a1) in page.content.decode()


def test_street_staff_edit_their_street_post_in_chinese(client, tree, make_user, units):
    post_a, *_ = units
    c = signed_in(client, make_user("s", "street_staff", tree.street_a))
    page = c.get(department_url(post_a), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and "保存" in page.content.decode()
    answer = c.post(department_url(post_a), {"name": "甲街道综治中心", "contact_name": "李主任",
                                             "contact_phone": "023-6666 1234"})
    assert answer.status_code == 302
    post_a.refresh_from_db()
    assert (post_a.name, post_a.contact_name, post_a.contact_phone) == ("甲街道综治中心", "李主任", "023-6666 1234")
    assert AuditEntry.objects.filter(action="places:department", target=f"pk={post_a.pk}", status=302).exists()


def test_bad_values_are_refused_in_chinese_and_change_nothing(client, tree, make_user, units):
    post_a, shop_a1, _ = units
    c = signed_in(client, make_user("c", "community_staff", tree.comm_a1))
    answer = c.post(partner_url(shop_a1), {"name": " ", "contact_phone": "call me", "lat": "29.4", "lng": ""},
                    HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert answer.status_code == 400
    text = answer.content.decode()
    assert "请填写名称" in text and "经度和纬度" in text
    shop_a1.refresh_from_db()
    assert (shop_a1.name, shop_a1.contact_phone, shop_a1.lat) == ("爱心面馆", "", None)


def test_community_staff_edit_a_partner_unit_of_their_community(client, tree, make_user, units):
    _, shop_a1, _ = units
    c = signed_in(client, make_user("c", "community_staff", tree.comm_a1))
    answer = c.post(partner_url(shop_a1), {"name": "爱心面馆（总店）", "address": "新河街 8 号", "lat": "29.401",
                                           "lng": "106.501", "contact_name": "王老板", "contact_phone": "13800001111"})
    assert answer.status_code == 302
    shop_a1.refresh_from_db()
    assert (shop_a1.name, shop_a1.address) == ("爱心面馆（总店）", "新河街 8 号")
    assert (shop_a1.lat, shop_a1.lng, shop_a1.contact_phone) == (29.401, 106.501, "13800001111")


def test_community_staff_read_but_cannot_edit_their_street_post(client, tree, make_user, units):
    post_a, *_ = units
    c = signed_in(client, make_user("c", "community_staff", tree.comm_a1))
    page = c.get(department_url(post_a))
    assert page.status_code == 200 and page.context["form"] is None
    assert c.post(department_url(post_a), {"name": "改名"}).status_code == 404
    post_a.refresh_from_db()
    assert post_a.name == "甲街道综治办"


def test_only_the_district_edits_a_district_department(client, tree, make_user):
    street = signed_in(client, make_user("s", "street_staff", tree.street_a))
    assert street.post(department_url(tree.dept), {"name": "改名"}).status_code == 404
    district = make_user("d", "district_admin", tree.district)
    answer = signed_in(client, district).post(department_url(tree.dept), {"name": "区城市管理局"})
    assert answer.status_code == 302
    tree.dept.refresh_from_db()
    assert tree.dept.name == "区城市管理局"


def test_units_of_another_street_answer_404(client, tree, make_user, units):
    post_a, _, shop_b1 = units
    other = signed_in(client, make_user("b", "street_staff", tree.street_b))
    assert other.get(department_url(post_a)).status_code == 404
    assert other.post(department_url(post_a), {"name": "改名"}).status_code == 404
    own_street = signed_in(client, make_user("a", "street_staff", tree.street_a))
    assert own_street.get(partner_url(shop_b1)).status_code == 404
    assert own_street.get(reverse("places:partner", args=[999999])).status_code == 404


def test_a_grid_worker_reads_a_partner_unit_of_their_grid_but_cannot_edit_it(client, tree, make_user):
    shop = PartnerUnit.objects.create(kind="property", name="一网格物业", area=tree.g1)
    c = signed_in(client, make_user("w", "grid_worker", tree.g1))
    assert c.get(partner_url(shop)).context["form"] is None
    assert c.post(partner_url(shop), {"name": "改名"}).status_code == 404
