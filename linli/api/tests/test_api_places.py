"""/api/categories, /api/grids and /api/locate."""

import pytest

from .conftest import INSIDE_G1, OUTSIDE


def test_categories_come_as_a_two_level_tree_with_handler_and_deadlines(actors, api_as, categories):
    body = api_as(actors.reporter).get("/categories").json()
    groups = {g["code"]: g for g in body}
    assert {"order", "public-facilities"} <= set(groups)
    assert all(len(g["children"]) >= 0 and "children" not in c for g in body for c in g["children"])
    facilities = groups["public-facilities"]["children"]
    manhole = next(c for c in facilities if c["code"] == "manhole-cover")
    assert manhole == {"code": "manhole-cover", "name": "井盖", "description": "", "kind": "component",
                       "handler_level": "grid", "department": None, "accept_hours": 2, "resolve_days": 3}
    wall = next(c for c in facilities if c["code"] == "outer-wall")
    assert wall["department"] == {"code": "chengguan", "name": "城管局"}


def test_inactive_categories_are_left_out(actors, api_as, categories):
    categories.wall.active = False
    categories.wall.save()
    codes = [c["code"] for g in api_as(actors.reporter).get("/categories").json() for c in g["children"]]
    assert "outer-wall" not in codes


def test_any_signed_in_user_reads_every_grid_boundary_as_geojson(actors, api_as, tree):
    body = api_as(actors.reporter).get("/grids").json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == [tree.g1.code, tree.g2.code, tree.h1.code]
    assert body["features"][0]["geometry"]["type"] == "Polygon"
    assert body["features"][0]["properties"]["community"] == "甲一社区"


def test_grids_can_be_limited_to_an_area(actors, api_as, tree):
    body = api_as(actors.reporter).get("/grids", {"area": tree.street_b.code}).json()
    assert [f["properties"]["code"] for f in body["features"]] == [tree.h1.code]
    assert api_as(actors.reporter).get("/grids", {"area": "street"}).status_code == 400


def test_locate_finds_the_grid_of_a_point(actors, api_as, tree):
    body = api_as(actors.reporter).get("/locate", {"lat": INSIDE_G1[0], "lng": INSIDE_G1[1]}).json()
    assert body["grid"]["code"] == tree.g1.code
    assert body["grid"]["community"] == {"code": tree.comm_a1.code, "name": "甲一社区"}
    assert body["grid"]["street"] == {"code": tree.street_a.code, "name": "甲街道"}


def test_locate_outside_every_grid_is_null(actors, api_as, tree):
    assert api_as(actors.reporter).get("/locate", {"lat": OUTSIDE[0], "lng": OUTSIDE[1]}).json() == {"grid": None}


@pytest.mark.parametrize("params,status", [
    ({"lat": "abc", "lng": "106.5"}, 400),
    ({"lat": "95", "lng": "106.5"}, 400),
    ({"lat": "29.4", "lng": "nan"}, 400),
    ({"lat": "29.4", "lng": "inf"}, 400),
    ({"lat": "", "lng": "106.5"}, 400),
    ({"lat": "29.4"}, 422),
])
def test_locate_refuses_malformed_coordinates_in_chinese(actors, api_as, tree, params, status):
    response = api_as(actors.reporter).get("/locate", params)
    assert response.status_code == status
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])


# --- /api/categories/suggest ------------------------------------------------------------------------------

@pytest.fixture
def suggestions():
    """The suggestion model learnt from this test's catalogue, and forgotten afterwards (it is cached)."""
    from linli.cases.suggest import reset_cache

    reset_cache()
    yield
    reset_cache()


def test_suggestions_come_best_first_for_any_signed_in_user(actors, api_as, categories, client, suggestions):
    url = "/api/categories/suggest"
    assert client.get(url, {"text": "楼道里的井盖坏了"}).status_code == 401
    body = api_as(actors.reporter).get("/categories/suggest", {"text": "小区门口的井盖坏了，很危险"}).json()
    assert body[0]["code"] == "manhole-cover" and body[0]["score"] == 1
    assert all(set(s) == {"code", "name", "score"} for s in body) and len(body) <= 5
    assert [s["score"] for s in body] == sorted((s["score"] for s in body), reverse=True)
    client.force_login(actors.reporter)  # the intake pages ask with the session
    assert client.get(url, {"text": "小区门口的井盖坏了"}).json()[0]["code"] == "manhole-cover"


@pytest.mark.parametrize("text", ["", "   ", "hello world", "😀" * 100, "井盖" * 20_000, "<script>x</script>",
                                  "1234", "Straßenlaterne kaputt"])
def test_suggestions_never_fail(actors, api_as, categories, text, suggestions):
    response = api_as(actors.reporter).get("/categories/suggest", {"text": text})
    assert response.status_code == 200 and isinstance(response.json(), list) and len(response.json()) <= 5


def test_control_characters_are_refused_with_a_message(actors, api_as):
    response = api_as(actors.reporter).get("/categories/suggest", {"text": "井盖\x00"})
    assert response.status_code == 400 and response.json()["detail"]  # the site-wide rule, never a 500


def test_suggestion_refuses_two_texts_and_other_methods(actors, api_as, categories, suggestions):
    api = api_as(actors.reporter)
    assert api.get("/categories/suggest").json() == []
    two = api.client.get("/api/categories/suggest?text=a&text=b", headers=api.headers)
    assert two.status_code == 422 and two.json()["detail"]
    assert api.post("/categories/suggest", {"text": "x"}).status_code == 405


def test_suggestion_is_in_the_openapi_schema(actors, api_as):
    paths = api_as(actors.reporter).get("/openapi.json").json()["paths"]
    assert "get" in paths["/api/categories/suggest"]
