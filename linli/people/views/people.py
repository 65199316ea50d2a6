"""People pages: the list with search and filters, the person page (both ledgers, roles, history),
and the small forms on it.  Every page goes through the scope filter: outside it answers 404."""

from __future__ import annotations

import ipaddress
from typing import cast
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Field, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.auth import client_ip
from linli.core.http import AuthenticatedRequest
from linli.core.scope import can, get_scoped_or_404, scope_for, scoped
from linli.places.models import AreaLevel

from .. import services
from ..filters import RESERVE_VIEW, PeopleFilterForm
from ..forms import ContributionForm, EndRoleForm, PartyStageForm, PersonForm, RoleForm, UnmaskForm
from ..models import Person, RoleAssignment

PAGE_SIZE = 50
CONTRIBUTIONS_SHOWN = 100


def _url_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def _client_ip(request: HttpRequest) -> str | None:
    try:
        return str(ipaddress.ip_address(client_ip(request)))
    except ValueError:
        return None


@login_required
@require_GET
def person_list(request: AuthenticatedRequest) -> HttpResponse:
    scope = scope_for(request.user)
    levels = (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY) if scope.everything else None
    form = PeopleFilterForm(request.GET, areas=services.areas_in_scope(scope, levels=levels))
    context = {"form": form, "people": [], "total": 0, "next_url": None, "page_size": PAGE_SIZE,
               "reserve_view": RESERVE_VIEW, "can_import": can(scope, "import_people")}
    if form.is_valid():
        params = form.active_params()
        matching = form.apply(scoped(Person.objects.all(), request.user))
        page = matching.order_by("pk")
        if (after := form.cleaned_data.get("after")) is not None:
            page = page.filter(pk__gt=after)
        current_roles = Prefetch("roles", queryset=RoleAssignment.objects.current().order_by("role", "pk"),
                                 to_attr="current_roles")
        rows = list(page.select_related("area").prefetch_related(current_roles)[: PAGE_SIZE + 1])
        people = rows[:PAGE_SIZE]
        export_url = _url_or_none("people:export") if can(scope, "export_people") else None
        context.update(
            people=people,
            total=matching.count(),
            after=after,
            params=params,
            first_url="?" + urlencode(params) if after is not None else None,
            next_url="?" + urlencode({**params, "after": people[-1].pk}) if len(rows) > PAGE_SIZE else None,
            export_url=export_url + ("?" + urlencode(params) if params else "") if export_url else None,
        )
    return render(request, "people/list.html", context)


def _detail_context(request: HttpRequest, person: Person) -> dict:
    """Everything the person page shows, in a fixed number of queries."""
    scope = scope_for(request.user)
    roles = list(person.roles.select_related("area", "building__grid", "department", "partner")
                 .order_by("-starts_on", "-pk"))
    current_pks = set(RoleAssignment.objects.current().filter(person=person).values_list("pk", flat=True))
    worker = getattr(person, "worker", None)
    contributions = list(person.contributions.select_related("area", "verified_by__person")
                         [: CONTRIBUTIONS_SHOWN + 1])
    may_edit = services.can_edit(scope)
    may_contribute = services.can_add_contribution(scope)
    household = person.household
    party = getattr(person, "party", None)
    next_stage = services.next_party_stage(party) if may_edit else None
    return {
        "person": person,
        # Link the address only where the household page will open (it answers 404 outside the scope).
        "household_link": household is not None and (scope.covers_code(household.grid.code)
                                                      or person.pk == scope.person_id),
        "current_roles": [r for r in roles if r.pk in current_pks],
        "past_roles": [r for r in roles if r.pk not in current_pks],
        "worker": worker,
        "work_grids": list(worker.work_grids.order_by("code")) if worker else [],
        "trainings": list(person.trainings.all()),
        "party": party,
        "party_form": PartyStageForm(next_stage=next_stage) if next_stage else None,
        "contributions": contributions[:CONTRIBUTIONS_SHOWN],
        "more_contributions": len(contributions) > CONTRIBUTIONS_SHOWN,
        "history": services.person_history(person),
        "today": timezone.localdate(),
        "can_unmask": can(scope, "unmask"),
        "can_edit": may_edit,
        "can_contribute": may_contribute,
        "contribution_form": ContributionForm(user=request.user) if may_contribute else None,
        "role_form": RoleForm(user=request.user, scope=scope, person=person) if may_edit else None,
        "end_role_form": EndRoleForm() if may_edit else None,
    }


def _person_or_404(request: HttpRequest, pk: int) -> Person:
    qs = Person.objects.select_related("area__parent__parent", "household__unit__building", "household__grid", "worker",
                                       "party__org")
    return get_scoped_or_404(qs, request.user, pk=pk)


@login_required
@require_GET
def person_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _person_or_404(request, pk)
    return render(request, "people/detail.html", _detail_context(request, person))


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not services.can_edit(scope_for(request.user)):
        raise Http404
    person = _person_or_404(request, pk)
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_person(request.user, person, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The basic information was saved."))
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/edit.html", {"person": person, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def person_unmask(request: AuthenticatedRequest, pk: int, field: str) -> HttpResponse:
    """The reason form (GET) and the full number (POST with a reason); the view is logged."""
    if field not in services.UNMASK_FIELDS or not can(scope_for(request.user), "unmask"):
        raise Http404
    person = get_scoped_or_404(Person, request.user, pk=pk)
    form = UnmaskForm(request.POST or None, auto_id=f"id_{field}_%s")
    value = None
    if request.method == "POST" and form.is_valid():
        try:
            value = services.unmask(request.user, person, field, form.cleaned_data["reason"], _client_ip(request))
        except PermissionDenied:
            raise Http404 from None
        except ValidationError as exc:
            form.add_error("reason", exc)
    label = cast(Field, Person._meta.get_field(field)).verbose_name
    context = {"person": person, "field": field, "label": label, "form": form, "value": value,
               "masked": person.masked_id_number if field == "id_number" else person.masked_mobile}
    template = "people/_unmask.html" if request.htmx else "people/unmask.html"
    response = render(request, template, context)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def contribution_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    if not services.can_add_contribution(scope_for(request.user)):
        raise Http404
    person = _person_or_404(request, pk)
    form = ContributionForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_contribution(request.user, person, data["date"], data["what"], data.get("place", ""),
                                      data.get("area"))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The entry was added to the contribution ledger."))
            return redirect(reverse("people:detail", args=[person.pk]) + "#contributions")
    return render(request, "people/contribution_form.html", {"person": person, "contribution_form": form})


@login_required
@require_http_methods(["GET", "POST"])
def role_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    scope = scope_for(request.user)
    if not services.can_edit(scope):
        raise Http404
    person = _person_or_404(request, pk)
    form = RoleForm(request.POST or None, user=request.user, scope=scope, person=person)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.assign_role(request.user, person, data["role"], starts_on=data["starts_on"],
                                 ends_on=data.get("ends_on"), area=data.get("area"), building=data.get("building"),
                                 department=data.get("department"), partner=data.get("partner"),
                                 note=data.get("note", ""))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The role was added."))
            return redirect(reverse("people:detail", args=[person.pk]) + "#roles")
    return render(request, "people/role_form.html", {"person": person, "role_form": form})


@login_required
@require_POST
def role_end(request: AuthenticatedRequest, pk: int, role_pk: int) -> HttpResponse:
    if not services.can_edit(scope_for(request.user)):
        raise Http404
    person = _person_or_404(request, pk)
    assignment = get_object_or_404(RoleAssignment.objects.select_related("person"), pk=role_pk, person=person)
    form = EndRoleForm(request.POST)
    if form.is_valid():
        try:
            services.end_role(assignment, form.cleaned_data["ends_on"], user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The term was ended."))
    else:
        messages.error(request, _("Please give the date the term ends."))
    return redirect(reverse("people:detail", args=[person.pk]) + "#roles")


@login_required
@require_POST
def party_advance(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The next step of the person's party pipeline (staff); errors are shown on the person page."""
    if not services.can_edit(scope_for(request.user)):
        raise Http404
    person = _person_or_404(request, pk)
    form = PartyStageForm(request.POST)
    if form.is_valid():
        try:
            services.advance_party_stage(request.user, person, form.cleaned_data["stage"], form.cleaned_data["on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The party pipeline was updated."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("people:detail", args=[person.pk]) + "#party")
