"""``/api/categories``, ``/api/grids`` (GeoJSON) and ``/api/locate``."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from .. import services
from ..schemas import ERRORS, CategoryGroup, GridCollection, LocateOut

router = Router(tags=["places"])


@router.get("/categories", response={200: list[CategoryGroup], **ERRORS}, summary="The two-level category tree")
def categories(request: HttpRequest):
    return services.category_tree()


@router.get("/grids", response={200: GridCollection, **ERRORS}, summary="Grid boundaries as GeoJSON")
def grids(request: HttpRequest, area: str | None = Query(None, max_length=20,
                                                          description="Only the grids under this area code.")):
    """Grid boundaries are the public service map, not personal data: every signed-in user may read them."""
    return services.grid_collection(area)


@router.get("/locate", response={200: LocateOut, **ERRORS}, summary="Which grid a point lies in")
def locate(request: HttpRequest, lat: str = Query(..., max_length=30, examples=["29.401"]),
           lng: str = Query(..., max_length=30, examples=["106.501"])):
    return {"grid": services.locate_point(lat, lng)}
