"""Dashboard pages: thin views over ``figures`` (the numbers) and ``presentation`` (charts and links)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from linli.core.scope import scope_for
from linli.places.models import Area, AreaLevel

from linli.core.paging import page_by_id

from . import article, figures, presentation, public, services
from .forms import MonthForm, PeriodForm
from .periods import KINDS


def _viewer(request: HttpRequest) -> None:
    if not services.may_view(scope_for(request.user)):
        raise Http404


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    areas, departments = services.home_units(request.user)
    if len(areas) + len(departments) == 1:
        return redirect(presentation.dashboard_url((areas or departments)[0]))
    return render(request, "reports/index.html", {"areas": areas, "departments": departments})


def _dashboard(request: HttpRequest, unit) -> HttpResponse:
    form = PeriodForm(request.GET)
    period = form.get_period()
    d = figures.dashboard(unit, period)
    return render(request, "reports/dashboard.html", {
        "d": d, "form": form, "period": period, "kinds": KINDS.items(), "charts": presentation.dashboard_charts(d),
        "links": _links(unit, period), "league_links": [
            (row, presentation.dashboard_url(row.area, period)) for row in d.league],
        "up": _up(request, unit, period)})


def _links(unit, period) -> dict[str, str]:
    url = presentation.cases_url
    return {"received": url(unit, period), "closed": url(unit, period, closed="1"),
            "overdue": url(unit, period, overdue="1"), "monthly": presentation.dashboard_url(unit, None, "monthly")}


def _up(request: HttpRequest, unit, period) -> str | None:
    """The dashboard one level up, if the user may open it."""
    if not isinstance(unit, Area) or unit.parent is None:
        return None
    scope = scope_for(request.user)
    if scope.everything or scope.covers_code(unit.parent.code):
        return presentation.dashboard_url(unit.parent, period)
    return None


@login_required
@require_GET
def area_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    return _dashboard(request, services.area_or_404(request.user, code))


@login_required
@require_GET
def department_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    return _dashboard(request, services.department_or_404(request.user, pk))


def _cases(request: HttpRequest, unit) -> HttpResponse:
    form = PeriodForm(request.GET)
    period = form.get_period()
    filters = services.CaseFilters.from_query(request.GET)
    rows, next_key = services.cases_page(request.user, unit, period, filters, request.GET.get("after"))
    base = presentation.cases_url(unit, period, **filters.query())
    return render(request, "reports/cases.html", {
        "unit": unit, "period": period, "form": form, "filters": filters, "rows": rows,
        "next_url": f"{base}&after={next_key}" if next_key else None,
        "first_url": base if request.GET.get("after") else None,
        "back": presentation.dashboard_url(unit, period)})


@login_required
@require_GET
def area_cases(request: HttpRequest, code: str) -> HttpResponse:
    return _cases(request, services.area_or_404(request.user, code))


@login_required
@require_GET
def department_cases(request: HttpRequest, pk: int) -> HttpResponse:
    return _cases(request, services.department_or_404(request.user, pk))


def _monthly(request: HttpRequest, unit) -> HttpResponse:
    form = MonthForm(request.GET)
    period = form.get_period()
    d = figures.dashboard(unit, period)
    return render(request, "reports/monthly.html", {
        "d": d, "form": form, "period": period, "charts": presentation.dashboard_charts(d),
        "league_links": [(row, None) for row in d.league], "links": _links(unit, period)})


@login_required
@require_GET
def area_monthly(request: HttpRequest, code: str) -> HttpResponse:
    return _monthly(request, services.area_or_404(request.user, code))


@login_required
@require_GET
def department_monthly(request: HttpRequest, pk: int) -> HttpResponse:
    return _monthly(request, services.department_or_404(request.user, pk))


@require_GET
def public_street(request: HttpRequest, code: str) -> HttpResponse:
    street = Area.objects.filter(code=code, level=AreaLevel.STREET).first()
    if street is None:
        raise Http404
    return render(request, "reports/public.html", {"street": street, "f": public.public_figures(street)})


@login_required
@require_GET
def article_figures(request: HttpRequest) -> HttpResponse:
    _viewer(request)
    return render(request, "reports/article.html", {"rows": article.article_figures()})


@login_required
@require_GET
def article_rows(request: HttpRequest, key: str) -> HttpResponse:
    """The rows behind one article figure, limited to the user's scope."""
    _viewer(request)
    figure = article.BY_KEY.get(key)
    if figure is None or not figure.built:
        raise Http404
    qs = figure.rows_for(article.place_codes(), scope_for(request.user))
    rows, next_key = page_by_id(qs, request.GET.get("after"), services.CASES_PAGE)
    return render(request, "reports/article_rows.html", {"figure": figure, "rows": rows, "next_key": next_key})
