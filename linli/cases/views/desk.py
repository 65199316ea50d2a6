"""The desk side of cases: handler inbox, case page with its actions, dispatcher board, public pages.

Views only parse and authorise: state changes go through ``services.transition`` and
``moderation``; lists come from ``queries``.  Every case is looked up through the scope filter, so a
case outside the user's scope answers 404 on its page, its actions and its photos.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from linli.core.http import AuthenticatedRequest
from linli.core.models import User, UserLike
from linli.core.scope import get_scoped_or_404, scoped
from linli.places.models import Area, AreaLevel, Department

from .. import moderation, presentation, queries
from ..models import Case, CaseEvent, CasePhoto, Category, HandlerLevel, Status
from ..permissions import actors_for, available_actions
from ..photos import photo_response, save_photo
from ..presentation import MODERATION_LABELS, STAFF_ACTORS
from ..services import next_level, transition
from ..workflow import TRANSITIONS, Transition

PAGE_ACTIONS = [a for a in TRANSITIONS if a != "rate"]  # rating is the reporter's, on "my reports"
REJECT_REASONS = [("invalid", gettext_lazy("Invalid report")), ("duplicate", gettext_lazy("Duplicate of another case"))]


def _case_qs() -> QuerySet[Case]:
    return Case.objects.select_related(
        "category__parent", "area__parent__parent", "street", "handler_area", "handler_department",
        "reporter__person", "duplicate_of")


def _get_case(request: AuthenticatedRequest, number: str) -> Case:
    return get_scoped_or_404(_case_qs(), request.user, number=number)


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return exc.messages[0] if exc.messages else _("This action is not possible.")
    return str(exc) or _("You may not do this.")


# --- handler inbox -------------------------------------------------------------------------------

@login_required
@require_safe
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    filters = queries.InboxFilters.from_query(request.GET)
    page = queries.inbox_page(request.user, filters, after=request.GET.get("after"))
    counts = queries.inbox_counts(request.user)
    params = request.GET.copy()
    params.pop("after", None)
    return render(request, "cases/inbox.html", {
        "page": page, "filters": filters, "counts": counts, "query": params.urlencode(),
        "categories": Category.objects.filter(parent__isnull=False, active=True).only("id", "name"),
        "statuses": [(s, Status(s).label) for s in (Status.DISPATCHED, Status.IN_PROGRESS, Status.RESOLVED)],
    })


# --- case page -----------------------------------------------------------------------------------

class ActionForm(forms.Form):
    action = forms.ChoiceField(label=gettext_lazy("Action"), choices=[(a, a) for a in PAGE_ACTIONS])
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), required=False, choices=REJECT_REASONS)
    duplicate_of = forms.CharField(label=gettext_lazy("Duplicate of case number"), required=False, max_length=24)
    level = forms.ChoiceField(label=gettext_lazy("Handled by"), required=False, choices=HandlerLevel.choices)
    department = forms.ModelChoiceField(label=gettext_lazy("Department"), required=False,
                                        queryset=Department.objects.all())
    photo = forms.FileField(label=gettext_lazy("Photo of the result"), required=False)


class ModerationForm(forms.Form):
    what = forms.ChoiceField(choices=[(k, k) for k in MODERATION_LABELS])
    photo = forms.UUIDField(required=False)
    reason = forms.CharField(required=False, max_length=moderation.REASON_MAX)


@dataclass
class ActionView:
    """One action the user may take, with what its form needs."""

    step: Transition
    levels: list[tuple[str, str]] | None = None    # dispatch: (level, label) choices
    departments: list[Department] | None = None    # dispatch/escalate to a department
    next_level_label: str = ""                     # escalate: where it goes
    duplicates: list[Case] | None = None           # reject: suspected originals


def _action_views(case: Case, user: User, steps: list[Transition]) -> list[ActionView]:
    views = []
    departments: list[Department] | None = None
    chain: dict[str, Area] = {level: unit for level in (HandlerLevel.GRID, HandlerLevel.COMMUNITY, HandlerLevel.STREET)
             if (unit := case.area.ancestor(level)) is not None}
    level_labels = dict(HandlerLevel.choices)

    def depts() -> list[Department]:
        nonlocal departments
        if departments is None:
            departments = list(Department.objects.filter(Q(kind="district") | Q(area_id=case.street_id))
                               .order_by("kind", "name"))
        return departments

    for step in steps:
        view = ActionView(step)
        if step.action == "dispatch":
            view.levels = [(lvl, f"{level_labels[lvl]}：{chain[lvl].name}") for lvl in
                           (HandlerLevel.GRID, HandlerLevel.COMMUNITY, HandlerLevel.STREET) if lvl in chain]
            view.levels.append((HandlerLevel.DEPARTMENT, str(level_labels[HandlerLevel.DEPARTMENT])))
            view.departments = depts()
        elif step.action == "escalate":
            nxt = next_level(case)
            if nxt == HandlerLevel.DEPARTMENT:
                view.next_level_label = str(level_labels[nxt])
                view.departments = depts()
            elif nxt in chain:
                view.next_level_label = f"{level_labels[nxt]}：{chain[nxt].name}"
        elif step.action == "reject":
            view.duplicates = queries.duplicates_for([case], user).get(case.pk, [])
        views.append(view)
    return views


def _event_detail(event: CaseEvent) -> str:
    data: dict[str, Any] = event.data or {}
    if event.action == "moderate":
        return str(MODERATION_LABELS.get(data.get("what", ""), ""))
    if event.action == "reject":
        return str(dict(REJECT_REASONS).get(data.get("reason", ""), ""))
    if event.action in ("dispatch", "escalate") and data.get("level"):
        return _("To: %(level)s") % {"level": HandlerLevel(data["level"]).label}
    if event.action == "rate" and data.get("rating"):
        from ..models import Rating

        return str(Rating(data["rating"]).label) if data["rating"] in Rating.values else ""
    return ""


def _timeline(case: Case, events: list[CaseEvent], photos: list[CasePhoto], show_people: bool,
              user: UserLike) -> list[dict[str, Any]]:
    by_event: dict[int | None, list[CasePhoto]] = {}
    for p in photos:
        by_event.setdefault(p.event_id, []).append(p)
    rows = []
    for event in events:
        event_photos = list(by_event.get(event.pk, []))
        if event.action == "report":
            event_photos += [p for p in by_event.get(None, []) if p.kind == CasePhoto.Kind.REPORT]
        rows.append({
            "event": event, "who": presentation.who(event, case, user, show_people), "photos": event_photos,
            "label": presentation.event_label(event.action),
            "detail": _event_detail(event),
        })
    return rows


def _detail_context(request: AuthenticatedRequest, case: Case, **extra: Any) -> dict[str, Any]:
    user = request.user
    actors = actors_for(user, case)
    steps = [t for t in available_actions(user, case) if t.action in PAGE_ACTIONS]
    show_people = bool(actors & STAFF_ACTORS)
    events = list(case.events.select_related("actor__person"))
    photos = list(case.photos.all())
    reporter = presentation.reporter_of(case, user, show_people)
    queries.attach_deadlines([case])
    accept = queries.describe_deadline(case.accept_due) if case.status == Status.REPORTED else None
    can_moderate = moderation.can_moderate(user, case)
    action = extra.get("error_action", "")
    shown_inline = action in {t.action for t in steps} or (action == "moderate" and can_moderate)
    return {
        "case": case, "actions": _action_views(case, user, steps), "timeline": _timeline(
            case, events, photos, show_people, user),
        "photos": photos, "reporter": reporter, "show_people": show_people,
        "can_moderate": can_moderate, "accept_deadline": accept, "reject_reasons": REJECT_REASONS,
        "error_on_top": bool(extra.get("error")) and not shown_inline, **extra,
    }


@login_required
@require_safe
def case_detail(request: AuthenticatedRequest, number: str) -> HttpResponse:
    case = _get_case(request, number)
    return render(request, "cases/detail.html", _detail_context(request, case))


def _refuse(request: AuthenticatedRequest, case: Case, message: str, status: int, action: str = "",
            form_data: Mapping[str, Any] | None = None) -> HttpResponse:
    return render(request, "cases/detail.html",
                  _detail_context(request, case, error=message, error_action=action, posted=form_data or {}),
                  status=status)


@login_required
@require_POST
def case_act(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """Take one action of the state machine on the case; a refusal changes nothing and says why."""
    case = _get_case(request, number)
    form = ActionForm(request.POST, request.FILES)
    if not form.is_valid():
        field, errors = next(iter(form.errors.items()))
        message = str(errors[0]) if field == "__all__" else _("%(field)s: %(error)s") % {
            "field": form.fields[field].label, "error": errors[0]}
        return _refuse(request, case, message, 400,
                       request.POST.get("action", ""), request.POST)
    data = form.cleaned_data
    action, note = data["action"], data["note"]
    params: dict[str, Any] = {}
    if action == "reject":
        params["reason"] = data["reason"] or "invalid"
        if params["reason"] == "duplicate":
            original = (scoped(Case.objects.all(), request.user).filter(number=data["duplicate_of"].strip()).first()
                        if data["duplicate_of"].strip() else None)
            if original is None:
                return _refuse(request, case, _("Name the case this one duplicates (a case number in your area)."),
                               400, action, request.POST)
            params["duplicate_of"] = original
    elif action == "dispatch":
        params["level"] = data["level"] or None
        params["unit"] = data["department"]
    elif action == "escalate":
        params["unit"] = data["department"]
    allowed = {t.action for t in available_actions(request.user, case)}
    saved: list[CasePhoto] = []
    try:
        with transaction.atomic():
            if action == "resolve" and action in allowed and data["photo"] and note.strip():
                saved.append(save_photo(case, data["photo"], kind=CasePhoto.Kind.RESULT, user=request.user))
            transition(case, action, request.user, note=note, photos=saved, **params)
    except (ValidationError, PermissionDenied) as exc:
        for photo in saved:  # the row was rolled back; drop the file too
            photo.image.delete(save=False)
        return _refuse(request, case, _first_error(exc), 403 if isinstance(exc, PermissionDenied) else 400,
                       action, request.POST)
    messages.success(request, _("Done: %(action)s.") % {"action": TRANSITIONS[action].label})
    if not scoped(Case.objects.filter(pk=case.pk), request.user).exists():  # e.g. a department returned it
        return redirect("cases:inbox")
    return redirect("cases:case_detail", number=case.number)


@login_required
@require_POST
def case_moderate(request: AuthenticatedRequest, number: str) -> HttpResponse:
    """Approve or hide a photo for the public page, hide or show the case; logged, status unchanged."""
    case = _get_case(request, number)
    form = ModerationForm(request.POST)
    if not form.is_valid():
        return _refuse(request, case, _("This moderation request is not valid."), 400, "moderate")
    what, reason = form.cleaned_data["what"], form.cleaned_data["reason"]
    try:
        if what in ("approve_photo", "hide_photo"):
            photo = case.photos.filter(uuid=form.cleaned_data["photo"]).first() if form.cleaned_data["photo"] else None
            if photo is None:
                raise ValidationError(_("Choose a photo of this case."))
            if what == "approve_photo":
                moderation.approve_photo(case, photo, request.user)
            else:
                moderation.hide_photo(case, photo, request.user, reason)
        elif what == "hide_case":
            moderation.hide_case(case, request.user, reason)
        else:
            moderation.show_case(case, request.user)
    except (ValidationError, PermissionDenied) as exc:
        return _refuse(request, case, _first_error(exc), 403 if isinstance(exc, PermissionDenied) else 400,
                       "moderate", request.POST)
    messages.success(request, MODERATION_LABELS[what])
    return redirect("cases:case_detail", number=case.number)


def _uuid(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise Http404 from None


@login_required
@require_safe
def case_photo(request: AuthenticatedRequest, number: str, photo: str, size: str = "full") -> FileResponse:
    """A case photo for users whose scope covers the case (media never has a public URL)."""
    case = get_scoped_or_404(Case.objects.only("id"), request.user, number=number)
    item = CasePhoto.objects.filter(case=case, uuid=_uuid(photo)).first()
    if item is None:
        raise Http404
    return photo_response(item, thumb=size == "thumb")


# --- dispatcher board ----------------------------------------------------------------------------

BULK_OPS = {
    "accept": ("accept",),
    "dispatch": ("dispatch",),
    "accept_dispatch": ("accept", "dispatch"),
}


BOARD_TAB_LABELS = {
    "new": gettext_lazy("New"),
    "unassigned": gettext_lazy("Accepted, not dispatched"),
    "overdue": gettext_lazy("Overdue"),
    "escalated": gettext_lazy("Escalated"),
    "supervised": gettext_lazy("Under supervision"),
}


@dataclass
class BulkResult:
    number: str
    ok: bool
    message: str


def bulk_apply(user: User, ids: list[int], op: str, level: str | None = None,
               department: Department | None = None) -> list[BulkResult]:
    """Accept and/or dispatch several cases, each in its own transaction; one result per case."""
    steps = BULK_OPS[op]
    found = {c.pk: c for c in scoped(Case.objects.select_related("area", "category"), user)
             .filter(pk__in=ids[:queries.BULK_MAX])}
    results = []
    for pk in ids[:queries.BULK_MAX]:
        case = found.get(pk)
        if case is None:
            results.append(BulkResult(f"#{pk}", False, _("No such case in your area.")))
            continue
        try:
            with transaction.atomic():
                for action in steps:
                    params: dict[str, Any] = ({"level": level or None, "unit": department} if action == "dispatch"
                                              else {})
                    transition(case, action, user, **params)
        except (ValidationError, PermissionDenied) as exc:
            results.append(BulkResult(case.number, False, _first_error(exc)))
        else:
            results.append(BulkResult(case.number, True, _("Done")))
    return results


class BulkForm(forms.Form):
    op = forms.ChoiceField(choices=[(k, k) for k in BULK_OPS])
    level = forms.ChoiceField(required=False, choices=[("", "—"), *HandlerLevel.choices])
    department = forms.ModelChoiceField(required=False, queryset=Department.objects.all())


@login_required
def board(request: AuthenticatedRequest) -> HttpResponse:
    if not queries.is_dispatcher(request.user):
        raise PermissionDenied(_("The dispatcher board is for community, street and district staff."))
    tab = request.GET.get("tab", "new")
    tab = tab if tab in queries.BOARD_TABS else "new"
    results, error = None, ""
    if request.method == "POST":
        form = BulkForm(request.POST)
        ids = [i for i in (queries.parse_int(v) for v in request.POST.getlist("case")) if i]
        if not form.is_valid():
            error = _("Choose what to do with the selected cases.")
        elif not ids:
            error = _("Select at least one case.")
        elif len(ids) > queries.BULK_MAX:
            error = _("Select at most %(n)d cases at a time.") % {"n": queries.BULK_MAX}
        else:
            results = bulk_apply(request.user, ids, form.cleaned_data["op"], form.cleaned_data["level"],
                                 form.cleaned_data["department"])
    page = queries.board_page(request.user, tab, after=queries.parse_int(request.GET.get("after")))
    duplicates = queries.duplicates_for(page.rows, request.user) if tab == "new" else {}
    for case in page.rows:
        case.suspected = duplicates.get(case.pk, [])
    return render(request, "cases/board.html", {
        "tab": tab, "page": page, "counts": queries.board_counts(request.user), "results": results,
        "error": error, "levels": HandlerLevel.choices,
        "departments": Department.objects.order_by("kind", "name") if tab in ("new", "unassigned") else [],
        "tabs": [(t, BOARD_TAB_LABELS[t]) for t in queries.BOARD_TABS],
    }, status=400 if error else 200)


# --- public transparency -------------------------------------------------------------------------

def _public_choices(filters: queries.PublicFilters) -> dict[str, Any]:
    areas = list(Area.objects.filter(level__in=[AreaLevel.STREET, AreaLevel.COMMUNITY])
                 .only("id", "code", "name", "level", "parent_id").order_by("code"))
    streets = [a for a in areas if a.level == AreaLevel.STREET]
    communities = [a for a in areas if a.level == AreaLevel.COMMUNITY
                   and (not filters.street or a.parent_id == filters.street)]
    return {
        "streets": streets, "communities": communities,
        "area_codes": {a.pk: a.code for a in areas if a.level == AreaLevel.COMMUNITY},
        "categories": Category.objects.filter(parent__isnull=False, active=True).only("id", "name"),
        "statuses": Status.choices,
    }


@require_safe
def public_list(request: HttpRequest) -> HttpResponse:
    """No login: category, status, grid and dates only; never the reporter or the description."""
    filters = queries.PublicFilters.from_query(request.GET)
    choices = _public_choices(filters)
    page = queries.public_page(filters, choices["area_codes"], after=queries.parse_int(request.GET.get("after")))
    params = request.GET.copy()
    params.pop("after", None)
    return render(request, "cases/public.html", {"page": page, "filters": filters, "query": params.urlencode(),
                                                 **choices})


@require_safe
def public_map(request: HttpRequest) -> HttpResponse:
    filters = queries.PublicFilters.from_query(request.GET)
    choices = _public_choices(filters)
    params = request.GET.copy()
    return render(request, "cases/public_map.html", {
        "filters": filters, "geojson_url": f"{reverse('cases:public_geojson')}?{params.urlencode()}", **choices})


@require_safe
def public_geojson(request: HttpRequest) -> JsonResponse:
    filters = queries.PublicFilters.from_query(request.GET)
    codes = dict(Area.objects.filter(level=AreaLevel.COMMUNITY, pk=filters.community).values_list("pk", "code")) \
        if filters.community else {}
    response = JsonResponse(queries.public_geojson(filters, codes), json_dumps_params={"ensure_ascii": False})
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def public_photo(request: HttpRequest, photo: str, size: str = "full") -> FileResponse:
    """A photo staff approved for the public (and did not hide), of a case that is not hidden."""
    item = CasePhoto.objects.filter(uuid=_uuid(photo), public_approved=True, hidden=False,
                                    case__public_hidden=False).first()
    if item is None:
        raise Http404
    return photo_response(item, thumb=size == "thumb", public=True)
