"""Request and response shapes of the JSON API (they are also its OpenAPI 3 schema)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from ninja import Field, Schema

from linli.cases.models import Channel, HandlerLevel, Rating, Status
from linli.cases.workflow import TRANSITIONS

# The codes' Literal types are built from the live choices, for ninja to check and document; the type
# checker cannot follow that and sees plain strings.
if TYPE_CHECKING:
    StatusCode: TypeAlias = str
    LevelCode: TypeAlias = str
    RatingCode: TypeAlias = str
    ChannelCode: TypeAlias = str
    ActionCode: TypeAlias = str
else:
    StatusCode = Literal[tuple(Status.values)]
    LevelCode = Literal[tuple(HandlerLevel.values)]
    RatingCode = Literal[tuple(Rating.values)]
    ChannelCode = Literal[tuple(Channel.values)]
    ActionCode = Literal[tuple(TRANSITIONS)]
ApiChannel = Literal["h5", "hotline", "wechat", "opinion", "patrol"]


class Error(Schema):
    detail: str = Field(description="What went wrong, in the user's language (Simplified Chinese by default).")


ERRORS = {400: Error, 401: Error, 403: Error, 404: Error, 422: Error}


# --- shared references --------------------------------------------------------------------------

class CodeName(Schema):
    code: str
    name: str


class CategorySuggestion(CodeName):
    score: float = Field(description="How well the category fits the text, 0 to 1; the best one scores 1.",
                         ge=0, le=1)


class CategoryRef(CodeName):
    group: str | None = Field(None, description="Name of the top-level category.")


# --- cases ---------------------------------------------------------------------------------------

class CaseSummary(Schema):
    number: str = Field(description="Case number (street code, date, sequence).")
    status: StatusCode
    status_label: str
    category: CategoryRef
    channel: ChannelCode
    channel_label: str
    area: CodeName = Field(description="Where the problem is (its grid, else community).")
    level: LevelCode = Field(description="The level handling it now.")
    level_label: str
    handler: str | None = Field(None, description="The unit or department handling it now.")
    description: str = Field(description="The report text (at most 200 characters in lists).")
    created_at: dt.datetime
    accept_due: dt.datetime | None
    resolve_due: dt.datetime | None
    overdue: bool
    supervised: bool
    escalated: bool
    rating: RatingCode | None


class CaseList(Schema):
    items: list[CaseSummary]
    next_cursor: str | None = Field(description="Pass as ?cursor= for the next page; null on the last page.")


class EventOut(Schema):
    at: dt.datetime
    action: str
    label: str
    who: str = Field(description="Display name (a resident's name only for staff in scope).")
    note: str
    from_status: StatusCode | None
    to_status: StatusCode


class PhotoOut(Schema):
    uuid: str
    kind: Literal["report", "result"]
    url: str
    thumbnail_url: str


class ActionOut(Schema):
    action: ActionCode
    label: str
    needs_note: bool
    needs_photo: bool


class ReporterOut(Schema):
    name: str
    phone: str = Field(description="Masked, e.g. 138****1234.")


class CaseDetail(CaseSummary):
    address: str
    lat: float | None
    lng: float | None
    handler_area: CodeName | None
    handler_department: CodeName | None
    accepted_at: dt.datetime | None
    resolved_at: dt.datetime | None
    closed_at: dt.datetime | None
    supporters: int
    reporter: ReporterOut | None = Field(description="Only for staff whose scope covers the case, and the reporter.")
    events: list[EventOut]
    photos: list[PhotoOut]
    actions: list[ActionOut] = Field(description="What this user may do with the case now.")


class CaseIn(Schema):
    model_config = {"json_schema_extra": {"examples": [
        {"category": "manhole-cover", "description": "井盖松动", "lat": 29.401, "lng": 106.501,
         "client_token": "phone-2026-0001"}]}}

    category: str = Field(max_length=40, description="Category code (a second-level category).")
    description: str = Field("", max_length=2000, description="At most 500 characters for residents' reports.")
    lat: float | None = Field(None, description="WGS-84 latitude; give lat and lng, or area.")
    lng: float | None = Field(None, description="WGS-84 longitude.")
    area: str | None = Field(None, max_length=20, description="Grid or community code, when there is no point.")
    address: str = Field("", max_length=200)
    client_token: str | None = Field(None, max_length=40, pattern=r"^[A-Za-z0-9_.:-]{8,40}$",
                                     description="Any unique string per report: a retry with the same token "
                                                 "returns the same case.")
    channel: ApiChannel = Field("h5", description="h5 for residents; staff may log hotline, wechat, "
                                                  "opinion and patrol cases.")
    caller_name: str = Field("", max_length=50, description="Hotline: the caller's name.")
    callback_phone: str = Field("", max_length=20, description="Hotline: a mobile or landline number.")
    channel_ref: str = Field("", max_length=100, description="The WeChat group or opinion drive.")


class ActionForm(Schema):
    note: str = Field("", max_length=2000, description="Required by reject, resolve, escalate, return, "
                                                       "fail_verification and supervise.")
    reason: Literal["invalid", "duplicate"] | None = Field(None, description="reject: why.")
    duplicate_of: str | None = Field(None, max_length=24, description="reject as duplicate: the original case.")
    level: LevelCode | None = Field(None, description="dispatch: the level to hand it to.")
    unit: str | None = Field(None, max_length=40, description="dispatch/escalate: an area code or a department "
                                                              "code.")
    rating: RatingCode | None = Field(None, description="rate: the reporter's rating.")


class RateIn(Schema):
    rating: RatingCode
    note: str = Field("", max_length=2000)


# --- categories, grids, locate ------------------------------------------------------------------

class CategoryLeaf(Schema):
    code: str
    name: str
    description: str
    kind: Literal["component", "event"]
    handler_level: LevelCode
    department: CodeName | None
    accept_hours: int = Field(description="Working hours to accept.")
    resolve_days: int = Field(description="Working days to resolve once dispatched.")


class CategoryGroup(Schema):
    code: str
    name: str
    kind: Literal["component", "event"]
    children: list[CategoryLeaf]


class GridProperties(Schema):
    code: str
    name: str
    community_code: str | None
    community: str | None
    street: str | None


class GridFeature(Schema):
    type: Literal["Feature"]
    geometry: dict[str, Any] | None
    properties: GridProperties


class GridCollection(Schema):
    type: Literal["FeatureCollection"]
    features: list[GridFeature]


class LocatedGrid(Schema):
    code: str
    name: str
    community: CodeName | None
    street: CodeName | None


class LocateOut(Schema):
    grid: LocatedGrid | None = Field(description="null when the point is outside every grid.")


# --- KPIs -------------------------------------------------------------------------------------

class KpiUnit(Schema):
    kind: Literal["area", "department"]
    code: str
    name: str


class KpisOut(Schema):
    unit: KpiUnit
    start: dt.date
    end: dt.date = Field(description="Inclusive.")
    received: int
    accepted: int
    accepted_in_time: int
    closed: int
    closed_on_time: int
    due: int
    rated: int
    satisfied: int
    overdue_now: int
    avg_hours_to_close: float | None
    response_rate: float | None = Field(description="Percent, one decimal; null when nothing was received.")
    resolution_rate: float | None
    satisfaction_rate: float | None
    closure_rate: float | None
    on_time_rate: float | None
