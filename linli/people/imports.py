"""A staged Excel import: an upload is checked at once (dry run) and waits, as a preview only its uploader
can open, until they confirm it; the confirmed import runs as a background job (``tasks``).

An upload is kept as ``MEDIA_ROOT/imports/<uuid>.xlsx`` with its dry-run report beside it (``<uuid>.json``,
which also records who uploaded it).  An upload with errors is deleted at once (nothing to confirm, no
personal data kept); a preview is confirmed once; ``tasks.prune_import_uploads`` removes the rest after a day.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from linli.core.models import Job, User

from . import excel
from .tasks import IMPORT_DIR, IMPORT_KIND, import_dir, import_people_task


def stage(upload: UploadedFile, user: User) -> uuid.UUID:
    """Store the upload, check every row without writing, and keep the report; returns the preview's token."""
    token = uuid.uuid4()
    path = import_dir() / f"{token}.xlsx"
    with path.open("wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    report = excel.import_people_file(path, user=user, dry_run=True)
    meta = {"owner": user.pk, "filename": (upload.name or "")[:200], "uploaded_at": timezone.now().isoformat(),
            "report": report.as_dict()}
    (import_dir() / f"{token}.json").write_text(json.dumps(meta, ensure_ascii=False))
    if not report.ok:
        path.unlink(missing_ok=True)  # nothing to confirm: do not keep personal data
    return token


def staged(token: uuid.UUID, user: User) -> dict[str, Any] | None:
    """The preview of the upload ``token`` (filename, time, report), or None if it is gone or not the user's."""
    try:
        meta: dict[str, Any] = json.loads((import_dir() / f"{token}.json").read_text())
    except (OSError, ValueError):
        return None
    return meta if meta.get("owner") == user.pk else None


def confirm(token: uuid.UUID, meta: dict[str, Any], user: User) -> Job | None:
    """Start the import of a staged upload without errors; None if it can no longer be imported."""
    report = excel.ImportReport.from_dict(meta["report"])
    if not report.ok or not (import_dir() / f"{token}.xlsx").exists():
        return None
    job = Job.objects.create(kind=IMPORT_KIND, created_by=user, total=report.total,
                             params={"path": f"{IMPORT_DIR}/{token}.xlsx", "filename": meta["filename"]})
    (import_dir() / f"{token}.json").unlink(missing_ok=True)  # a preview is confirmed once
    transaction.on_commit(lambda: import_people_task(job.pk))
    return job
