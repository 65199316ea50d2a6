"""The page of a department and of a partner unit: what the org tree lists, and the edit form for the
staff who own it (``units``).  A unit the user does not see in the org tree answers 404."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.forms import ModelForm
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from linli.core.http import AuthenticatedRequest
from linli.core.scope import scope_for

from .. import units
from ..forms import DepartmentForm, PartnerForm
from ..models import Department, PartnerUnit


def _unit_page(request: AuthenticatedRequest, unit: Department | PartnerUnit, form_class: type[ModelForm],
               save, kind_title: str) -> HttpResponse:
    may_edit = units.can_edit_unit(scope_for(request.user), unit)
    if request.method == "POST" and not may_edit:
        raise Http404
    form = form_class(request.POST or None, instance=unit) if may_edit else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            save(request.user, unit, form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The changes were saved."))
            return redirect(request.path)
    if form is not None and form.errors:
        unit.refresh_from_db()  # the page heading shows the stored name, not the rejected one
    return render(request, "places/unit.html", {"unit": unit, "form": form, "kind_title": kind_title,
                                                "has_address": isinstance(unit, PartnerUnit)},
                  status=400 if form is not None and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def department_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        department = units.department_for(request.user, pk)
    except Department.DoesNotExist:
        raise Http404 from None
    return _unit_page(request, department, DepartmentForm, units.update_department, _("Department"))


@login_required
@require_http_methods(["GET", "POST"])
def partner_page(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    try:
        partner = units.partner_for(request.user, pk)
    except PartnerUnit.DoesNotExist:
        raise Http404 from None
    return _unit_page(request, partner, PartnerForm, units.update_partner, _("Partner unit"))
