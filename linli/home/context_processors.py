"""What every page's frame needs: the navigation links and the unread-messages badge (both lazy)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from linli.cases.messages import unread_count
from linli.core.nav import NavContext, sections
from linli.core.scope import scope_for


def _nav_links(request: HttpRequest) -> list[dict]:
    """The user's main links for the navigation bar, the current page marked (no database query)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    links: list[dict[str, Any]] = [{"title": s.title, "url": s.url, "current": False}
             for s in sections(NavContext(scope_for(user), admin=user.is_staff))]
    # Mark the most specific link the current page lies under: /people/12/ is "My record", not "People".
    matches = [link for link in links if request.path.startswith(link["url"])]
    if matches:
        max(matches, key=lambda link: len(link["url"]))["current"] = True
    return links


def _unread(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return unread_count(user)


def frame(request: HttpRequest) -> dict:
    return {"unread_messages": lambda: _unread(request), "nav_links": lambda: _nav_links(request)}
