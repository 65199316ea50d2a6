"""``/api/categories``, ``/api/categories/suggest``, ``/api/grids`` (GeoJSON) and ``/api/locate``."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from .. import services
from ..schemas import ERRORS, CategoryGroup, CategorySuggestion, GridCollection, LocateOut

router = Router(tags=["places"])


@router.get("/categories", response={200: list[CategoryGroup], **ERRORS}, summary="The two-level category tree")
def categories(request: HttpRequest):
    return services.category_tree()


@router.get("/categories/suggest", response={200: list[CategorySuggestion], **ERRORS}, url_name="category_suggest",
            summary="Categories suggested for a free text")
def category_suggest(request: HttpRequest, text: str = Query("", description=(
        "What the person wrote, in any length or language (only the first 2,000 characters are read)."),
        examples=["楼道里有人拉飞线给电瓶车充电"])):
    """Ranked catalogue categories for the text, best first, at most 5, computed locally from the catalogue
    and past cases; an empty list when nothing fits (empty, non-Chinese or unrelated text)."""
    if len(request.GET.getlist("text")) > 1:
        raise HttpError(422, _("Give one text."))
    return services.category_suggestions(text)


@router.get("/grids", response={200: GridCollection, **ERRORS}, summary="Grid boundaries as GeoJSON")
def grids(request: HttpRequest, area: str | None = Query(None, max_length=20,
                                                          description="Only the grids under this area code.")):
    """Grid boundaries are the public service map, not personal data: every signed-in user may read them."""
    return services.grid_collection(area)


@router.get("/locate", response={200: LocateOut, **ERRORS}, summary="Which grid a point lies in")
def locate(request: HttpRequest, lat: str = Query(..., max_length=30, examples=["29.401"]),
           lng: str = Query(..., max_length=30, examples=["106.501"])):
    return {"grid": services.locate_point(lat, lng)}
