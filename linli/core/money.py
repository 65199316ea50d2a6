"""Money is kept in integer fen everywhere; this is how it is shown."""

from __future__ import annotations


def yuan_cents(fen: int) -> str:
    """Fen as yuan with two decimals: 123456 → "1,234.56"; negatives keep their sign (ledgers, statements)."""
    sign = "-" if fen < 0 else ""
    whole, part = divmod(abs(int(fen)), 100)
    return f"{sign}{whole:,}.{part:02d}"


def yuan(fen: int | None) -> str:
    """Fen as yuan, whole amounts without decimals: 180000 → "1,800", 1850 → "18.50"."""
    return yuan_cents(int(fen or 0)).removesuffix(".00")
