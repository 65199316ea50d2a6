"""Public transparency page and map: category, status, grid and dates only; approved photos only."""

import pytest
from django.utils import timezone

from linli.cases import queries
from linli.cases.models import Case, Status
from linli.cases.services import transition

from .desk_support import URLCONF, add_photo, new_case, set_state

pytestmark = pytest.mark.urls(URLCONF)
PUBLIC = "/cases/public/"
GEOJSON = "/cases/public/cases.geojson"


def numbers(response):
    return [c.number for c in response.context["page"].rows]


@pytest.fixture
def case(categories, actors, tree):
    return new_case(categories, tree, actors.reporter, lat=29.40123456, lng=106.50187654,
                    description="我是王小明，电话13800009999，家门口井盖坏了", address="幸福路8号")


def test_public_page_needs_no_login_and_shows_category_status_grid_dates(client, case):
    response = client.get(PUBLIC)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("井盖", "一网格", "甲街道", case.created_at.astimezone().strftime("%Y-%m-%d")):
        assert text in html
    assert str(case.get_status_display()) in html


def test_public_page_never_shows_the_reporter_or_the_description(client, case, actors):
    transition(case, "accept", actors.community)
    html = client.get(PUBLIC).content.decode()
    person = actors.reporter.person
    assert person.name not in html and "rider" not in html
    assert person.mobile not in html and "****" not in html
    assert "王小明" not in html and "13800009999" not in html and "幸福路" not in html
    geo = client.get(GEOJSON).content.decode()
    assert "rider" not in geo and "王小明" not in geo and "幸福路" not in geo


def test_only_approved_unhidden_photos_are_shown(client, case):
    pending = add_photo(case)
    approved = add_photo(case, public_approved=True)
    hidden = add_photo(case, public_approved=True, hidden=True)
    html = client.get(PUBLIC).content.decode()
    assert str(approved.uuid) in html
    assert str(pending.uuid) not in html and str(hidden.uuid) not in html
    assert client.get(f"/cases/public/photos/{approved.uuid}.jpg").status_code == 200
    assert client.get(f"/cases/public/photos/{approved.uuid}/thumb.jpg").status_code == 200
    assert client.get(f"/cases/public/photos/{pending.uuid}.jpg").status_code == 404
    assert client.get(f"/cases/public/photos/{hidden.uuid}.jpg").status_code == 404
    assert client.get(f"/cases/{case.number}/photos/{approved.uuid}.jpg").status_code == 302  # staff URL


def test_hidden_case_is_left_out_of_the_list_the_map_and_its_photos(client, case):
    approved = add_photo(case, public_approved=True)
    Case.objects.filter(pk=case.pk).update(public_hidden=True, public_hidden_reason="涉及隐私")
    assert numbers(client.get(PUBLIC)) == []
    assert client.get(GEOJSON).json()["features"] == []
    assert client.get(f"/cases/public/photos/{approved.uuid}.jpg").status_code == 404


def test_filters_by_street_community_status_and_category(client, categories, tree, case):
    other = new_case(categories, tree, area=tree.h1, category=categories.wiring)
    closed = set_state(new_case(categories, tree), Status.CLOSED, closed_at=timezone.now())
    assert numbers(client.get(PUBLIC, {"street": tree.street_b.pk})) == [other.number]
    assert numbers(client.get(PUBLIC, {"community": tree.comm_a1.pk})) == [closed.number, case.number]
    assert numbers(client.get(PUBLIC, {"status": "closed"})) == [closed.number]
    assert numbers(client.get(PUBLIC, {"category": categories.wiring.pk})) == [other.number]
    response = client.get(PUBLIC, {"street": "x", "community": "<b>", "status": "nope", "after": "-1"})
    assert response.status_code == 200 and len(numbers(response)) == 3


def test_keyset_pages(client, categories, tree, monkeypatch):
    made = [new_case(categories, tree) for _ in range(7)]
    seen, after = [], None
    while True:
        page = queries.public_page(queries.PublicFilters(), {}, after=after, size=3)
        seen += [c.number for c in page.rows]
        if not (after := queries.parse_int(page.next_cursor)):
            break
    assert seen == [c.number for c in reversed(made)]


def test_geojson_is_bounded_recent_and_rounded(client, categories, tree, case, monkeypatch):
    old = new_case(categories, tree, lat=29.401, lng=106.501)
    Case.objects.filter(pk=old.pk).update(created_at=timezone.now() - timezone.timedelta(days=91))
    new_case(categories, tree)                     # no location: not on the map
    data = client.get(GEOJSON).json()
    assert [f["properties"]["number"] for f in data["features"]] == [case.number]
    feature = data["features"][0]
    assert feature["geometry"]["coordinates"] == [106.5019, 29.4012]
    assert set(feature["properties"]) == {"number", "category", "grid", "status", "status_label", "reported",
                                          "closed"}
    monkeypatch.setattr(queries, "GEOJSON_MAX", 2)
    for i in range(4):
        new_case(categories, tree, lat=29.401 + i * 0.0001, lng=106.501)
    data = client.get(GEOJSON).json()
    assert len(data["features"]) == 2 and data["properties"]["truncated"]


def test_public_map_page_loads_leaflet_and_the_geojson(client, tree):
    response = client.get("/cases/public/map/", {"street": tree.street_a.pk})
    html = response.content.decode()
    assert response.status_code == 200 and "leaflet.js" in html and "cases/public.js" in html
    assert f"/cases/public/cases.geojson?street={tree.street_a.pk}" in html


@pytest.mark.parametrize("n", [5, 40])
def test_public_list_query_count_does_not_grow(client, categories, tree, n, django_assert_max_num_queries):
    for i in range(n):
        c = new_case(categories, tree, area=tree.g1 if i % 2 else tree.h1)
        if i % 3 == 0:
            add_photo(c, public_approved=True)
    with django_assert_max_num_queries(6):
        response = client.get(PUBLIC)
    assert len(response.context["page"].rows) == min(n, 30)
