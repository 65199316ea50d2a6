from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from .scope import scope_for
from .services import home_sections

LARGE_TEXT_COOKIE = "linli_text"


def _nav_links(request: HttpRequest) -> list[dict]:
    """The user's main links for the navigation bar, the current page marked (no database query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links = [{"title": s.title, "url": s.url, "current": False}
             for s in home_sections(scope_for(user), admin=user.is_staff) if s.url]
    # Mark the most specific link the current page lies under: /people/12/ is "My record", not "People".
    matches = [link for link in links if request.path.startswith(link["url"])]
    if matches:
        max(matches, key=lambda link: len(link["url"]))["current"] = True
    return links


def _unread(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    from linli.cases.views_messages import unread_count

    return unread_count(user)


def linli(request: HttpRequest) -> dict:
    return {
        "unread_messages": lambda: _unread(request),
        "scope": scope_for(request.user) if hasattr(request, "user") else None,
        "nav_links": lambda: _nav_links(request),
        "large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "large",
        "tile_url": settings.LINLI_TILE_URL,
        "tile_attribution": settings.LINLI_TILE_ATTRIBUTION,
    }
