"""Helpers for the cases-desk tests (inbox, case page, board, public pages, moderation).

Used as the URLconf of those tests (``pytest.mark.urls``): the project's URLs, plus ``/cases/`` if the
root URLconf does not include it yet.
"""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models.fields.files import FieldFile
from django.urls import include, path
from django.utils import timezone
from PIL import Image

import linli.urls as root
from linli.cases.models import Case, CasePhoto, Status
from linli.cases.photos import save_photo
from linli.cases.services import file_case

URLCONF = __name__

urlpatterns = list(root.urlpatterns)
if not any(getattr(p, "namespace", None) == "cases" for p in root.urlpatterns):
    urlpatterns.append(path("cases/", include("linli.cases.urls")))


def jpeg(name: str = "after.jpg", size: tuple[int, int] = (40, 30)) -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def new_case(categories, tree, reporter=None, *, category=None, area=None, lat=None, lng=None,
             description="井盖破损，有人差点摔倒", **kw) -> Case:
    return file_case(category=category or categories.manhole, channel=kw.pop("channel", "h5"),
                     description=description, reporter=reporter, area=area or tree.g1, lat=lat, lng=lng, **kw)


def set_state(case: Case, status: str = Status.DISPATCHED, **fields) -> Case:
    """Put a case straight into a state (for list tests that need many rows fast)."""
    fields.setdefault("resolve_due", timezone.now() + timezone.timedelta(days=3))
    if status in (Status.DISPATCHED, Status.IN_PROGRESS, Status.RESOLVED):
        fields.setdefault("handler_area", case.handler_area or case.area)
    Case.objects.filter(pk=case.pk).update(status=status, **fields)
    case.refresh_from_db()
    return case


def add_photo(case: Case, kind: str = CasePhoto.Kind.REPORT, **fields) -> CasePhoto:
    photo = save_photo(case, jpeg(), kind=kind)
    if fields:
        CasePhoto.objects.filter(pk=photo.pk).update(**fields)
        photo.refresh_from_db()
    return photo


def fail_open(monkeypatch, error: type[OSError]) -> None:
    """Make opening any stored file raise ``error`` (an unreadable media volume)."""

    def refuse(self, mode="rb"):
        raise error("cannot read the file")

    monkeypatch.setattr(FieldFile, "open", refuse)
