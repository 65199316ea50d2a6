"""Care recipients: register, edit, health notes (every view logged), contacts, carers, the contact ledger,
the export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.actions import act, fail, form_errors, handle
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_links, parse_time_key
from linli.core.scope import scope_for
from linli.people.models import Person

from ..forms import (
    ContactForm,
    HealthNoteForm,
    PairForm,
    RecipientEditForm,
    RegisterForm,
    RevealForm,
)
from ..models import CareCategory, CarePair, CareRecipient, EmergencyContact, Risk, VisitDue
from ..services import access, plans, recipients
from ..services.access import CareError
from .common import client_ip, grids_in_scope, pick_person, recipient_page, require_manager

# --- recipients ----------------------------------------------------------------------------------------------

def _detail_url(recipient: CareRecipient) -> str:
    return reverse("care:recipient_detail", args=[recipient.pk])


@login_required
@require_GET
def recipient_list(request: AuthenticatedRequest) -> HttpResponse:
    qs = access.visible_recipients(request.user).select_related("person__household__unit__building", "area")
    risk, category, grid, q = (request.GET.get(k, "") for k in ("risk", "category", "grid", "q"))
    if risk in Risk.values:
        qs = qs.filter(risk=risk)
    if category in CareCategory.values:
        qs = qs.filter(categories__contains=category) if _json_contains() else qs.filter(
            categories__icontains=f'"{category}"')
    if grid.isdigit() and len(grid) == 15:
        qs = qs.filter(area__code=grid)
    if q := q.strip()[:50]:
        qs = qs.filter(person__name__startswith=q)
    qs = qs.filter(active=True)
    context = page_links(qs, request, {"risk": risk, "category": category, "grid": grid, "q": q})
    now = timezone.now()
    overdue = set(VisitDue.objects.filter(plans.overdue_q(now), recipient__in=[r.pk for r in context["items"]])
                  .values_list("recipient_id", flat=True))
    context.update({"risks": Risk.choices, "categories": CareCategory.choices, "grids": grids_in_scope(request.user),
                    "risk": risk, "category": category, "grid": grid, "q": q, "overdue": overdue,
                    "can_manage": access.is_manager(scope_for(request.user))})
    return render(request, "care/recipient_list.html", context)


def _json_contains() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


@login_required
@require_http_methods(["GET", "POST"])
def recipient_new(request: AuthenticatedRequest) -> HttpResponse:
    require_manager(request)
    form = RegisterForm(request.POST or None, initial={"risk": Risk.PRIORITY})
    if request.method == "POST" and form.is_valid():
        person = pick_person(request.user, form.cleaned_data)
        if person is None:
            form.add_error(None, _("No person with this number or mobile number in your area."))
        else:
            data = {k: form.cleaned_data[k] for k in ("categories", "risk", "risk_reason", "family_doctor",
                                                       "doctor_institution", "doctor_phone")}
            try:
                recipient = recipients.register(request.user, person, **data)
            except CareError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("%(name)s is on the care list.") % {"name": person.name})
                return redirect("care:recipient_detail", pk=recipient.pk)
    return render(request, "care/recipient_form.html", {"form": form, "title": _("Add a care recipient")})


def _detail_context(request: HttpRequest, recipient: CareRecipient, **extra) -> dict:
    user = request.user
    scope = scope_for(user)
    now = timezone.now()
    pairs = list(recipient.pairs.active().select_related("carer", "team"))
    dues = list(recipient.dues.filter(superseded_at__isnull=True).filter(
        Q(met_at__isnull=True) | Q(due_at__gt=now)).select_related("alert").order_by("due_at")[:10])
    can_manage = access.manages(scope, recipient.area.code)
    teams = []
    if can_manage:
        from linli.volunteering.models import Team

        teams = list(Team.objects.filter(active=True, area__code__startswith=recipient.area.code[:9]).order_by("name"))
    return {
        "recipient": recipient, "person": recipient.person, "household": recipient.person.household,
        "contacts": list(recipient.contacts.all()), "pairs": pairs, "dues": dues, "now": now,
        "visits": list(recipient.visits.select_related("carer").order_by("-started_at")[:5]),
        "can_manage": can_manage, "can_visit": access.may_record_visit(user, recipient),
        "can_read_health": access.may_read_health(user, recipient),
        "reveal_form": RevealForm(), "note_form": HealthNoteForm(), "contact_form": ContactForm(),
        "pair_form": PairForm(teams=teams), **extra,
    }


@login_required
@require_GET
def recipient_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recipient = recipient_page(request, pk)
    response = render(request, "care/recipient_detail.html", _detail_context(request, recipient))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def recipient_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recipient = recipient_page(request, pk)
    if not access.manages(scope_for(request.user), recipient.area.code):
        raise Http404
    initial = {f: getattr(recipient, f) for f in ("categories", "risk", "risk_reason", "family_doctor",
                                                  "doctor_institution", "doctor_phone", "active")}
    form = RecipientEditForm(request.POST or None, initial=initial)
    if done := handle(request, form, lambda data: recipients.update(request.user, recipient, **data),
                      then=lambda _r: _detail_url(recipient), done=_("Saved.")):
        return done
    return render(request, "care/recipient_form.html", {"form": form, "recipient": recipient,
                                                        "title": _("Edit the care record")})


@login_required
@require_POST
def health_reveal(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Show the health notes after a reason, writing the access log (like unmasking a number)."""
    recipient = recipient_page(request, pk)
    if not access.may_read_health(request.user, recipient):
        raise Http404
    form = RevealForm(request.POST)
    notes = None
    if form.is_valid():
        try:
            notes = access.reveal_health(request.user, recipient, form.cleaned_data["reason"], client_ip(request))
        except PermissionDenied:
            raise Http404 from None
        except CareError as exc:
            form.add_error("reason", exc)
    context = _detail_context(request, recipient, health_notes=notes, reveal_form=form,
                              contact_phones=notes is not None)
    response = render(request, "care/recipient_detail.html", context, status=200 if notes is not None else 400)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def health_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recipient = recipient_page(request, pk)
    if not access.may_read_health(request.user, recipient):
        raise Http404
    return act(request, HealthNoteForm(request.POST),
               lambda data: access.add_health_note(request.user, recipient, data["text"]),
               back=_detail_url(recipient), done=_("The health note was added."))


@login_required
@require_POST
def contact_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recipient = recipient_page(request, pk)
    if not access.manages(scope_for(request.user), recipient.area.code):
        raise Http404
    return act(request, ContactForm(request.POST),
               lambda data: recipients.add_contact(request.user, recipient, **data),
               back=_detail_url(recipient), done=_("The emergency contact was added."))


@login_required
@require_POST
def contact_remove(request: AuthenticatedRequest, pk: int, contact: int) -> HttpResponse:
    recipient = recipient_page(request, pk)
    item = EmergencyContact.objects.filter(pk=contact, recipient=recipient).first()
    if item is None or not access.manages(scope_for(request.user), recipient.area.code):
        raise Http404
    recipients.remove_contact(request.user, item)
    messages.success(request, _("The emergency contact was removed."))
    return redirect("care:recipient_detail", pk=recipient.pk)


@login_required
@require_POST
def pair_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    from linli.volunteering.models import Team

    recipient = recipient_page(request, pk)
    if not access.manages(scope_for(request.user), recipient.area.code):
        raise Http404
    teams = Team.objects.filter(active=True, area__code__startswith=recipient.area.code[:9])
    form = PairForm(request.POST, teams=teams)
    if form.is_valid():
        data = form.cleaned_data
        carer = None
        if data.get("carer") or data.get("carer_mobile"):
            # A carer may live anywhere in the street: looked up among the street's people.
            people = Person.objects.filter(area__code__startswith=recipient.area.code[:9])
            carer = (people.filter(pk=data["carer"]).first() if data.get("carer")
                     else people.filter(mobile=data["carer_mobile"]).order_by("pk").first())
            if carer is None:
                messages.error(request, _("No such person in this street."))
                return redirect("care:recipient_detail", pk=recipient.pk)
        team = teams.filter(pk=data["team"]).first() if data.get("team") else None
        try:
            recipients.pair(request.user, recipient, carer=carer, team=team)
        except CareError as exc:
            fail(request, exc)
        else:
            messages.success(request, _("The carer was paired."))
    else:
        form_errors(request, form)
    return redirect("care:recipient_detail", pk=recipient.pk)


@login_required
@require_POST
def pair_end(request: AuthenticatedRequest, pk: int, pair: int) -> HttpResponse:
    recipient = recipient_page(request, pk)
    item = CarePair.objects.filter(pk=pair, recipient=recipient).first()
    if item is None or not access.manages(scope_for(request.user), recipient.area.code):
        raise Http404
    return act(request, None, lambda _data: recipients.end_pair(request.user, item),
               back=_detail_url(recipient), done=_("The pair was ended."))


@login_required
@require_GET
def recipient_ledger(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    recipient = recipient_page(request, pk)
    before = parse_time_key(request.GET.get("before", ""))
    lines, next_before = recipients.ledger(request.user, recipient, before)
    return render(request, "care/ledger.html", {"recipient": recipient, "lines": lines,
                                                "next_before": next_before.isoformat() if next_before else None,
                                                "first": before is not None})


@login_required
@require_GET
def recipient_export(request: AuthenticatedRequest) -> HttpResponse:
    """The care list as Excel, within the scope: no health notes, numbers masked."""
    require_manager(request)
    from io import BytesIO

    from openpyxl import Workbook

    from linli.core.xlsx import safe_row

    qs = (access.visible_recipients(request.user).filter(active=True)
          .select_related("person__household__unit__building", "area").prefetch_related(
              Prefetch("pairs", queryset=CarePair.objects.active().select_related("carer", "team")))
          .order_by("area__code", "pk"))[:5000]
    book = Workbook()
    sheet = book.active
    sheet.title = _("Care recipients")
    sheet.append([_("Name"), _("Area"), _("Address"), _("Mobile number"), _("Care categories"), _("Risk level"),
                  _("Reason for the risk level"), _("Family doctor"), _("Carers")])
    for r in qs:
        p = r.person
        sheet.append(safe_row(sheet, [
            p.name, r.area.name, str(p.household) if p.household_id else "", p.masked_mobile,
            "、".join(r.category_labels()), r.get_risk_display(), r.risk_reason, r.family_doctor,
            "、".join((x.carer.name if x.carer_id else x.team.name) for x in r.pairs.all())]))
    out = BytesIO()
    book.save(out)
    response = HttpResponse(out.getvalue(),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="care-recipients.xlsx"'
    return response
