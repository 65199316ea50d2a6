"""Requests carrying C0 control characters (other than tab and newlines) are refused with a clear 400,
in pages, the JSON API and Open311 alike, JSON bodies included (issue 14, hole 4)."""

import json

import pytest

from linli.core.text import has_control, xml_text

CONTROLS = ["\x00", "\x01", "\x0b", "\x0c", "\x1b", "\x1f", "\x7f"]


@pytest.mark.parametrize("url", ["/people/?q=a%00b", "/open311/v2/services/x%00y.json", "/api/cases?status=%00",
                                 "/login/?next=%00", "/people/?q=x%1B%5B31m", "/places/map/?x=%0B"])
def test_control_character_in_a_url_is_a_clear_400(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode() and "控制字符" in response.content.decode()


@pytest.mark.parametrize("char", CONTROLS)
def test_control_character_in_a_form_field_is_a_clear_400(client, db, char):
    response = client.post("/login/", {"username": f"a{char}", "password": "x"})
    assert response.status_code == 400


@pytest.mark.parametrize("char", CONTROLS)
def test_control_character_escaped_in_a_json_body_is_a_clear_400(client, db, char):
    body = json.dumps({"category": "manhole-cover", "address": f"x{char}[31m", "nested": [{"k": "v"}]})
    assert char == "\x7f" or char not in body  # escaped, as a client sends it (\\u001b, \\f)
    response = client.post("/api/cases", body, content_type="application/json")
    assert response.status_code == 400 and "控制字符" in response.json()["detail"]


def test_control_character_in_a_json_key_or_deep_value_is_refused(client, db):
    for value in ({"a\u0000": 1}, {"a": [[{"b": "\u001b"}]]}):
        assert client.post("/api/cases", json.dumps(value), content_type="application/json").status_code == 400


def test_open311_gets_its_error_list(client, db):
    assert client.get("/open311/v2/requests.json?service_code=%00").json()[0]["code"] == 400
    response = client.post("/open311/v2/requests.json", {"api_key": "x", "description": "a\x01\x0b\x1b"})
    assert response.status_code == 400 and "控制字符" in response.json()[0]["description"]


def test_tab_and_newlines_pass(client, db):
    assert client.get("/login/?next=/%09").status_code == 200
    response = client.post("/api/cases", json.dumps({"description": "第一行\n第二行\r\n\t缩进"}),
                           content_type="application/json")
    assert response.status_code != 400 or "控制字符" not in response.content.decode()


def test_ordinary_requests_pass(client, db):
    assert client.get("/login/").status_code == 200


def test_not_json_is_left_to_the_view(client, db):
    response = client.post("/api/cases", "{not json", content_type="application/json")
    assert "控制字符" not in response.content.decode()


def test_helpers():
    assert all(has_control(f"a{c}b") for c in CONTROLS)
    assert not has_control("井盖\t破了\r\n")
    assert xml_text("a\x1b[31m\x01b\ufffe\ud800c\n\t") == "a[31mbc\n\t"
