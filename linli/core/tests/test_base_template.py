"""The base template: WCAG 2.1 AA basics, the large-text toggle without a flash, and a small first load."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

CSS = Path(finders.find("linli/linli.css")).read_text()
FIRST_LOAD_BUDGET = 100 * 1024


class Page(HTMLParser):
    """Collects what the accessibility checks need from one HTML page."""

    def __init__(self, html: str):
        super().__init__()
        self.html_attrs: dict = {}
        self.controls: list[dict] = []
        self.label_for: set[str] = set()
        self.focusables: list[dict] = []
        self.assets: list[str] = []
        self.ids: set[str] = set()
        self.tags: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "html":
            self.html_attrs = a
        if tag == "label" and a.get("for"):
            self.label_for.add(a["for"])
        if tag in {"input", "select", "textarea"} and a.get("type") not in {"hidden", "submit", "button"}:
            self.controls.append(a)
        if tag in {"a", "button", "input", "select", "textarea"} and a.get("type") != "hidden":
            self.focusables.append({"tag": tag, **a})
        if tag == "link" and a.get("rel") == "stylesheet":
            self.assets.append(a["href"])
        if tag == "script" and a.get("src"):
            self.assets.append(a["src"])


def page(client, url, **kw) -> Page:
    response = client.get(url, **kw)
    assert response.status_code == 200
    return Page(response.content.decode())


@pytest.fixture
def signed_in(client, tree, make_user):
    client.force_login(make_user("s", "community_staff", tree.comm_a1))
    return client


@pytest.mark.parametrize("who", ["anonymous", "staff"])
def test_page_declares_simplified_chinese_and_has_landmarks(client, tree, make_user, who):
    if who == "staff":
        client.force_login(make_user("s", "community_staff", tree.comm_a1))
    p = page(client, reverse("login") if who == "anonymous" else reverse("home"))
    assert p.html_attrs["lang"] == "zh-Hans"
    assert {"header", "main", "footer"} <= set(p.tags)
    assert ("nav" in p.tags) == (who == "staff")


def test_skip_link_is_the_first_thing_to_focus_and_reaches_main(client, db):
    p = page(client, reverse("login"))
    first = p.focusables[0]
    assert first["tag"] == "a" and first["href"] == "#main" and "skip-link" in first["class"]
    assert "main" in p.ids


@pytest.mark.parametrize("url_name", ["login", "home"])
def test_every_form_control_has_a_label(signed_in, client, url_name):
    if url_name == "login":
        client.logout()
    p = page(client, reverse(url_name))
    assert p.controls, "the page should have form controls to check"
    for control in p.controls:
        labelled = control.get("id") in p.label_for or control.get("aria-label") or control.get("aria-labelledby")
        assert labelled, f"unlabelled control: {control}"


def test_language_select_has_a_label_and_a_button_instead_of_submitting_on_change(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '<label for="lang-select">语言</label>' in html
    assert "onchange" not in html


def test_focus_is_visible_everywhere():
    assert re.search(r":focus-visible\s*{\s*outline:3px solid", CSS)
    assert ".topbar :focus-visible { outline-color:#fff; }" in CSS


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def css_var(name: str) -> str:
    value = re.search(rf"--{name}:(#[0-9a-fA-F]{{3,6}})", CSS).group(1)
    return value if len(value) == 7 else "#" + "".join(c * 2 for c in value[1:])


@pytest.mark.parametrize("fg, bg", [("fg", "bg"), ("fg", "soft"), ("muted", "bg"), ("muted", "soft"), ("link", "bg"),
                                    ("link", "soft"), ("accent", "bg"), ("error", "bg"), ("error", "error-bg"),
                                    ("ok", "bg"), ("ok", "ok-bg"), ("focus", "bg")])
def test_text_colours_meet_aa_contrast(fg, bg):
    assert contrast(css_var(fg), css_var(bg)) >= 4.5


def test_unread_badge_on_the_top_bar_is_dark_on_white():
    assert ".topbar .badge { background:#fff; color:var(--fg);" in CSS
    assert contrast(css_var("fg"), "#ffffff") >= 4.5


def test_white_on_the_red_top_bar_meets_aa_contrast():
    assert contrast("#ffffff", css_var("accent")) >= 4.5


def test_large_text_choice_is_rendered_by_the_server_so_the_page_does_not_flash(client, db):
    plain = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-Hans">' in plain and 'aria-pressed="false"' in plain
    client.cookies["linli_text"] = "large"
    large = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-Hans" class="large-text">' in large
    assert 'id="large-text-toggle" aria-pressed="true"' in large
    assert "html.large-text { font-size:24px; }" in CSS  # 1.5 × the 16 px base


def test_large_text_script_keeps_the_choice_in_the_cookie_the_server_reads():
    js = Path(finders.find("linli/linli.js")).read_text()
    assert "linli_text" in js and "document.cookie" in js and "aria-pressed" in js


def test_footer_is_on_every_page(signed_in, client):
    assert "邻里：党建引领基层治理" in client.get(reverse("home")).content.decode()


def first_load_bytes(client, url) -> dict[str, int]:
    html = client.get(url).content
    sizes = {url: len(html)}
    for asset in Page(html.decode()).assets:
        path = finders.find(asset.removeprefix("/static/"))
        assert path, f"{asset} is not a local static file"
        sizes[asset] = Path(path).stat().st_size
    return sizes


def test_login_page_first_load_is_under_100_kb_uncompressed(client, db):
    sizes = first_load_bytes(client, reverse("login"))
    assert sum(sizes.values()) <= FIRST_LOAD_BUDGET, sizes


def test_home_page_with_htmx_is_under_100_kb_uncompressed(signed_in, client):
    sizes = first_load_bytes(client, reverse("home"))
    assert any("htmx" in name for name in sizes)
    assert sum(sizes.values()) <= FIRST_LOAD_BUDGET, sizes


def test_all_assets_are_served_by_the_app_itself(client, db):
    for asset in Page(client.get(reverse("login")).content.decode()).assets:
        assert asset.startswith("/static/")
