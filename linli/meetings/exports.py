"""The Excel of a series' items: one row per item, with its outcome and its case's live state."""

from __future__ import annotations

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from linli.core.xlsx import safe_row

from .models import AgendaItem

EXPORT_MAX = 20_000


def series_items_xlsx(series, items) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("Items")[:31])
    ws.append([_("Meeting date"), _("Meeting"), _("No."), _("Topic"), _("Item source"), _("Outcome"),
               _("What was done or decided"), _("Deadline"), _("Case number"), _("Case status"),
               _("Handling unit")])
    for item in items:
        case = item.case
        handler = ""
        if case is not None:
            handler = (case.handler_department.name if case.handler_department_id
                       else case.handler_area.name if case.handler_area_id else "")
        ws.append(safe_row(ws, [
            timezone.localtime(item.meeting.starts_at).strftime("%Y-%m-%d"), item.meeting.title,
            item.position, item.title, item.get_source_display(),
            item.get_outcome_display() if item.outcome else _("No outcome yet"), item.outcome_note or "",
            item.deadline.isoformat() if item.deadline else "", case.number if case else "",
            case.get_status_display() if case else "", handler]))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_queryset(series):
    return (AgendaItem.objects.filter(meeting__series=series)
            .select_related("meeting", "case__handler_area", "case__handler_department")
            .order_by("meeting__starts_at", "position", "pk")[:EXPORT_MAX])


__all__ = ["EXPORT_MAX", "export_queryset", "series_items_xlsx"]
