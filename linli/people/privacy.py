"""PIPL duties towards a person: a copy of everything held on them, and erasure on request.

``export_person`` finds the rows by the model graph, not by a list kept by hand: the person, every
history row of them, every row of any app that points at the person (care, volunteering, points,
meetings … without people importing those apps), the person's account and what points at it by a
named relation (their reported cases), and the files of those rows and of their children (photos).

``anonymise_person`` keeps the person's row, so case histories, service hours, contribution and points
ledgers stay whole and nothing PROTECTed blocks it: name, ID-card number, mobile number, birth date,
household (address) and note are overwritten, in every history row too, and the account is closed.
Apps above people that hold more of the person's data name a hook in ``LINLI_PERSON_HOOKS["anonymise"]``
(called with the person and the values it had, in the same transaction).  Deleting a person also
scrubs their history rows (``scrub_history_on_delete``).
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from django.conf import settings
from django.core import serializers
from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .models import Person

# The fields that identify a person, and what they become.
ERASED: dict[str, Any] = {"id_number": None, "mobile": "", "birth_date": None, "household": None, "note": ""}
SECRET_FIELDS = {"password"}  # never exported


@cache
def _hooks(action: str) -> tuple:
    return tuple(import_string(path) for path in getattr(settings, "LINLI_PERSON_HOOKS", {}).get(action, ()))


def anonymous_name(person: Person) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        return _("Anonymised %(id)s") % {"id": person.pk}


# --- export ---------------------------------------------------------------------------------------

def _pointing_at(obj: models.Model, *, hidden: bool) -> Iterator[models.QuerySet]:
    """For each relation pointing at ``obj``'s model, the rows that point at ``obj`` (hidden: ``related_name='+'``)."""
    for rel in obj._meta.get_fields(include_hidden=hidden):
        if not (rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)):
            continue
        yield rel.related_model._default_manager.filter(**{rel.field.name: obj})  # type: ignore[union-attr]


def _file_children(obj: models.Model) -> Iterator[models.QuerySet]:
    """Rows owned by ``obj`` (pointing at it) that carry files: a case's photos."""
    for qs in _pointing_at(obj, hidden=True):
        if any(isinstance(f, models.FileField) for f in qs.model._meta.concrete_fields):
            yield qs


def _rows_of(person: Person) -> list[models.Model]:
    rows: list[models.Model] = [person, *person.history.all()]
    rows += [row for qs in _pointing_at(person, hidden=True) for row in qs]
    user = getattr(person, "user", None)
    if user is not None:
        rows.append(user)
        rows += [row for qs in _pointing_at(user, hidden=False) for row in qs]
    seen, unique = set(), []
    for row in rows:
        key = (row._meta.label_lower, row.pk)
        if key not in seen:
            seen.add(key)
            unique.append(row)
    for row in list(unique):
        for qs in _file_children(row):
            for child in qs:
                if (child._meta.label_lower, child.pk) not in seen:
                    seen.add((child._meta.label_lower, child.pk))
                    unique.append(child)
    return unique


def _files_of(rows: Iterable[models.Model]) -> list[str]:
    names = []
    for row in rows:
        for f in row._meta.concrete_fields:
            if isinstance(f, models.FileField) and (value := getattr(row, f.attname)):
                names.append(str(value))
    return sorted(set(names))


def person_data(person: Person) -> dict:
    """Everything held on ``person``, by model (``app_label.model``): a list of rows' fields each."""
    data: dict[str, list[dict]] = {}
    for item in serializers.serialize("python", _rows_of(person)):
        fields = {k: v for k, v in item["fields"].items() if k not in SECRET_FIELDS}
        data.setdefault(item["model"], []).append({"pk": item["pk"], **fields})
    return data


def export_person(person: Person) -> bytes:
    """A zip of ``person.json`` (everything held on the person) and ``files/…`` (their photos)."""
    rows = _rows_of(person)
    files = _files_of(rows)
    payload = {"person": person.pk, "exported_at": timezone.now(), "data": person_data(person), "files": files}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("person.json", json.dumps(payload, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2))
        for name in files:
            if default_storage.exists(name):
                with default_storage.open(name, "rb") as f:
                    zf.writestr(f"files/{name}", f.read())
    return buffer.getvalue()


# --- erasure --------------------------------------------------------------------------------------

def _erased_values(person: Person) -> dict[str, Any]:
    return {"name": anonymous_name(person), **ERASED}


def scrub_history(person_id: int, values: dict[str, Any]) -> int:
    """Overwrite the identifying fields of every history row of the person; returns how many rows."""
    columns = {("household_id" if k == "household" else k): v for k, v in values.items()}
    return Person.history.model._default_manager.filter(id=person_id).update(**columns)


@transaction.atomic
def anonymise_person(person: Person, *, reason: str) -> Person:
    """Erase what identifies ``person`` (PIPL art. 47) and keep every record of what happened."""
    if not reason.strip():
        raise ValueError(_("Give the reason for the erasure (e.g. the request it answers)."))
    person = Person.objects.select_for_update().get(pk=person.pk)
    old = {"name": person.name, "id_number": person.id_number, "mobile": person.mobile}
    values = _erased_values(person)
    for name, value in values.items():
        setattr(person, name, value)
    person._change_reason = _("Anonymised on request: %(reason)s") % {"reason": reason[:80]}  # type: ignore[attr-defined]
    person.save()
    scrub_history(person.pk, values)
    user = getattr(person, "user", None)
    if user is not None:
        user.username = f"anonymised-{user.pk}"
        user.first_name = user.last_name = user.email = ""
        user.is_active = False
        user.set_unusable_password()
        user.save()
    for hook in _hooks("anonymise"):
        hook(person, old)
    return person


def scrub_history_on_delete(sender: type[Person], instance: Person, **kwargs: object) -> None:
    """``post_delete`` of a person: no history row keeps their ID-card or mobile number."""
    scrub_history(instance.pk, _erased_values(instance))
