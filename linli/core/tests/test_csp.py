"""Content-Security-Policy: every page sends one without inline script, and nothing in the templates or
the static JavaScript needs inline script or builds HTML from strings (issue 14, hole 1).

A template scan catches an inline ``<script>`` or ``on…=`` handler the moment it is written; the page
scan catches what template inheritance or a tag (``{% htmx_script %}``, Django's admin) puts in; the
JavaScript scan catches Leaflet popups/tooltips given strings, which Leaflet treats as HTML.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.conf import settings

from linli.places.models import Building

ROOT = Path(settings.BASE_DIR)
TEMPLATES = sorted(ROOT.glob("**/templates/**/*.html"))
SCRIPTS = sorted(p for p in ROOT.glob("*/static/**/*.js"))

# A <script> tag is fine with a src (a static file) or a non-executable data type (json_script).
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>", re.I)
DATA_TYPE = re.compile(r"""type\s*=\s*["']application/(ld\+)?json["']""", re.I)
HANDLER_ATTR = re.compile(r"""<[a-z][^>]*\s(on[a-z]+)\s*=""", re.I | re.S)
JS_URL = re.compile(r"""(href|src|action|formaction)\s*=\s*["']\s*javascript:""", re.I)
STYLE_ATTR = re.compile(r"""<[a-z][^>]*\sstyle\s*=""", re.I | re.S)


def inline_script_problems(text: str) -> list[str]:
    problems = [f"inline <script{m.group(1)}>" for m in SCRIPT_TAG.finditer(text)
                if "src=" not in m.group(1) and not DATA_TYPE.search(m.group(1))]
    problems += [f"{m.group(1)}= handler" for m in HANDLER_ATTR.finditer(text)]
    problems += ["javascript: URL" for _m in JS_URL.finditer(text)]
    problems += ["style= attribute" for _m in STYLE_ATTR.finditer(text)]
    return problems


def test_the_scanner_finds_what_the_policy_blocks():
    assert inline_script_problems('<script>alert(1)</script>')
    assert inline_script_problems('<button type="button" onclick="go()">x</button>')
    assert inline_script_problems('<img\n  src="x" onerror="go()">')
    assert inline_script_problems('<a href="javascript:go()">x</a>')
    assert inline_script_problems('<div style="color:red">x</div>')
    assert not inline_script_problems('<script src="/static/a.js" defer></script>')
    assert not inline_script_problems('<script id="d" type="application/json">{}</script>')
    assert not inline_script_problems('<p>The one (mention) = ok</p><input data-online="1">')


def test_templates_exist_to_be_scanned():
    assert len(TEMPLATES) > 50 and ROOT / "templates" / "base.html" in TEMPLATES


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_contains_inline_script_or_style(path):
    assert inline_script_problems(path.read_text()) == []


# --- The JavaScript never turns data into HTML --------------------------------------------------
HTML_SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\s*\(|"
                        r"new\s+Function\s*\(")
# Leaflet's bindPopup/bindTooltip/setContent treat a string as HTML: the argument must be a DOM builder.
LEAFLET_CONTENT = re.compile(r"\.(bindPopup|bindTooltip|setContent|setTooltipContent|setPopupContent)\(\s*([^)]*)")
DOM_BUILDERS = ("textNode(", "popup(", "textBox(", "document.createTextNode(")


def leaflet_problems(text: str) -> list[str]:
    problems = [m.group(0) for m in HTML_SINKS.finditer(text)]
    problems += [m.group(0) for m in LEAFLET_CONTENT.finditer(text) if not m.group(2).startswith(DOM_BUILDERS)]
    return problems


def test_the_javascript_scanner_finds_the_old_bugs():
    # What activities.js and map.js did before: a data attribute straight into Leaflet.
    assert leaflet_problems("marker.bindPopup(mapEl.dataset.label);")
    assert leaflet_problems("l.bindTooltip(f.properties.name);")
    assert leaflet_problems('preview.innerHTML = html;')
    assert not leaflet_problems("marker.bindPopup(textNode(mapEl.dataset.label));")
    assert not leaflet_problems("l.bindPopup(popup(f, el.dataset.openLabel));")


@pytest.mark.parametrize("path", SCRIPTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_static_javascript_gives_leaflet_dom_nodes_and_never_assigns_html(path):
    assert leaflet_problems(path.read_text()) == []


# --- Pages send the header, and the rendered HTML has no inline script ----------------------------
def policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy", "")
    return {name: values for name, *values in (part.split() for part in header.split(";") if part.strip())}


class _Inline(HTMLParser):
    def __init__(self):
        super().__init__()
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        self.problems += [f"<{tag} {name}=…>" for name in names if name.startswith("on") or name == "style"]
        if tag == "script" and not names.get("src") and names.get("type") not in {"application/json"}:
            self.problems.append("inline <script>")


def rendered_problems(html: str) -> list[str]:
    parser = _Inline()
    parser.feed(html)
    return parser.problems


def test_the_login_page_sends_a_policy_without_inline_script(client, db):
    response = client.get("/login/")
    csp = policy(response)
    assert csp["script-src"] == ["'self'"] and csp["style-src"] == ["'self'"]
    assert csp["object-src"] == ["'none'"] and csp["frame-ancestors"] == ["'none'"]
    assert csp["default-src"] == ["'self'"] and csp["base-uri"] == ["'self'"]
    assert "'unsafe-inline'" not in response.headers["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response.headers["Content-Security-Policy"]
    assert "https://tile.openstreetmap.org" in csp["img-src"]  # the map tiles may load
    assert rendered_problems(response.content.decode()) == []


@pytest.fixture
def district_admin(tree, make_user):
    user = make_user("root", "district_admin", tree.district)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


def test_main_pages_send_the_policy_and_render_no_inline_script(client, tree, district_admin, household):
    building = Building.objects.get()
    client.force_login(district_admin)
    urls = ["/", "/people/", "/places/tree/", "/places/map/", f"/places/grids/{tree.g1.code}/",
            f"/places/buildings/{building.pk}/", f"/people/{district_admin.person_id}/", "/cases/report/",
            "/cases/public/", "/volunteering/activities/", "/volunteering/activities/new/", "/points/",
            "/admin/", "/admin/people/person/", f"/admin/people/person/{district_admin.person_id}/change/",
            "/api/docs"]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        assert policy(response)["script-src"] == ["'self'"], url
        assert rendered_problems(response.content.decode()) == [], url


def test_json_and_errors_carry_the_policy_too(client, db):
    assert "script-src 'self'" in client.get("/no/such/page/").headers["Content-Security-Policy"]
    assert "script-src 'self'" in client.get("/healthz").headers["Content-Security-Policy"]


def test_htmx_is_told_not_to_inject_styles_or_eval(client, db):
    html = client.get("/login/").content.decode()
    assert '"includeIndicatorStyles": false' in html and '"allowEval": false' in html


def test_tile_origin_for_the_img_policy():
    from linli.settings import _tile_origin

    assert _tile_origin("https://tile.openstreetmap.org/{z}/{x}/{y}.png") == "https://tile.openstreetmap.org"
    assert _tile_origin("https://{s}.tiles.example.cn/{z}/{x}/{y}.png") == "https://*.tiles.example.cn"
    assert _tile_origin("/static/tiles/{z}/{x}/{y}.png") is None
