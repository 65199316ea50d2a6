import pytest
from django.urls import reverse

from linli.cases.models import Case, CaseEvent, Category, Channel

from .intake_helpers import *  # noqa: F403
from .intake_helpers import INSIDE_G1, INSIDE_H1, jpeg, login, upload

URL = "/cases/new/"


@pytest.fixture
def manhole(db):
    return Category.objects.get(code="manhole")


def test_resident_and_department_handler_get_404(client, tree, make_user):
    assert login(client, make_user("resident", home=tree.g1)).get(URL).status_code == 404
    client.logout()
    assert login(client, make_user("dept", "department_handler", department=tree.dept)).get(URL).status_code == 404


def test_anonymous_visitor_is_sent_to_login(client, tree):
    assert client.get(URL).status_code == 302


def test_hotline_case_records_caller_callback_and_channel(client, tree, make_user, manhole):
    operator = make_user("hotline", "hotline_duty", tree.street_a)
    login(client, operator)
    assert client.get(URL).status_code == 200
    response = client.post(URL, {"channel": "hotline", "category": manhole.pk, "description": "来电：井盖松动",
                                 "caller_name": "王阿姨", "callback_phone": "023-6288 1234",
                                 "area": tree.g1.pk})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.HOTLINE and case.caller_name == "王阿姨" and case.callback_phone == "02362881234"
    assert case.reporter is None and case.area == tree.g1
    event = CaseEvent.objects.get(case=case, action="report")
    assert event.actor == operator and event.data["entered_by"] == operator.pk


@pytest.mark.parametrize("phone", ["", "12345", "1381234567a", "23800000000", "15٤00001111", "023-6288١234"])
def test_hotline_case_needs_a_valid_callback_number(client, tree, make_user, manhole, phone):
    login(client, make_user("hotline", "hotline_duty", tree.street_a))
    response = client.post(URL, {"channel": "hotline", "category": manhole.pk, "description": "来电",
                                 "caller_name": "王阿姨", "callback_phone": phone, "area": tree.g1.pk})
    assert response.status_code == 400 and Case.objects.count() == 0


def test_mobile_callback_number_is_accepted(client, tree, make_user, manhole):
    login(client, make_user("hotline", "hotline_duty", tree.street_a))
    client.post(URL, {"channel": "hotline", "category": manhole.pk, "description": "来电", "caller_name": "李",
                      "callback_phone": "+86 138 0000 1111", "area": tree.g1.pk})
    assert Case.objects.get().callback_phone == "13800001111"


def test_wechat_message_with_photos_and_a_map_point(client, tree, make_user, manhole):
    login(client, make_user("community", "community_staff", tree.comm_a1))
    response = client.post(URL, {"channel": "wechat", "category": manhole.pk, "description": "群消息：井盖没了",
                                 "channel_ref": "新河街居民群", "lat": INSIDE_G1[0], "lng": INSIDE_G1[1],
                                 "photos": [upload(jpeg()), upload(jpeg(), "b.jpg")]})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.channel == Channel.WECHAT and case.channel_ref == "新河街居民群" and case.photos.count() == 2


def test_grid_worker_patrol_is_theirs_and_in_their_grid_only(client, tree, make_user, manhole):
    worker = make_user("worker", "grid_worker", tree.g1)
    login(client, worker)
    client.post(URL, {"channel": "patrol", "category": manhole.pk, "description": "巡查发现", "area": tree.g1.pk})
    case = Case.objects.get()
    assert case.channel == Channel.PATROL and case.reporter == worker
    other_grid = client.post(URL, {"channel": "patrol", "category": manhole.pk, "description": "巡查",
                                   "area": tree.h1.pk})
    point_elsewhere = client.post(URL, {"channel": "patrol", "category": manhole.pk, "description": "巡查",
                                        "lat": INSIDE_H1[0], "lng": INSIDE_H1[1]})
    assert other_grid.status_code == 400 and point_elsewhere.status_code == 400
    assert Case.objects.count() == 1


def test_opinion_drive_needs_a_place(client, tree, make_user, manhole):
    login(client, make_user("street", "street_staff", tree.street_a))
    response = client.post(URL, {"channel": "opinion", "category": manhole.pk, "description": "意见征集：加装电梯"})
    assert response.status_code == 400 and Case.objects.count() == 0
    ok = client.post(URL, {"channel": "opinion", "category": manhole.pk, "description": "意见征集",
                           "area": tree.comm_a1.pk, "channel_ref": "2025年夏季意见征集"})
    assert ok.status_code == 302 and Case.objects.get().channel == Channel.OPINION
    assert ok.url == reverse("cases:new")
