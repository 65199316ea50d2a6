"""Pages for the Excel import (upload → dry-run preview → confirmed background job) and the export.

Only users whose roles grant ``import_people`` (``export_people`` for the export) see these pages;
everyone else gets 404.  Staging and confirming an upload is ``imports``; only the uploader can open
the preview or the job.
"""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.http import AuthenticatedRequest
from linli.core.models import Job
from linli.core.scope import can, scope_for, scoped

from .. import excel, imports
from ..forms import XLSX, UploadForm
from ..models import Person
from ..services import filter_people
from ..tasks import IMPORT_KIND

ERRORS_PER_PAGE = 100
EXPORT_MAX_ROWS = 50_000


def _require(request: AuthenticatedRequest, ability: str) -> None:
    if not can(scope_for(request.user), ability):
        raise Http404


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: AuthenticatedRequest) -> HttpResponse:
    """Upload form; a valid upload is checked at once (dry run) and the preview is shown."""
    _require(request, "import_people")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = imports.stage(form.cleaned_data["file"], request.user)
        return redirect("people:import_preview", token=token)
    jobs = Job.objects.filter(created_by=request.user, kind=IMPORT_KIND)[:5]
    return render(request, "people/import.html", {"form": form, "jobs": jobs, "max_rows": excel.MAX_ROWS,
                                                  "max_mb": excel.MAX_FILE_BYTES // (1024 * 1024),
                                                  "columns": excel.COLUMNS})


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: AuthenticatedRequest, token: UUID) -> HttpResponse:
    """The dry-run result: the errors (paged), or the summary with a button that starts the import."""
    _require(request, "import_people")
    meta = imports.staged(token, request.user)
    if meta is None:
        raise Http404
    if request.method == "POST":
        job = imports.confirm(token, meta, request.user)
        if job is None:
            messages.error(request, _("This file can no longer be imported; please upload it again."))
            return redirect("people:import")
        return redirect("people:import_job", pk=job.pk)
    report = excel.ImportReport.from_dict(meta["report"])
    page = Paginator(report.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/import_preview.html", {"report": report, "page": page, "meta": meta,
                                                          "token": token})


@login_required
@require_GET
def job_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Progress of a confirmed import; htmx polls it every second until it is finished."""
    job = get_object_or_404(Job, pk=pk, kind=IMPORT_KIND, created_by=request.user)
    report = excel.ImportReport.from_dict(job.result) if job.result else None
    context = {"job": job, "report": report, "error_count": job.result.get("error_count", 0),
               "finished": job.status in {Job.Status.DONE, Job.Status.FAILED}}
    template = "people/import_job_status.html" if request.htmx else "people/import_job.html"
    return render(request, template, context)


@login_required
@require_GET
def download_template(request: AuthenticatedRequest) -> HttpResponse:
    """The empty import workbook with headers, notes and one example row."""
    _require(request, "import_people")
    return _xlsx_response(excel.template_workbook(), "人员导入模板.xlsx")


@login_required
@require_GET
def export(request: AuthenticatedRequest) -> HttpResponse:
    """The people list, with the same filters, as .xlsx (ID-card and mobile numbers masked)."""
    _require(request, "export_people")
    try:
        people = filter_people(scoped(Person.objects.all(), request.user), request.GET)
    except ValidationError:  # the list page shows what is wrong with the filters
        return redirect(f"{reverse('people:list')}?{request.GET.urlencode()}")
    if people.count() > EXPORT_MAX_ROWS:
        messages.error(request, _("More than %(max)d people match; please narrow the filters before exporting.")
                       % {"max": EXPORT_MAX_ROWS})
        return redirect("people:list")
    return _xlsx_response(excel.export_people(people), f"人员-{timezone.localdate():%Y%m%d}.xlsx")
