"""Money is kept in integer fen everywhere; this is how it is shown."""

from __future__ import annotations


def yuan(fen: int | None) -> str:
    """Fen (integer) as yuan for display: 180000 → "1,800", 1850 → "18.50"."""
    whole, cents = divmod(int(fen or 0), 100)
    return f"{whole:,}" if not cents else f"{whole:,}.{cents:02d}"
