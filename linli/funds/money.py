"""Money in integer fen: parsing what people type in yuan, and showing fen as yuan."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from linli.core.money import yuan_cents
from linli.core.text import ascii_digits

_YUAN_RE = re.compile(r"^(?P<yuan>[0-9]{1,9})(\.(?P<fen>[0-9]{1,2}))?$")


class MoneyError(ValueError):
    pass


def parse_yuan(text: str) -> int:
    """``"10"``, ``"10.5"``, ``"10.05"`` → fen; anything else (negative, three decimals, letters) is refused."""
    try:
        text = ascii_digits(text or "")  # １０ is 10; ١٠ is refused
    except ValueError:
        text = ""
    match = _YUAN_RE.match(text.strip().replace("，", "").replace(",", ""))
    if not match:
        raise MoneyError(_("Enter an amount in yuan, such as 10 or 10.50."))
    fen = int(match.group("yuan")) * 100 + int((match.group("fen") or "0").ljust(2, "0"))
    return fen


# Fen shown as yuan with two decimals ("1,234.56"), the one formatter of core.
yuan = yuan_cents
