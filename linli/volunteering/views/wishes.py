"""Micro-wishes: the list, the public wall, posting one, its page, its steps and its photo."""


from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.cases.photos import jpeg_response
from linli.core.actions import fail
from linli.core.http import AuthenticatedRequest
from linli.core.paging import page_links, parse_key
from linli.core.scope import scope_for
from linli.places.models import PartnerUnit

from .. import access, wishes
from ..activities import ActivityError
from ..forms import (
    FulfilForm,
    RejectForm,
    WishForm,
)
from ..models import (
    Wish,
)
from .common import _resolve_person, _visible_or_404

# --- micro-wishes ------------------------------------------------------------------------------------------------

@login_required
@require_GET
def wish_list(request: AuthenticatedRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    qs = wishes.visible_wishes(request.user).select_related("area")
    if status in Wish.Status.values:
        qs = qs.filter(status=status)
    context = page_links(qs, request, {"status": status})
    context.update(status=status, statuses=Wish.Status.choices)
    return render(request, "volunteering/wish_list.html", context)


@require_GET
def wish_public(request: HttpRequest) -> HttpResponse:
    """The public wish wall: the wish, its area and state; never a name or detail."""
    qs = wishes.public_wishes().select_related("area").only("pk", "title", "status", "created_at", "area__name")
    return render(request, "volunteering/wish_public.html", page_links(qs, request))


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def wish_new(request: AuthenticatedRequest) -> HttpResponse:
    staff = scope_for(request.user).is_staff
    form = WishForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        wisher = None
        if staff and (data.get("mobile") or data.get("person")):
            wisher = _resolve_person(request.user, data)
            if wisher is None:
                form.add_error("mobile", _("No person with this mobile number in your area."))
        if not form.errors:
            try:
                wish = wishes.post_wish(request.user, title=data["title"], description=data["description"],
                                        wisher=wisher, by_phone=staff and data["by_phone"])
                messages.success(request, _("The wish is posted; staff will review it."))
                return redirect("volunteering:wish_detail", pk=wish.pk)
            except ActivityError as exc:
                form.add_error(None, exc)
    return render(request, "volunteering/wish_form.html", {"form": form, "staff": staff})


def _wish_or_404(request: HttpRequest, pk: int) -> Wish:
    return _visible_or_404(wishes.visible_wishes(request.user).select_related(
        "area", "wisher", "claimed_by", "claimed_partner"), pk)


@login_required
@require_GET
def wish_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    wish = _wish_or_404(request, pk)
    user = request.user
    staff = access.covers(user, wish.area)
    partners = list(PartnerUnit.objects.filter(pk__in=scope_for(user).partner_ids)) if scope_for(
        user).partner_ids else []
    return render(request, "volunteering/wish_detail.html", {
        "wish": wish, "staff": staff, "partners": partners,
        "see_person": staff or wish.wisher_id == user.person_id,
        "may_claim": wish.status == Wish.Status.APPROVED and wish.wisher_id != user.person_id,
        "may_fulfil": wish.status == Wish.Status.CLAIMED and wishes.is_claimer(user, wish),
        "may_confirm": wish.status == Wish.Status.FULFILLED and wishes.may_confirm(user, wish),
        "fulfil_form": FulfilForm(), "reject_form": RejectForm()})


@login_required
@require_POST
def wish_action(request: AuthenticatedRequest, pk: int, action: str) -> HttpResponse:
    wish = _wish_or_404(request, pk)
    user = request.user
    try:
        if action == "approve":
            wishes.approve(wish, user)
            messages.success(request, _("The wish is open to claim."))
        elif action == "reject":
            reject_form = RejectForm(request.POST)
            if not reject_form.is_valid():
                raise ActivityError(_("Say why the wish is not approved."))
            wishes.reject(wish, user, reject_form.cleaned_data["reason"])
            messages.success(request, _("The wish is not approved."))
        elif action == "claim":
            partner = None
            if pid := parse_key(request.POST.get("partner")):
                partner = PartnerUnit.objects.filter(pk=pid).first()
                if partner is None:
                    raise Http404
            wishes.claim(wish, user, partner)
            messages.success(request, _("You have claimed the wish. Thank you!"))
        elif action == "fulfil":
            form = FulfilForm(request.POST, request.FILES)
            if not form.is_valid():
                raise ActivityError(_("Add a photo of the fulfilled wish."))
            wishes.fulfil(wish, user, form.cleaned_data["photo"], form.cleaned_data["note"])
            messages.success(request, _("Reported fulfilled; waiting for confirmation."))
        elif action == "confirm":
            wishes.confirm(wish, user)
            messages.success(request, _("Confirmed. Thank you to everyone who helped."))
        else:
            raise Http404
    except ActivityError as exc:
        fail(request, exc)
    return redirect("volunteering:wish_detail", pk=wish.pk)


@login_required
@require_GET
def wish_photo(request: AuthenticatedRequest, pk: int) -> FileResponse:
    wish = _wish_or_404(request, pk)
    if not wish.photo:
        raise Http404
    return jpeg_response(wish.photo, max_age=86400, missing=(FileNotFoundError,))
