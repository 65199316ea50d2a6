"""Map tiles chosen in the settings (osm, tianditu, amap in GCJ-02, local), the local basemap, and GCJ-02 drawn
at the display edge with the vendored gcoord (a known point both ways)."""

import os
import subprocess
import sys

import pytest
from django.urls import reverse

from linli.core.tests.browser import sign_in
from linli.places.models import Building


def settings_with(**env) -> str:
    """The map settings Linli computes from these environment variables (a fresh interpreter)."""
    code = ("import linli.settings as s; print(s.LINLI_TILE_URL, s.LINLI_TILE_CRS, s.LINLI_TILE_OVERLAY_URL or '-', "
            "' '.join(s.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_TILE") and k != "LINLI_MAP_TILES"}
    result = subprocess.run([sys.executable, "-c", code], env={**clean, **env}, capture_output=True, text=True,
                            check=False)
    return result.stdout if result.returncode == 0 else result.stderr


def test_default_preset_is_openstreetmap_in_wgs84():
    out = settings_with()
    assert out.startswith("https://tile.openstreetmap.org/{z}/{x}/{y}.png wgs84 -")


def test_amap_preset_draws_in_gcj02_and_its_tile_hosts_are_allowed_images():
    out = settings_with(LINLI_MAP_TILES="amap")
    assert "autonavi.com" in out and " gcj02 " in out and "https://*.is.autonavi.com" in out


def test_tianditu_preset_carries_the_key_and_its_label_layer():
    out = settings_with(LINLI_MAP_TILES="tianditu", LINLI_TIANDITU_KEY="k123")
    url, crs, overlay, _ = out.split(" ", 3)
    assert "tk=k123" in url and "tk=k123" in overlay and "cva_w" in overlay and crs == "wgs84"
    assert "https://*.tianditu.gov.cn" in out


@pytest.mark.parametrize("env, message", [
    ({"LINLI_MAP_TILES": "tianditu"}, "needs LINLI_TIANDITU_KEY"),
    ({"LINLI_MAP_TILES": "google"}, "LINLI_MAP_TILES must be one of osm, tianditu, amap, local"),
])
def test_a_bad_map_setting_stops_with_a_clear_message(env, message):
    assert message in settings_with(**env)


def test_tile_url_overrides_the_preset_but_keeps_its_projection():
    out = settings_with(LINLI_MAP_TILES="amap", LINLI_TILE_URL="https://tiles.office.example/{z}/{x}/{y}.png")
    assert out.startswith("https://tiles.office.example/{z}/{x}/{y}.png gcj02 -")


def test_gcoord_is_loaded_only_for_a_gcj02_preset(client, tree, settings):
    page = client.get(reverse("cases:public_map")).content.decode()
    assert "gcoord" not in page and 'data-crs="wgs84"' in page
    settings.LINLI_TILE_CRS = "gcj02"
    page = client.get(reverse("cases:public_map")).content.decode()
    assert "linli/vendor/gcoord.min.js" in page and 'data-crs="gcj02"' in page


@pytest.fixture
def buildings(tree):
    Building.objects.create(grid=tree.g1, name="1栋", lat=29.401, lng=106.501)
    Building.objects.create(grid=tree.h1, name="9栋", lat=29.401, lng=106.601)


def test_basemap_is_scoped_to_the_signed_in_user(client, tree, make_user, buildings, django_assert_max_num_queries):
    client.force_login(make_user("w", "grid_worker", tree.g1))
    with django_assert_max_num_queries(6):
        data = client.get(reverse("places:basemap")).json()
    names = {(f["properties"]["kind"], f["properties"]["name"]) for f in data["features"]}
    assert names == {("grid", "一网格"), ("building", "1栋")}


def test_public_basemap_shows_the_district_geography_without_people(client, tree, buildings):
    response = client.get(reverse("places:basemap"))
    assert response["Content-Type"] == "application/geo+json"
    features = response.json()["features"]
    assert {f["properties"]["name"] for f in features} == {"一网格", "二网格", "三网格", "1栋", "9栋"}
    assert all(set(f["properties"]) == {"kind", "name"} for f in features)


def test_basemap_refuses_writes(client, db):
    assert client.post(reverse("places:basemap")).status_code == 405


# --- in the browser -------------------------------------------------------------------------------------------

KNOWN_WGS84 = [116.403988, 39.914266]           # Beijing, Tiananmen
KNOWN_GCJ02 = [116.41023240747266, 39.915670251113426]  # the same point as AMap draws it


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_amap_map_converts_a_known_point_both_ways_and_stores_wgs84(page, live_server, settings):
    settings.LINLI_TILE_CRS = "gcj02"
    settings.LINLI_TILE_URL = "/no-tiles/{z}/{x}/{y}.png"
    page.goto(f"{live_server.url}{reverse('cases:public_map')}")
    page.wait_for_function("window.LinliMap && window.gcoord")
    there = page.evaluate("p => gcoord.transform(p, gcoord.WGS84, gcoord.GCJ02)", KNOWN_WGS84)
    back = page.evaluate("p => gcoord.transform(p, gcoord.GCJ02, gcoord.WGS84)", KNOWN_GCJ02)
    assert there == pytest.approx(KNOWN_GCJ02, abs=1e-7)
    assert back == pytest.approx(KNOWN_WGS84, abs=1e-6)
    # The map's projection draws a WGS-84 point where the GCJ-02 tiles have it, and reads a click back as WGS-84.
    drawn, plain, clicked = page.evaluate("""([p, q]) => {
        var crs = LinliMap.crs, pt = crs.latLngToPoint(L.latLng(p[1], p[0]), 18), back = crs.pointToLatLng(pt, 18);
        var gcj = L.CRS.EPSG3857.latLngToPoint(L.latLng(q[1], q[0]), 18);
        return [[pt.x, pt.y], [gcj.x, gcj.y], [back.lng, back.lat]];
    }""", [KNOWN_WGS84, KNOWN_GCJ02])
    assert drawn == pytest.approx(plain, abs=0.01)
    assert clicked == pytest.approx(KNOWN_WGS84, abs=1e-6)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_tiles_the_map_shows_the_local_basemap_instead_of_a_grey_box(page, live_server, settings, tree,
                                                                             make_user):
    settings.LINLI_TILE_URL = "/no-tiles/{z}/{x}/{y}.png"  # an intranet: the tile server cannot be reached
    make_user("w", "grid_worker", tree.g1)
    sign_in(page, live_server, "w", "correct-horse-9", reverse("places:map"))
    page.locator(".leaflet-container.map-offline").wait_for()
    page.locator(".leaflet-linli-basemap-pane path").first.wait_for(state="attached")
    assert page.locator(".map-offline-note").inner_text() == "离线底图：网格和楼栋"
