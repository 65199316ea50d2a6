"""Pages for the Excel import (upload → dry-run preview → confirmed background job) and the export.

Only users whose roles grant ``import_people`` (``export_people`` for the export) see these pages;
everyone else gets 404.  An upload is kept as ``MEDIA_ROOT/imports/<uuid>.xlsx`` with its dry-run
report beside it (``<uuid>.json``, which also records who uploaded it); only the uploader can open
the preview or the job.
"""

from __future__ import annotations

import json
import uuid
from uuid import UUID

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from linli.core.models import Job
from linli.core.scope import can, scope_for, scoped

from . import excel
from .models import Person
from .tasks import IMPORT_DIR, IMPORT_KIND, import_dir, import_people_task

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ERRORS_PER_PAGE = 100
EXPORT_MAX_ROWS = 50_000


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Excel file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Please choose an Excel file ending in .xlsx."))
        if upload.size > excel.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB; please split it into smaller files.")
                                        % {"mb": excel.MAX_FILE_BYTES // (1024 * 1024)})
        return upload


def _require(request: HttpRequest, ability: str) -> None:
    if not can(scope_for(request.user), ability):
        raise Http404


def _xlsx_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Upload form; a valid upload is checked at once (dry run) and the preview is shown."""
    _require(request, "import_people")
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = uuid.uuid4()
        path = import_dir() / f"{token}.xlsx"
        with path.open("wb") as out:
            for chunk in form.cleaned_data["file"].chunks():
                out.write(chunk)
        report = excel.import_people_file(path, user=request.user, dry_run=True)
        meta = {"owner": request.user.pk, "filename": form.cleaned_data["file"].name[:200],
                "uploaded_at": timezone.now().isoformat(), "report": report.as_dict()}
        (import_dir() / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False))
        if not report.ok:
            path.unlink(missing_ok=True)  # nothing to confirm: do not keep personal data
        return redirect("people:import_preview", token=token)
    jobs = Job.objects.filter(created_by=request.user, kind=IMPORT_KIND)[:5]
    return render(request, "people/import.html", {"form": form, "jobs": jobs, "max_rows": excel.MAX_ROWS,
                                                  "max_mb": excel.MAX_FILE_BYTES // (1024 * 1024),
                                                  "columns": excel.COLUMNS})


def _load_preview(request: HttpRequest, token: UUID) -> dict:
    try:
        meta = json.loads((import_dir() / f"{token}.json").read_text())
    except (OSError, ValueError):
        raise Http404 from None
    if meta.get("owner") != request.user.pk:
        raise Http404
    return meta


@login_required
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, token: UUID) -> HttpResponse:
    """The dry-run result: the errors (paged), or the summary with a button that starts the import."""
    _require(request, "import_people")
    meta = _load_preview(request, token)
    report = excel.ImportReport.from_dict(meta["report"])
    upload_path = import_dir() / f"{token}.xlsx"
    if request.method == "POST":
        if not report.ok or not upload_path.exists():
            messages.error(request, _("This file can no longer be imported; please upload it again."))
            return redirect("people:import")
        job = Job.objects.create(kind=IMPORT_KIND, created_by=request.user, total=report.total,
                                 params={"path": f"{IMPORT_DIR}/{token}.xlsx", "filename": meta["filename"]})
        (import_dir() / f"{token}.json").unlink(missing_ok=True)  # a preview is confirmed once
        transaction.on_commit(lambda: import_people_task(job.pk))
        return redirect("people:import_job", pk=job.pk)
    page = Paginator(report.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "people/import_preview.html", {"report": report, "page": page, "meta": meta,
                                                          "token": token})


@login_required
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a confirmed import; htmx polls it every second until it is finished."""
    job = get_object_or_404(Job, pk=pk, kind=IMPORT_KIND, created_by=request.user)
    report = excel.ImportReport.from_dict(job.result) if job.result else None
    context = {"job": job, "report": report, "error_count": job.result.get("error_count", 0),
               "finished": job.status in {Job.Status.DONE, Job.Status.FAILED}}
    template = "people/import_job_status.html" if request.htmx else "people/import_job.html"
    return render(request, template, context)


@login_required
@require_GET
def download_template(request: HttpRequest) -> HttpResponse:
    """The empty import workbook with headers, notes and one example row."""
    _require(request, "import_people")
    return _xlsx_response(excel.template_workbook(), "人员导入模板.xlsx")


def _filtered(qs, params):
    """The people list's own filters (``services.filter_people``); raises ``ValidationError`` when invalid."""
    try:
        from .services import filter_people
    except ImportError:  # the list filters are not installed: the scope alone applies
        return qs
    return filter_people(qs, params)


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    """The people list, with the same filters, as .xlsx (ID-card and mobile numbers masked)."""
    _require(request, "export_people")
    try:
        people = _filtered(scoped(Person.objects.all(), request.user), request.GET)
    except ValidationError:  # the list page shows what is wrong with the filters
        return redirect(f"{reverse('people:list')}?{request.GET.urlencode()}")
    if people.count() > EXPORT_MAX_ROWS:
        messages.error(request, _("More than %(max)d people match; please narrow the filters before exporting.")
                       % {"max": EXPORT_MAX_ROWS})
        return redirect("people:list")
    return _xlsx_response(excel.export_people(people), f"人员-{timezone.localdate():%Y%m%d}.xlsx")
