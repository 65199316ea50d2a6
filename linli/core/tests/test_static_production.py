"""Static files as production serves them: hashed names, gzip and brotli, a year of cache; the favicon and
Leaflet's marker icons answer (they were 404)."""

import gzip
import re
import urllib.request
from pathlib import Path

import brotli
import pytest
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db(transaction=True)

HASHED = re.compile(r"^/static/.+\.[0-9a-f]{12}\.(css|js|png|ico)$")


def fetch(url: str, encoding: str = "identity", redirect: bool = True):
    request = urllib.request.Request(url, headers={"Accept-Encoding": encoding})  # noqa: S310 - our server
    opener = urllib.request.build_opener() if redirect else urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def assets(html: str) -> list[str]:
    return re.findall(r'<(?:link rel="stylesheet"|script) (?:href|src)="([^"]+)"', html)


def test_a_page_links_hashed_css_and_js_that_are_compressed_and_cached_for_a_year(production_server):
    status, _, body = fetch(f"{production_server.url}/cases/public/map/")
    assert status == 200
    urls = assets(body.decode())
    assert {"linli.css", "linli.js", "leaflet.js", "maps.js", "public.js"} <= {
        re.sub(r"\.[0-9a-f]{12}\.", ".", u.rsplit("/", 1)[1]) for u in urls}
    for url in urls:
        assert HASHED.match(url), url
        plain_status, plain_headers, plain = fetch(production_server.url + url)
        assert plain_status == 200
        assert "immutable" in plain_headers["Cache-Control"]
        assert int(re.search(r"max-age=(\d+)", plain_headers["Cache-Control"]).group(1)) >= 365 * 24 * 3600
        _, gz_headers, gz = fetch(production_server.url + url, "gzip")
        assert gz_headers.get("Content-Encoding") == "gzip" and gzip.decompress(gz) == plain
        _, br_headers, br = fetch(production_server.url + url, "br, gzip")
        assert br_headers.get("Content-Encoding") == "br" and brotli.decompress(br) == plain
        assert len(br) < len(plain) * 0.6, url


def test_favicon_answers_at_the_root_and_is_linked_from_every_page(production_server):
    status, headers, _ = fetch(f"{production_server.url}/favicon.ico", redirect=False)
    assert status == 301 and HASHED.match(headers["Location"])
    status, headers, body = fetch(f"{production_server.url}/favicon.ico")
    assert status == 200 and body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = fetch(f"{production_server.url}/login/")[2].decode()
    assert re.search(r'<link rel="icon" href="/static/linli/favicon\.[0-9a-f]{12}\.ico"', page)


def test_leaflet_marker_icons_are_served_under_the_names_the_map_script_gives_leaflet(production_server):
    page = fetch(f"{production_server.url}/cases/public/map/")[2].decode()
    icons = re.findall(r'data-marker-[a-z0-9]+="([^"]+)"', page)
    assert len(icons) == 3
    for url in icons:
        assert HASHED.match(url), url
        status, headers, body = fetch(production_server.url + url)
        assert status == 200 and headers["Content-Type"] == "image/png" and body[:4] == b"\x89PNG"


def test_the_vendored_gcoord_is_shipped_with_its_licence():
    assert "gcoord 1.0.7" in Path(finders.find("linli/vendor/gcoord.min.js")).read_text()[:400]
    assert "MIT License" in Path(finders.find("linli/vendor/gcoord.LICENSE.txt")).read_text()
