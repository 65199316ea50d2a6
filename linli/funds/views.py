"""Pages of the self-management fund.  Thin: each checks access (404 outside it) and calls ``services``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from linli.core.paging import page_by_id

from . import services
from .access import fund_or_404, funds_for
from .forms import ClaimForm, DecisionForm, ExemptionForm, PaymentForm, RateForm, ReasonForm
from .models import Entry, Exemption, SpendingClaim
from .money import yuan
from .services import FundError

PER_PAGE = 30


def _pager(request: HttpRequest, next_key: int | None) -> dict:
    params = request.GET.copy()
    params.pop("after", None)
    base = f"?{params.urlencode()}&" if params else "?"
    return {"next_url": f"{base}after={next_key}" if next_key else None,
            "first_url": base.rstrip("&?") or "?" if request.GET.get("after") else None}


def _building(fund, access, building_id: int):
    if not access.may_collect_in(building_id):
        raise Http404
    building = services.buildings_of(fund).filter(pk=building_id).first()
    if building is None:
        raise Http404
    return building


@login_required
@require_GET
def fund_list(request: HttpRequest) -> HttpResponse:
    funds, next_key = page_by_id(funds_for(request.user), request.GET.get("after"), PER_PAGE, newest_first=False)
    return render(request, "funds/list.html", {"funds": funds, **_pager(request, next_key)})


@login_required
@require_GET
def fund_detail(request: HttpRequest, pk: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk)
    if not (access.ledger or access.collect):
        return redirect("funds:statement", pk)
    today = timezone.localdate()
    rates = services.rates_of(fund)
    return render(request, "funds/detail.html", {
        "fund": fund, "access": access,
        "balance": services.balance(fund),
        "rate": services.rate_on(rates, services.month_start(today)),
        "this_month": services.statement(fund, today),
        "buildings": services.arrears_by_building(fund, building_ids=None if access.collect_all or access.ledger
                                                  else access.building_ids),
        "until": services.last_completed_month(today),
        "pending_claims": SpendingClaim.objects.filter(fund=fund, status=SpendingClaim.Status.PENDING).count()
        if access.manage or access.approve else 0,
    })


@login_required
@require_GET
def statement(request: HttpRequest, pk: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk)
    today = timezone.localdate()
    error = ""
    month = services.month_start(today)
    if request.GET.get("month"):
        try:
            month = services.parse_month(request.GET["month"])
        except FundError as exc:
            error = exc.messages[0]
    if month < fund.starts_on:
        month = fund.starts_on
    if month > services.month_start(today):
        month = services.month_start(today)
    st = services.statement(fund, month)
    prev_month = services.add_months(month, -1)
    next_month = services.add_months(month, 1)
    return render(request, "funds/statement.html", {
        "fund": fund, "access": access, "st": st, "error": error,
        "prev_month": prev_month if prev_month >= fund.starts_on else None,
        "next_month": next_month if next_month <= services.month_start(today) else None,
    })


@login_required
@require_GET
def building_page(request: HttpRequest, pk: int, building_id: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk, "collect")
    building = _building(fund, access, building_id)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
        if not fund.starts_on.year <= year <= today.year + 1:
            raise ValueError
    except ValueError:
        year = today.year
    rows = services.building_collection(fund, building, year, today)
    return render(request, "funds/building.html", {
        "fund": fund, "access": access, "building": building, "rows": rows, "year": year,
        "years": list(range(fund.starts_on.year, today.year + 1)),
        "arrears_fen": sum(r.arrears_fen for r in rows),
        "exemption_form": ExemptionForm(households=[r.household for r in rows]) if access.manage else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest, pk: int, building_id: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk, "collect")
    building = _building(fund, access, building_id)
    homes = list(services.households_of(fund).filter(unit__building=building).select_related("unit__building")
                 .order_by("unit__number", "door"))
    today = timezone.localdate()
    initial = {"paid_on": today, "first_month": f"{today:%Y-%m}", "months": 1,
               "household": request.GET.get("household", "")}
    form = PaymentForm(request.POST or None, households=homes, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = next(h for h in homes if h.pk == data["household"])
        try:
            entry = services.record_payment(fund, household=household, first_month=data["first_month"],
                                            months=data["months"], method=data["method"],
                                            receipt_no=data["receipt_no"], paid_on=data["paid_on"],
                                            by=request.user, access=access)
        except FundError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("Payment of %(amount)s yuan recorded.") % {"amount": yuan(entry.amount_fen)})
            return redirect("funds:entry", pk, entry.pk)
    return render(request, "funds/pay.html", {"fund": fund, "building": building, "form": form,
                                              "rate": services.rate_on(services.rates_of(fund),
                                                                       services.month_start(today))},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def entry_detail(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    """An entry; for a fee payment it is the printable receipt."""
    fund, access = fund_or_404(request.user, pk)
    entry = (services.entries_of(fund).prefetch_related("months").filter(pk=entry_id).first())
    if entry is None:
        raise Http404
    building_id = entry.household.unit.building_id if entry.household_id else None
    if not (access.ledger or (building_id and access.may_collect_in(building_id))):
        raise Http404
    corrected = getattr(entry, "reversal", None) if hasattr(entry, "reversal") else None
    return render(request, "funds/entry.html", {
        "fund": fund, "access": access, "entry": entry, "corrected": corrected,
        "reason_form": ReasonForm() if access.manage and not corrected and not entry.reverses_id else None,
    })


@login_required
@require_POST
def reverse_entry(request: HttpRequest, pk: int, entry_id: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk, "manage")
    entry = Entry.objects.filter(fund=fund, pk=entry_id).first()
    if entry is None:
        raise Http404
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the correction."))
        return redirect("funds:entry", pk, entry_id)
    try:
        correction = services.reverse_entry(entry, reason=form.cleaned_data["reason"], by=request.user)
    except FundError as exc:
        messages.error(request, exc.messages[0])
        return redirect("funds:entry", pk, entry_id)
    messages.success(request, _("The entry was corrected."))
    return redirect("funds:entry", pk, correction.pk)


@login_required
@require_GET
def ledger(request: HttpRequest, pk: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk, "ledger")
    entries, next_key = page_by_id(services.entries_of(fund), request.GET.get("after"), PER_PAGE)
    return render(request, "funds/ledger.html", {"fund": fund, "access": access, "entries": entries,
                                                 "balance": services.balance(fund), **_pager(request, next_key)})


@login_required
@require_http_methods(["GET", "POST"])
def rates(request: HttpRequest, pk: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk, "manage")
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_rate(fund, amount_fen=form.cleaned_data["amount"], starts_on=form.cleaned_data["starts_on"],
                              note=form.cleaned_data["note"], by=request.user)
        except FundError as exc:
            form.add_error(None, exc.messages[0])
        else:
            messages.success(request, _("The new fee was recorded."))
            return redirect("funds:rates", pk)
    rows = list(fund.rates.select_related("recorded_by").order_by("-starts_on", "-id")[:60])
    return render(request, "funds/rates.html", {"fund": fund, "form": form, "rows": rows},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def exemptions(request: HttpRequest, pk: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk, "manage")
    qs = (Exemption.objects.filter(fund=fund).select_related("household__unit__building", "approved_by",
                                                              "cancellation"))
    rows, next_key = page_by_id(qs, request.GET.get("after"), PER_PAGE)
    return render(request, "funds/exemptions.html", {"fund": fund, "rows": rows, "reason_form": ReasonForm(),
                                                     **_pager(request, next_key)})


@login_required
@require_POST
def exempt(request: HttpRequest, pk: int, building_id: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk, "manage")
    building = _building(fund, access, building_id)
    homes = list(services.households_of(fund).filter(unit__building=building).select_related("unit__building"))
    form = ExemptionForm(request.POST, households=homes)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.grant_exemption(fund, household=next(h for h in homes if h.pk == data["household"]),
                                     first_month=data["first_month"], last_month=data["last_month"],
                                     reason=data["reason"], by=request.user)
        except FundError as exc:
            messages.error(request, exc.messages[0])
        else:
            messages.success(request, _("The exemption was recorded."))
    else:
        messages.error(request, "；".join(str(e) for errs in form.errors.values() for e in errs))
    return redirect("funds:building", pk, building_id)


@login_required
@require_POST
def cancel_exemption(request: HttpRequest, pk: int, exemption_id: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk, "manage")
    exemption = Exemption.objects.filter(fund=fund, pk=exemption_id).first()
    if exemption is None:
        raise Http404
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise FundError(_("Give the reason for withdrawing the exemption."))
        services.cancel_exemption(exemption, reason=form.cleaned_data["reason"], by=request.user)
    except FundError as exc:
        messages.error(request, exc.messages[0])
    else:
        messages.success(request, _("The exemption was withdrawn."))
    return redirect("funds:exemptions", pk)


@login_required
@require_http_methods(["GET", "POST"])
def claims(request: HttpRequest, pk: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk, "ledger")
    form = ClaimForm(request.POST or None, request.FILES or None) if access.manage else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            data = form.cleaned_data
            try:
                claim = services.propose_spending(fund, item=data["item"], amount_fen=data["amount"],
                                                  spent_on=data["spent_on"], payee=data["payee"],
                                                  description=data["description"], decision_ref=data["decision_ref"],
                                                  receipt=data["receipt"], by=request.user)
            except FundError as exc:
                form.add_error(None, exc.messages[0])
            else:
                messages.success(request, _("The claim was sent to the council chair."))
                return redirect("funds:claim", pk, claim.pk)
    qs = SpendingClaim.objects.filter(fund=fund).select_related("proposed_by", "decided_by")
    rows, next_key = page_by_id(qs, request.GET.get("after"), PER_PAGE)
    return render(request, "funds/claims.html", {"fund": fund, "access": access, "rows": rows, "form": form,
                                                 **_pager(request, next_key)},
                  status=400 if form is not None and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def claim_detail(request: HttpRequest, pk: int, claim_id: int) -> HttpResponse:
    fund, access = fund_or_404(request.user, pk, "ledger")
    claim = SpendingClaim.objects.filter(fund=fund, pk=claim_id).select_related("proposed_by", "decided_by",
                                                                                  "entry").first()
    if claim is None:
        raise Http404
    form = DecisionForm(request.POST or None) if access.approve else None
    if request.method == "POST":
        if form is None:
            raise Http404
        if form.is_valid():
            try:
                services.decide_claim(claim, approve=form.cleaned_data["decision"] == "approve",
                                      note=form.cleaned_data["note"], by=request.user, access=access)
            except FundError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, _("The decision was recorded."))
        else:
            messages.error(request, _("Choose approve or reject."))
        return redirect("funds:claim", pk, claim_id)
    return render(request, "funds/claim.html", {"fund": fund, "access": access, "claim": claim, "form": form})


@login_required
@require_GET
def claim_receipt(request: HttpRequest, pk: int, claim_id: int) -> FileResponse:
    fund, _access = fund_or_404(request.user, pk, "ledger")
    claim = SpendingClaim.objects.filter(fund=fund, pk=claim_id).first()
    if claim is None or not claim.receipt:
        raise Http404
    response = FileResponse(claim.receipt.open("rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


