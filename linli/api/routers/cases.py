"""``/api/cases``: list (filters, cursor pages), detail, create, actions, rating, photos."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import File, Form, Query, Router, Status, UploadedFile

from linli.cases.models import Case, CasePhoto
from linli.cases.photos import photo_response

from .. import services
from ..auth import ApiRequest
from ..schemas import ERRORS, ActionCode, ActionForm, CaseDetail, CaseIn, CaseList, RateIn, StatusCode

router = Router(tags=["cases"])


def _photo_url(request: HttpRequest, case_number: str) -> Callable[[CasePhoto, bool], str]:
    def url(photo: CasePhoto, thumb: bool) -> str:
        path = reverse("api:case_photo", kwargs={"number": case_number, "photo": str(photo.uuid)})
        return request.build_absolute_uri(path + ("?size=thumb" if thumb else ""))

    return url


def _detail(request: ApiRequest, case: Case) -> dict[str, Any]:
    return services.case_detail(case, request.auth, _photo_url(request, case.number))


@router.get("/cases", response={200: CaseList, **ERRORS}, summary="List cases in your scope")
def list_cases(
    request: ApiRequest,
    status: StatusCode | None = None,
    category: str | None = Query(None, max_length=40, description="Category code (a group code takes its "
                                                                  "children)."),
    area: str | None = Query(None, max_length=20, description="Area code: the cases in that area and below."),
    overdue: bool | None = None,
    supervised: bool | None = None,
    created_after: Annotated[dt.datetime | None, Query(description="ISO 8601; Asia/Shanghai if no offset.")] = None,
    created_before: Annotated[dt.datetime | None, Query(description="Exclusive.")] = None,
    mine: bool = Query(False, description="Only the cases you reported."),
    cursor: str | None = Query(None, max_length=40, description="next_cursor of the previous page."),
    limit: int = Query(services.DEFAULT_LIMIT, ge=1, le=services.MAX_LIMIT),
):
    filters = services.CaseFilters(status=status, category=category, area=area, overdue=overdue,
                                   supervised=supervised, created_after=created_after,
                                   created_before=created_before, mine=mine)
    rows, next_cursor = services.case_page(request.auth, filters, cursor, limit)
    return {"items": [services.case_summary(c) for c in rows], "next_cursor": next_cursor}


@router.post("/cases", response={200: CaseDetail, 201: CaseDetail, **ERRORS},
             summary="Report a problem (or log a call as staff)")
def create_case(request: ApiRequest, payload: CaseIn):
    """201 with the new case; 200 with the same case when ``client_token`` was already used."""
    case, created = services.create_case(request.auth, services.NewCase(**payload.dict()))
    return Status(201 if created else 200, _detail(request, services.filed_case(case)))


@router.get("/cases/{number}", response={200: CaseDetail, **ERRORS}, summary="One case with its timeline")
def get_case(request: ApiRequest, number: str):
    return _detail(request, services.get_case(request.auth, number))


@router.post("/cases/{number}/actions/{action}", response={200: CaseDetail, **ERRORS},
             summary="Take an action of the case workflow")
def take_action(request: ApiRequest, number: str, action: ActionCode, data: Form[ActionForm],
                photos: File[list[UploadedFile]] = None):  # type: ignore[assignment]  # ninja: optional
    """Form fields (urlencoded or multipart); ``photos`` (up to 3 files) with ``resolve``.  A refusal answers
    400 or 403 with the reason and changes nothing."""
    case = services.get_case(request.auth, number)
    updated = services.act(case, request.auth, action, services.ActionInput(**data.dict()), photos or [])
    return _detail(request, updated)


@router.post("/cases/{number}/rate", response={200: CaseDetail, **ERRORS}, summary="Rate the result (reporter)")
def rate_case(request: ApiRequest, number: str, payload: RateIn):
    case = services.get_case(request.auth, number)
    updated = services.act(case, request.auth, "rate", services.ActionInput(rating=payload.rating, note=payload.note))
    return _detail(request, updated)


@router.get("/cases/{number}/photos/{photo}", url_name="case_photo", response={200: None, **ERRORS},
            summary="A photo of a case (JPEG)",
            openapi_extra={"responses": {"200": {"description": "JPEG image",
                                                  "content": {"image/jpeg": {"schema": {"type": "string",
                                                                                        "format": "binary"}}}}}})
def case_photo(request: ApiRequest, number: str, photo: str,
               size: str = Query("full", pattern="^(full|thumb)$")):
    case = services.get_case(request.auth, number)
    item = services.case_photo(case, request.auth, photo)
    return photo_response(item, thumb=size == "thumb")
