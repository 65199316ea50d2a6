"""Characters no input may carry, and text made safe for XML.

C0 control characters (U+0000–U+001F) other than tab, line feed and carriage return, and DEL (U+007F),
have no business in a name, an address or a description: a NUL breaks PostgreSQL, an ESC colours a
terminal, and most of them make an XML document not well-formed.  They are refused at the door
(``middleware.RejectControlCharactersMiddleware``) and never written into XML (``xml_text``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Not allowed anywhere in an XML 1.0 document: the C0 controls above (DEL is allowed but pointless),
# lone surrogates, and the two non-characters U+FFFE and U+FFFF.
_XML_INVALID_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def has_control(value: str) -> bool:
    return bool(CONTROL_RE.search(value))


def strings_in(value: Any) -> Iterator[str]:
    """Every string in a parsed JSON value, keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings_in(item)


def xml_text(value: str) -> str:
    """``value`` without the characters XML 1.0 cannot carry."""
    return _XML_INVALID_RE.sub("", value)


# Group robots (WeCom, DingTalk) render markdown and a few HTML tags (<font>): a name typed as
# "<font color=…>" or "[点我](http://…)" would style the message or add a link.  Their full-width
# twins read the same to a person and mean nothing to the renderer.
_MARKDOWN_TWINS = str.maketrans({"<": "＜", ">": "＞", "[": "［", "]": "］", "*": "＊", "_": "＿", "`": "｀",
                                 "#": "＃", "\\": "＼"})
_LINE_BREAKS_RE = re.compile(r"[\r\n\t\u2028\u2029]+")


def markdown_text(value: str) -> str:
    """``value`` as plain text inside a robot's markdown: one line, no markup, no link, no control characters."""
    return _LINE_BREAKS_RE.sub(" ", xml_text(value)).translate(_MARKDOWN_TWINS).strip()


_DIGITS_RE = re.compile(r"(\d+)")


def natural_key(value: str) -> tuple:
    """Sort key that orders the numbers inside names as numbers: 1栋, 2栋 … 10栋 (not 10栋 before 2栋)."""
    return tuple(int(part) if part.isdigit() else part for part in _DIGITS_RE.split(value))


def ascii_digits(value: str) -> str:
    """``value`` with full-width digits and letters made ASCII (NFKC: ``１０`` → ``10``); a digit of another script
    (``١٠``, ``१०``) raises ``ValueError``.  Python's ``int``, ``float``, ``Decimal`` and ``strptime`` read such
    digits as numbers, so every number, date and code a form takes goes through this first."""
    value = unicodedata.normalize("NFKC", value)
    if any(ch.isdigit() and not ch.isascii() for ch in value):
        raise ValueError("a digit outside 0-9")
    return value
