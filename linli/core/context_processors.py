from django.conf import settings

from .scope import scope_for


def linli(request):
    return {
        "scope": scope_for(request.user) if hasattr(request, "user") else None,
        "tile_url": settings.LINLI_TILE_URL,
        "tile_attribution": settings.LINLI_TILE_ATTRIBUTION,
    }
