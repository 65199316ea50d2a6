"""The links of the home page and the navigation bar, contributed by each app.

Every app that has pages for a role puts a ``nav.py`` beside its ``views.py`` with functions decorated
``@contributes(order)``; the ``home`` app imports those modules at start-up (as the admin finds
``admin.py``) and shows what they give.  A contributor gets a ``NavContext`` and yields ``Section``s;
a section whose page does not exist (``url`` is ``None``) is left out rather than linked to a 404.
``order`` places an app's links among the others' (people first, the public pages last).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from .codes import GRID_CODE_LENGTH
from .scope import Scope


@dataclass(frozen=True)
class Section:
    """One tile of the home page; with a URL it is also a link in the navigation bar."""

    title: str | Promise
    description: str | Promise
    url: str | None = None
    key: str = ""


@dataclass(frozen=True)
class NavContext:
    """What a contributor may look at.  ``admin``: the user may open the Django admin.  ``grid_names``:
    code → name of the user's grids for the home page's tiles; ``None`` in the navigation bar, which
    must cost no query."""

    scope: Scope
    admin: bool = False
    grid_names: dict[str, str] | None = None

    @property
    def grid_codes(self) -> list[str]:
        return [code for code in self.scope.area_codes if len(code) == GRID_CODE_LENGTH]


Contributor = Callable[[NavContext], Iterable[Section]]
_contributors: list[tuple[int, str, Contributor]] = []


def contributes(order: int) -> Callable[[Contributor], Contributor]:
    """Register a function that yields the sections of one app at position ``order``."""

    def register(func: Contributor) -> Contributor:
        name = f"{func.__module__}.{func.__qualname__}"
        if not any(existing == name for _o, existing, _f in _contributors):  # a module imported twice
            _contributors.append((order, name, func))
            _contributors.sort(key=lambda item: (item[0], item[1]))
        return func

    return register


def url(name: str, *args) -> str | None:
    """The URL of a page, or None while the page does not exist yet (apps land one by one)."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def sections(context: NavContext) -> list[Section]:
    """Every app's sections for this user, in order, without the pages that do not exist."""
    return [s for _order, _name, func in _contributors for s in func(context) if s.url is not None]
