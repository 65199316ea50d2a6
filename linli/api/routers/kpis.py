"""``/api/kpis``: the case figures of one unit (``linli.cases.kpis``)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from ninja import Query, Router

from .. import services
from ..auth import ApiRequest
from ..schemas import ERRORS, KpisOut

router = Router(tags=["kpis"])


@router.get("/kpis", response={200: KpisOut, **ERRORS}, summary="Case figures of a unit")
def kpis(request: ApiRequest,
         unit: str = Query(..., max_length=50, description="An area code, or dept:<department code>.",
                           examples=["500113001"]),
         start: Annotated[dt.date | None, Query(description="First day (default: the first of end's month).")] = None,
         end: Annotated[dt.date | None, Query(description="Last day, inclusive (default: today).")] = None):
    """Definitions as in ``linli.cases.kpis``: the cohort is the cases reported from start to end."""
    return services.kpis(request.auth, unit, start, end)
