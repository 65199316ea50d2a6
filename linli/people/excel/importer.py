"""The import: read the file, check every row, then (unless a dry run) write it all in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from django.db import DatabaseError, IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

import linli.people.excel as limits
from linli.core.scope import scope_for
from linli.places.models import BuildingUnit, Household

from ..models import PartyRecord, Person, WorkerProfile
from .check import Checker, Lookups, Plan, Row
from .columns import (
    CHANGE_REASON,
    COLUMNS,
    PROGRESS_EVERY,
    FileRejected,
    ImportReport,
)
from .read import file_error, map_headers, read_bytes, read_rows


def import_people_file(
    source: str | Path | BinaryIO,
    *,
    user=None,
    dry_run: bool,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Check an .xlsx file of people and, unless ``dry_run`` or any row is bad, write it in one transaction.

    With ``user``, every area code and every updated person must lie inside the user's scope.
    ``progress(done, total)`` is called every ``PROGRESS_EVERY`` rows while checking, and once at the end.
    """
    report = ImportReport(dry_run=dry_run)
    scope = scope_for(user) if user is not None else None
    if scope is not None and scope.everything:
        scope = None
    try:
        data = read_bytes(source)
        headers, body = read_rows(data)
        columns = map_headers(headers)
        checker = Checker(columns, scope)
        rows: list[Row] = []
        for number, values in body:
            if len(rows) >= limits.MAX_ROWS:
                raise FileRejected([file_error(_("The file has more than %(max)d rows; please split it into "
                                                 "smaller files.") % {"max": limits.MAX_ROWS})])
            rows.append(checker.parse(number, values))
    except FileRejected as exc:
        report.errors = exc.errors
        return report
    report.total = total = len(rows)
    if not rows:
        report.errors.append(file_error(_("The file has headers but no rows of people.")))
        return report

    lookups = Lookups(rows)
    plan = Plan()
    plan.existing_households = lookups.households
    for done, row in enumerate(rows, start=1):
        checker.resolve(row, lookups, plan)
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
    report.errors = sorted(checker.errors, key=lambda e: (e.row, COLUMNS.index(e.column)
                                                          if e.column in COLUMNS else len(COLUMNS)))
    report.created, report.updated, report.unchanged = plan.created, plan.updated, plan.unchanged
    if report.errors:
        report.created = report.updated = report.unchanged = 0
        return report
    if not dry_run:
        try:
            _write(plan, user)
        except (IntegrityError, DatabaseError):
            report.errors.append(file_error(_(
                "The data changed while importing (for example someone added the same person); nothing was "
                "written. Please import the file again.")))
            return report
    if progress:
        progress(total, total)
    report.ok = True
    return report


def _write(plan: Plan, user) -> None:
    history = {"default_user": user if getattr(user, "pk", None) else None, "default_change_reason": CHANGE_REASON}
    now = timezone.now()
    with transaction.atomic():
        BuildingUnit.objects.bulk_create(plan.new_units.values(), batch_size=500)
        for home in plan.new_households.values():
            home.unit_id = home.unit.pk
        Household.objects.bulk_create(plan.new_households.values(), batch_size=500)
        for person in plan.new_people:
            if person.household is not None:
                person.household_id = person.household.pk
            person.created_at = person.updated_at = now
        bulk_create_with_history(plan.new_people, Person, batch_size=500, **history)
        changed = list(plan.changed_people.values())
        for person in changed:
            if person.household is not None:
                person.household_id = person.household.pk
            person.updated_at = now
        if changed:
            fields = plan.changed_fields | {"id_suffix", "mobile_suffix", "updated_at"}
            bulk_update_with_history(changed, Person, sorted(fields), batch_size=500, **history)
        for worker in plan.new_workers:
            worker.person_id = worker.person.pk
        bulk_create_with_history(plan.new_workers, WorkerProfile, batch_size=500, **history)
        if plan.changed_workers:
            bulk_update_with_history(plan.changed_workers, WorkerProfile,
                                     ["occupation", "platform", "employer", "injury_protection"],
                                     batch_size=500, **history)
        for record in plan.new_party:
            record.person_id = record.person.pk
        bulk_create_with_history(plan.new_party, PartyRecord, batch_size=500, **history)
        if plan.changed_party:
            bulk_update_with_history(plan.changed_party, PartyRecord, ["stage"], batch_size=500, **history)
