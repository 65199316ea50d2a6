"""The WeChat-group paste: split, propose, and a person confirms each message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.core.codes import code_range
from linli.core.http import AuthenticatedRequest
from linli.core.scope import scoped

from .. import services
from ..models import Meeting, MeetingStatus, Series

# --- WeChat-group paste -----------------------------------------------------------------------------------------

def _paste_context(request: HttpRequest):
    from linli.cases.permissions import can_take_intake, intake_areas

    if not can_take_intake(request.user):
        raise Http404
    areas = intake_areas(request.user).order_by("code")
    runnable = [s.pk for s in scoped(Series.objects.select_related("area"), request.user).filter(active=True)
                if services.may_run(request.user, s)]
    meetings = (Meeting.objects.filter(series_id__in=runnable, status=MeetingStatus.SCHEDULED,
                                       ends_at__gte=timezone.now()).select_related("series")
                .order_by("starts_at", "pk"))
    return areas, meetings


def _row_initials(messages_, area, allowed: set[int]) -> list[dict]:
    """What each row proposes (two queries for any number of messages: the buildings and the categories)."""
    from linli.cases.models import Category
    from linli.places.models import Building

    low, high = code_range(area.code)
    grids_of: dict[str, set[int]] = {}
    for name, grid_id in Building.objects.filter(grid__code__gte=low, grid__code__lt=high).values_list(
            "name", "grid_id"):
        grids_of.setdefault(name, set()).add(grid_id)
    category_pk = dict(Category.objects.filter(active=True, parent__isnull=False).values_list("code", "pk"))
    rows = []
    for message in messages_:
        grids = grids_of.get(f"{message.building}栋", set()) if message.building is not None else set()
        grid = next(iter(grids)) if len(grids) == 1 else None  # only an unambiguous building under the area
        best = message.suggestions[0] if message.suggestions else None
        rows.append({"action": message.kind, "text": message.text, "nickname": message.nickname,
                     "sent_at": f"{timezone.localtime(message.at):%Y-%m-%d %H:%M}" if message.at else "",
                     "category": category_pk.get(best.code) if best else None,
                     "area": grid if grid in allowed else area.pk, "address": message.place})
    return rows


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def wechat_paste(request: AuthenticatedRequest) -> HttpResponse:
    """Paste a WeChat excerpt; Linli splits it and proposes; a person confirms each message."""
    from ..forms import PasteForm, PasteRowFormSet, _category_choices
    from ..wechat import PasteError, create_from_paste, split

    areas, meetings = _paste_context(request)
    step = request.POST.get("step", "")
    form = PasteForm(request.POST if step == "split" else None, areas=areas)
    choices = _category_choices()
    area_list = list(areas)
    meeting_list = list(meetings)
    row_kwargs = {"areas": areas, "meetings": meetings, "choices": choices,
                  "area_choices": [(a.pk, a.name) for a in area_list],
                  "meeting_choices": [("", "—")] + [(m.pk, m.title) for m in meeting_list]}
    if step == "split" and form.is_valid():
        try:
            messages_ = split(form.cleaned_data["paste"])
        except PasteError as exc:
            form.add_error("paste", exc)
        else:
            area = form.cleaned_data["area"]
            allowed = {a.pk for a in area_list}
            formset = PasteRowFormSet(initial=_row_initials(messages_, area, allowed), form_kwargs=row_kwargs)
            for row, message in zip(formset.forms, messages_, strict=True):
                row.message = message
                if not meeting_list and row.initial["action"] == "topic":
                    row.initial["action"] = "case"
            return render(request, "meetings/wechat_confirm.html", {
                "formset": formset, "group": form.cleaned_data["group"], "meetings": meeting_list})
    if step == "confirm":
        group = (request.POST.get("group") or "").strip()[:50]
        formset = PasteRowFormSet(request.POST, form_kwargs=row_kwargs)
        if not group or "<" in group or ">" in group:
            messages.error(request, _("Give the WeChat group's name, without < or >."))
        elif formset.is_valid():
            try:
                cases, items = create_from_paste(request.user, group, formset.cleaned_data)
            except PasteError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("%(cases)d cases filed and %(items)d topics put on agendas.") % {
                    "cases": len(cases), "items": len(items)})
                return render(request, "meetings/wechat_done.html", {"cases": cases, "items": items})
        return render(request, "meetings/wechat_confirm.html", {"formset": formset, "group": group,
                                                                "meetings": meeting_list})
    return render(request, "meetings/wechat_paste.html", {"form": form})
