"""Dashboard pages: thin views over ``figures`` (the numbers) and ``presentation`` (charts and links)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.models import Job
from linli.core.paging import page_by_id
from linli.core.scope import scope_for
from linli.places.models import Area, AreaLevel

from . import article, excel, figures, presentation, public, services, tasks
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
        "league_links": [(row, None) for row in d.league], "links": _links(unit, period),
        "large": services.is_large(unit), "xlsx_url": presentation.dashboard_url(unit, None, "monthly_xlsx")})


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


def _monthly_xlsx(request: HttpRequest, unit) -> HttpResponse:
    """A small unit's workbook at once; a large one's (street, district) by the background worker (POST)."""
    form = MonthForm(request.GET if request.method == "GET" else request.POST)
    if not form.is_valid():
        return HttpResponse(form.errors["month"][0], status=400, content_type="text/plain; charset=utf-8")
    period = form.get_period()
    if request.method == "GET" and not services.is_large(unit):
        d = figures.dashboard(unit, period)
        return _xlsx(excel.monthly_workbook(d), services.report_filename(unit, period))
    if request.method == "GET":
        return render(request, "reports/job.html", {"job": None, "unit": unit, "period": period})
    job = Job.objects.create(kind=tasks.MONTHLY_KIND, created_by_id=request.user.pk,
                             params={**services.unit_params(unit), "month": period.start.isoformat()})
    transaction.on_commit(lambda: tasks.monthly_report_task(job.pk))
    return redirect("reports:job", pk=job.pk)


@login_required
@require_http_methods(["GET", "POST"])
def area_monthly_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    return _monthly_xlsx(request, services.area_or_404(request.user, code))


@login_required
@require_http_methods(["GET", "POST"])
def department_monthly_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    return _monthly_xlsx(request, services.department_or_404(request.user, pk))


def _own_job(request: HttpRequest, pk: int) -> Job:
    """The user's own report job whose unit is still in their scope; anything else is 404."""
    job = get_object_or_404(Job, pk=pk, kind=tasks.MONTHLY_KIND, created_by=request.user)
    services.unit_from_params(request.user, job.params)
    return job


@login_required
@require_GET
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a monthly workbook; htmx polls it every second until it is finished."""
    job = _own_job(request, pk)
    template = "reports/_job.html" if request.headers.get("HX-Request") == "true" else "reports/job.html"
    return render(request, template, {"job": job, "finished": job.status in {Job.Status.DONE, Job.Status.FAILED}})


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    job = _own_job(request, pk)
    path = tasks.report_path(job)
    if job.status != Job.Status.DONE or not path.exists():
        raise Http404
    unit = services.unit_from_params(request.user, job.params)
    period = MonthForm({"month": job.params["month"][:7]})
    return _xlsx(path.read_bytes(), services.report_filename(unit, period.get_period()))


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
