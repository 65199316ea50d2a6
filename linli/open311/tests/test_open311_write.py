import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from linli.cases.models import Case
from linli.open311.models import ApiKey, Open311Request, StreetOpen311Settings
from linli.open311.services import file_request

from .conftest import validate

URL = "/open311/v2/requests.json"
INSIDE_G1 = {"lat": "29.401", "long": "106.501"}


def post(client, raw, **fields):
    return client.post(URL, {"api_key": raw, **fields})


def test_post_files_a_case_in_the_same_loop(client, services, api_key, tree):
    key, raw = api_key
    response = post(client, raw, service_code="manhole-cover", description="井盖缺失", **INSIDE_G1,
                    first_name="张", last_name="三", phone="13800002222")
    assert response.status_code == 200, response.content
    body = response.json()
    number = body[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert (case.channel, case.channel_ref, case.area, case.status) == ("open311", "city-app", tree.g1, "reported")
    assert case.caller_name == "张 三" and case.callback_phone == "13800002222"
    assert case.events.filter(action="report").exists()
    # Reading it back never shows the reporter.
    read = client.get(f"/open311/v2/requests/{number}.json")
    validate(read.json(), "requests.json")
    assert "13800002222" not in read.content.decode() and "张" not in read.content.decode()


def test_post_answers_in_xml(client, services, api_key):
    key, raw = api_key
    response = client.post("/open311/v2/requests.xml", {"api_key": raw, "service_code": "manhole-cover",
                                                        "address_string": "新河街 3 号"})
    root = ET.fromstring(response.content)
    assert response.status_code == 200 and root.find("request/service_request_id").text


def test_address_only_files_to_the_keys_street(client, services, api_key, tree):
    key, raw = api_key
    number = post(client, raw, service_code="manhole-cover", address_string="甲街道 1 号").json()[0][
        "service_request_id"]
    case = Case.objects.get(number=number)
    assert case.area == tree.street_a and case.address == "甲街道 1 号"


@pytest.mark.parametrize("raw", [None, "", "not-a-key", "x" * 200])
def test_missing_or_wrong_key_is_403(client, services, raw):
    response = client.post(URL, {"service_code": "manhole-cover", **INSIDE_G1, **({"api_key": raw} if raw else {})})
    assert response.status_code == 403 and response.json()[0]["code"] == 403
    assert Case.objects.count() == 0


def test_revoked_key_is_403(client, services, api_key):
    key, raw = api_key
    key.revoke()
    assert post(client, raw, service_code="manhole-cover", **INSIDE_G1).status_code == 403


@pytest.mark.parametrize("fields, message_part", [
    ({"service_code": "nope", **INSIDE_G1}, "service_code"),
    ({"service_code": "manhole-cover"}, "需要位置"),
    ({"service_code": "manhole-cover", "lat": "abc", "long": "106.5"}, "lat"),
    ({"service_code": "manhole-cover", "lat": "NaN", "long": "106.5"}, "lat"),
    ({"service_code": "manhole-cover", "lat": "95", "long": "106.5"}, "WGS-84"),
    ({"service_code": "manhole-cover", "lat": "29.4"}, "同时提供"),
    # grid h1, street B
    ({"service_code": "manhole-cover", "lat": "29.401", "long": "106.601"}, "不在此 API 密钥服务的区域"),
    ({"service_code": "manhole-cover", "lat": "0", "long": "0"}, "不在此 API 密钥服务的区域"),
    ({"service_code": "manhole-cover", **INSIDE_G1, "media_url": "javascript:alert(1)"}, "media_url"),
    ({"service_code": "manhole-cover", **INSIDE_G1, "description": "长" * 4001}, "description"),
    ({"service_code": "street-lamp", **INSIDE_G1}, "lamp-number"),
    ({"service_code": "street-lamp", **INSIDE_G1, "attribute[lamp-number]": "A1",
      "attribute[fault]": "exploded"}, "fault"),
    ({"service_code": "street-lamp", **INSIDE_G1, "attribute[lamp-number]": "A1",
      "attribute[height]": "tall"}, "height"),
    ({"service_code": "street-lamp", **INSIDE_G1, "attribute[lamp-number]": "A1",
      "attribute[colour]": "red"}, "colour"),
])
def test_bad_input_is_400_and_changes_nothing(client, services, api_key, fields, message_part):
    key, raw = api_key
    response = post(client, raw, **fields)
    assert response.status_code == 400, response.content
    assert message_part in response.json()[0]["description"]
    assert Case.objects.count() == 0 and Open311Request.objects.count() == 0


def test_attributes_are_checked_and_kept(client, services, api_key):
    key, raw = api_key
    response = post(client, raw, service_code="street-lamp", **INSIDE_G1, **{
        "attribute[lamp-number]": "A-17", "attribute[fault]": "dark", "attribute[height]": "6.5"})
    assert response.status_code == 200, response.content
    request = Open311Request.objects.get()
    assert request.attributes == {"lamp-number": "A-17", "fault": "dark", "height": 6.5}


def test_script_in_description_is_kept_as_text(client, services, api_key):
    key, raw = api_key
    post(client, raw, service_code="manhole-cover", description="<script>alert(1)</script>", **INSIDE_G1)
    assert Case.objects.get().description == "<script>alert(1)</script>"


def test_street_that_reviews_first_answers_with_a_token(client, services, api_key, tree):
    key, raw = api_key
    StreetOpen311Settings.objects.create(street=tree.street_a, review_before_filing=True)
    body = post(client, raw, service_code="manhole-cover", **INSIDE_G1).json()[0]
    assert "service_request_id" not in body and Case.objects.count() == 0
    token = client.get(f"/open311/v2/tokens/{body['token']}.json").json()[0]
    assert token["service_request_id"] is None
    case = file_request(Open311Request.objects.get(token=body["token"]))
    token = client.get(f"/open311/v2/tokens/{body['token']}.json").json()[0]
    assert token["service_request_id"] == case.number
    assert client.get("/open311/v2/tokens/not-a-uuid.json").status_code == 404


def test_writes_are_rate_limited_per_key(client, services, api_key, settings):
    settings.LINLI_OPEN311_WRITES_PER_MINUTE = 2
    key, raw = api_key
    codes = [post(client, raw, service_code="manhole-cover", **INSIDE_G1).status_code for _ in range(3)]
    assert codes == [200, 200, 429] and Case.objects.count() == 2


def test_apikey_command_creates_once_and_revokes(tree, capsys):
    call_command("apikey", "create", "wechat-bot", "--area", tree.comm_a1.code)
    raw = capsys.readouterr().out.splitlines()[0].split(": ", 1)[1]
    key = ApiKey.objects.get(name="wechat-bot")
    assert key.key_hash != raw and ApiKey.objects.for_raw(raw) == key
    with pytest.raises(CommandError):
        call_command("apikey", "create", "wechat-bot", "--area", tree.comm_a1.code)
    with pytest.raises(CommandError):
        call_command("apikey", "create", "other", "--area", "999")
    call_command("apikey", "revoke", "wechat-bot")
    assert ApiKey.objects.for_raw(raw) is None
    with pytest.raises(CommandError):
        call_command("apikey", "revoke", "wechat-bot")


def test_post_tells_the_grid_workers_and_the_robot_once(
        client, services, api_key, tree, make_user, robot, django_capture_on_commit_callbacks):
    from linli.cases.models import Message, Webhook

    url, received = robot
    Webhook.objects.create(kind="dingtalk", url=url, area=tree.street_a)
    make_user("worker", "grid_worker", tree.g1)
    key, raw = api_key
    with django_capture_on_commit_callbacks(execute=True):
        number = post(client, raw, service_code="manhole-cover", description="井盖缺失", **INSIDE_G1,
                      phone="13800002222").json()[0]["service_request_id"]
    case = Case.objects.get(number=number)
    assert list(Message.objects.filter(case=case).values_list("recipient__username", flat=True)) == ["worker"]
    assert len(received) == 1 and number in received[0]["markdown"]["text"]
    assert "13800002222" not in str(received[0])


def test_request_held_for_review_tells_handlers_when_filed_and_only_once(
        client, services, api_key, tree, make_user, robot, django_capture_on_commit_callbacks):
    from linli.cases.models import Message

    StreetOpen311Settings.objects.create(street=tree.street_a, review_before_filing=True)
    make_user("worker", "grid_worker", tree.g1)
    key, raw = api_key
    with django_capture_on_commit_callbacks(execute=True):
        post(client, raw, service_code="manhole-cover", description="井盖缺失", **INSIDE_G1)
    request = Open311Request.objects.get()
    assert request.case is None and Message.objects.count() == 0  # waiting for review: nobody told yet
    with django_capture_on_commit_callbacks(execute=True):
        first = file_request(request)
        again = file_request(request)  # accepted twice (a double click in review)
    assert first.pk == again.pk and Message.objects.filter(case=first).count() == 1
