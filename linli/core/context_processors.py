from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .scope import scope_for

LARGE_TEXT_COOKIE = "linli_text"


def linli(request: HttpRequest) -> dict:
    return {
        "scope": scope_for(request.user) if hasattr(request, "user") else None,
        "large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "large",
        "tile_url": settings.LINLI_TILE_URL,
        "tile_attribution": settings.LINLI_TILE_ATTRIBUTION,
        "map_tiles": {"preset": settings.LINLI_MAP_TILES, "overlay": settings.LINLI_TILE_OVERLAY_URL,
                      "subdomains": settings.LINLI_TILE_SUBDOMAINS, "crs": settings.LINLI_TILE_CRS},
    }
