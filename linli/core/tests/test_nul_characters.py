import pytest


@pytest.mark.parametrize("url", ["/people/?q=a%00b", "/open311/v2/services/x%00y.json", "/api/cases?status=%00",
                                 "/login/?next=%00"])
def test_nul_in_a_request_is_a_clear_400(client, db, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "NUL" in response.content.decode()


def test_nul_in_a_form_field_is_a_clear_400(client, db):
    response = client.post("/login/", {"username": "a\x00", "password": "x"})
    assert response.status_code == 400


def test_open311_gets_its_error_list(client, db):
    assert client.get("/open311/v2/requests.json?service_code=%00").json()[0]["code"] == 400


def test_ordinary_requests_pass(client, db):
    assert client.get("/login/").status_code == 200
