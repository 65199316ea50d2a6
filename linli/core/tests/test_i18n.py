"""Chinese by default, English on request, and every catalogue fully translated and compiled."""

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

LINLI = Path(settings.BASE_DIR)
PO_FILES = sorted(p for p in LINLI.rglob("*.po") if ".venv" not in p.parts)


def test_login_page_is_chinese_by_default(client, db):
    html = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-Hans"' in html
    assert "登录" in html and "Sign in" not in html


def test_login_page_is_english_when_the_browser_asks_for_it(client, db):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="en"' in html
    assert "Sign in" in html and "登录" not in html


def test_login_page_is_english_when_the_language_cookie_says_so(client, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert "Sign in" in html and "Username or mobile number" in html


def test_language_switch_in_the_footer_remembers_english(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("login")})
    assert response.status_code == 302 and response.url == reverse("login")
    assert "Sign in" in client.get(reverse("login")).content.decode()


def test_unknown_browser_language_falls_back_to_chinese(client, db):
    html = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "登录" in html


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstrs and flags (the header is skipped)."""
    entries, entry, field = [], None, None

    def finish():
        if entry is not None and entry.get("msgid", "") != "":
            entries.append(entry)

    for raw in path.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            finish()
            entry, field = None, None
            continue
        if entry is None:
            entry = {"flags": set(), "msgstr": {}, "obsolete": False}
        if line.startswith("#~"):
            entry["obsolete"] = True
            continue
        if line.startswith("#,"):
            entry["flags"] |= {f.strip() for f in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = ast.literal_eval(line)
            if field.startswith("msgstr"):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
            continue
        field, _, value = line.partition(" ")
        if field.startswith("msgstr"):
            entry["msgstr"][field] = ast.literal_eval(value)
        else:
            entry[field] = ast.literal_eval(value)
    return [e for e in entries if not e["obsolete"]]


def test_there_are_catalogues_to_check():
    names = {p.relative_to(LINLI).as_posix() for p in PO_FILES}
    assert "locale/zh_Hans/LC_MESSAGES/django.po" in names
    assert "core/locale/zh_Hans/LC_MESSAGES/django.po" in names


def plural_count(po: Path) -> int:
    """``nplurals`` from the catalogue's header (1 for Chinese)."""
    match = re.search(r"nplurals\s*=\s*(\d+)", po.read_text(encoding="utf-8"))
    return int(match.group(1)) if match else 2


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.relative_to(LINLI).as_posix())
def test_catalogue_has_no_empty_or_fuzzy_translation(po):
    used_forms = {"msgstr"} | {f"msgstr[{n}]" for n in range(plural_count(po))}
    problems = []
    for entry in parse_po(po):
        if "fuzzy" in entry["flags"]:
            problems.append(f"fuzzy: {entry['msgid']!r}")
        forms = {k: v for k, v in entry["msgstr"].items() if k in used_forms}
        if not forms or any(not s for s in forms.values()):
            problems.append(f"empty: {entry['msgid']!r}")
    assert not problems, f"{po.relative_to(LINLI)}:\n" + "\n".join(problems)


@pytest.mark.parametrize("po", PO_FILES, ids=lambda p: p.relative_to(LINLI).as_posix())
def test_catalogue_is_compiled_and_up_to_date(po):
    mo = po.with_suffix(".mo")
    assert mo.exists(), f"{mo.relative_to(LINLI)} is missing: run compilemessages"
    with mo.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = []
    for entry in parse_po(po):
        if "fuzzy" in entry["flags"]:
            continue  # never compiled; the test above reports it
        if "msgid_plural" in entry:
            got = compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1)
            want = entry["msgstr"].get("msgstr[0]")
        else:
            got, want = compiled.gettext(entry["msgid"]), entry["msgstr"].get("msgstr")
        if "msgctxt" not in entry and got != want:
            stale.append(entry["msgid"])
    assert not stale, f"{mo.relative_to(LINLI)} is older than its .po for: {stale[:5]}"
