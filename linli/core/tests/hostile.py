"""What the hostile-input battery sends (``test_hostile_inputs.py``, ``test_hostile_forms.py``) and how it
tells a clear refusal from a silent one."""

from __future__ import annotations

from django import forms
from django.contrib.messages import ERROR, get_messages
from django.utils.html import escape

MEGABYTE = "邻" * ((1 << 20) // 3)  # ~1 MB of UTF-8 text
# value, and whether it must be refused wherever it goes (True) or may be kept as text (False)
TEXTS = {
    "empty": ("", None),
    "1 MB text": (MEGABYTE, True),
    "script": ('<script>alert("x")</script><img src=x onerror=alert(1)>', False),
    "RTL marks": ("\u202eabc\u200f\u2067", False),
    "emoji": ("🙂👨‍👩‍👧🏳️‍🌈", False),
    "full-width digits": ("１３８００００１２３４", None),
    "NUL": ("a\x00b", True),
    "C0 controls": ("x\x1b[31m\x01\x0b", True),
    "SQL-like": ("'; DROP TABLE people_person; --", False),
}
DATES = {"year 1": "0001-01-01", "year 9999": "9999-12-31", "not a date": "2026-13-45", "script date": "<b>1</b>"}
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def non_ascii_digits(text: str) -> bool:
    return any(ch.isdigit() and not ch.isascii() for ch in text)


def error_shown(response) -> bool:
    """The answer says what is wrong: an error message queued for the next page, a 400 page showing the form's
    errors (or the view's ``error``/``errors``), a JSON 400 with its errors, or the control-character refusal."""
    if any(m.level == ERROR for m in get_messages(response.wsgi_request)):
        return True
    if response.status_code not in (200, 400):  # 200: a search page showing what is wrong with the query
        return False
    if response.get("Content-Type", "").startswith("application/json"):
        body = response.json()
        return bool(body.get("errors") or body.get("detail")) if isinstance(body, dict) else bool(body)
    page = response.content.decode()
    if "控制字符" in page:  # core.middleware refused the request before any view
        return True
    shown: list[str] = []
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm):
                shown += [str(e) for errors in value.errors.values() for e in errors]
    if response.context is not None:
        for key in ("error", "errors"):
            value = response.context.get(key)
            shown += [value] if isinstance(value, str) else list(value or [])
    return any(escape(text) in page for text in shown if text)
