"""The month's care figures."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from linli.core.http import AuthenticatedRequest

from ..forms import (
    MonthForm,
)
from ..services import figures
from .common import require_manager

# --- figures ----------------------------------------------------------------------------------------------------

@login_required
@require_GET
def figures_page(request: AuthenticatedRequest) -> HttpResponse:
    require_manager(request)
    form = MonthForm(request.GET)
    month = form.month_date()
    data = figures.care_figures(request.user, month)
    return render(request, "care/figures.html", {"f": data, "form": form, "month": month})
