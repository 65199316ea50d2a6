import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from linli.cases.models import Case, CasePhoto
from linli.cases.services import file_case

from .conftest import validate

BASE = "/open311/v2"


@pytest.fixture
def cases(services, tree):
    manhole, lamp = services
    a = file_case(category=manhole, channel="h5", description="井盖破损 王先生 13800001111", area=tree.g1,
                  lat=29.401, lng=106.501, caller_name="王先生", callback_phone="13800001111")
    b = file_case(category=lamp, channel="hotline", description="路灯不亮", area=tree.h1)
    Case.objects.filter(pk=b.pk).update(status="closed", closed_at=timezone.now())
    old = file_case(category=manhole, channel="h5", description="很久以前", area=tree.g2)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - dt.timedelta(days=120))
    hidden = file_case(category=manhole, channel="h5", description="隐藏", area=tree.g2)
    Case.objects.filter(pk=hidden.pk).update(public_hidden=True)
    return a, b, old, hidden


def test_discovery_in_json_and_xml(client):
    data = client.get("/open311/discovery.json").json()
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert data["endpoints"][0]["url"].endswith("/open311/v2/")
    root = ET.fromstring(client.get("/open311/discovery.xml").content)
    assert root.tag == "discovery" and root.find("endpoints/endpoint/formats/format") is not None


def test_services_validate_against_the_official_schema(client, services):
    data = client.get(f"{BASE}/services.json").json()
    validate(data, "services.json")
    assert {"manhole-cover", "street-lamp"} <= {s["service_code"] for s in data}
    assert "public-facilities" not in {s["service_code"] for s in data}  # groups are not services
    lamp = next(s for s in data if s["service_code"] == "street-lamp")
    assert lamp["metadata"] is True and lamp["group"] == "公用设施"


def test_services_in_xml(client, services):
    root = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert root.tag == "services"
    assert {"manhole-cover", "street-lamp"} <= {e.text for e in root.iter("service_code")}


def test_service_definition_lists_attributes(client, services):
    data = client.get(f"{BASE}/services/street-lamp.json").json()
    validate(data, "service-definition.json")
    fault = next(a for a in data["attributes"] if a["code"] == "fault")
    assert fault["datatype"] == "singlevaluelist" and {v["key"] for v in fault["values"]} == {"dark", "flicker"}
    root = ET.fromstring(client.get(f"{BASE}/services/street-lamp.xml").content)
    assert root.tag == "service_definition" and len(root.findall("attributes/attribute")) == 3


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_is_a_404_error_list(client, services, fmt):
    response = client.get(f"{BASE}/services/no-such.{fmt}")
    assert response.status_code == 404
    if fmt == "json":
        assert response.json()[0]["code"] == 404 and response.json()[0]["description"]
    else:
        root = ET.fromstring(response.content)
        assert root.tag == "errors" and root.find("error/code").text == "404"


def test_unknown_format_is_404(client, services):
    assert client.get(f"{BASE}/services.yaml").status_code == 404


def test_requests_default_window_hides_old_and_hidden_and_personal_data(client, cases):
    a, b, old, hidden = cases
    response = client.get(f"{BASE}/requests.json")
    data = response.json()
    validate(data, "requests.json")
    ids = {r["service_request_id"] for r in data}
    assert ids == {a.number, b.number}
    assert "13800001111" not in response.content.decode() and "王先生" not in response.content.decode()
    first = next(r for r in data if r["service_request_id"] == a.number)
    assert first["status"] == "open" and "description" not in first and first["lat"] == 29.401


def test_requests_filters(client, cases):
    a, b, old, hidden = cases
    assert [r["service_request_id"] for r in client.get(f"{BASE}/requests.json?status=closed").json()] == [b.number]
    assert [r["service_request_id"] for r in
            client.get(f"{BASE}/requests.json?service_code=manhole-cover").json()] == [a.number]
    ids = client.get(f"{BASE}/requests.json?service_request_id={a.number},{old.number}").json()
    assert {r["service_request_id"] for r in ids} == {a.number, old.number}
    start = (timezone.now() - dt.timedelta(days=200)).date().isoformat()
    assert len(client.get(f"{BASE}/requests.json?start_date={start}").json()) == 3


@pytest.mark.parametrize("query", ["start_date=yesterday", "end_date=2026-13-45", "status=pending",
                                   "end_date=0001-01-01T01:00:00Z", "start_date=9999-12-31T23:59:59Z",
                                   "start_date=2026-11-02&end_date=2026-11-01"])
def test_malformed_filters_are_400(client, cases, query):
    response = client.get(f"{BASE}/requests.json?{query}")
    assert response.status_code == 400 and response.json()[0]["code"] == 400


def test_request_detail_in_both_formats(client, cases, tree):
    a = cases[0]
    data = client.get(f"{BASE}/requests/{a.number}.json").json()
    validate(data, "requests.json")
    assert data[0]["service_request_id"] == a.number and data[0]["agency_responsible"] == tree.g1.name
    root = ET.fromstring(client.get(f"{BASE}/requests/{a.number}.xml").content)
    assert root.tag == "service_requests" and root.find("request/service_request_id").text == a.number
    assert client.get(f"{BASE}/request/{a.number}.json").status_code == 200
    assert client.get(f"{BASE}/requests/{cases[3].number}.json").status_code == 404


def test_media_url_only_for_approved_photos(client, cases):
    a = cases[0]
    photo = CasePhoto.objects.create(case=a, kind="report", image="cases/x.jpg",
                                     uuid="00000000-0000-0000-0000-000000000001")
    assert "media_url" not in client.get(f"{BASE}/requests/{a.number}.json").json()[0]
    CasePhoto.objects.filter(pk=photo.pk).update(public_approved=True)
    assert client.get(f"{BASE}/requests/{a.number}.json").json()[0]["media_url"].startswith("http://")


def test_key_holder_of_the_area_sees_the_description(client, cases, api_key):
    key, raw = api_key
    a, b = cases[0], cases[1]
    data = {r["service_request_id"]: r for r in client.get(f"{BASE}/requests.json?api_key={raw}").json()}
    assert data[a.number]["description"].startswith("井盖破损")
    assert "description" not in data[b.number]  # another street


def test_anonymous_reads_are_rate_limited_per_ip(client, services, settings):
    settings.LINLI_OPEN311_PER_MINUTE_IP = 3
    codes = [client.get(f"{BASE}/services.json").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_query_count_does_not_grow_with_requests(client, services, tree, django_assert_max_num_queries):
    manhole = services[0]
    for i in range(3):
        file_case(category=manhole, channel="h5", description=f"{i}", area=tree.g1)
    with django_assert_max_num_queries(1):
        client.get(f"{BASE}/requests.json")
    for i in range(30):
        file_case(category=manhole, channel="h5", description=f"more {i}", area=tree.g2)
    with django_assert_max_num_queries(1):
        assert len(client.get(f"{BASE}/requests.json").json()) == 33


def test_errors_speak_chinese_under_accept_language_zh(client, db):
    """A client asking in Chinese reads the error in Chinese (the app has its own catalogue)."""
    body = client.get("/open311/v2/services/nosuch.json", HTTP_ACCEPT_LANGUAGE="zh").json()
    assert body[0]["description"] == "没有代码为 nosuch 的服务。"
