"""Points pages: my points, the reward catalogue and redeeming (phone), my redemption with its code and QR,
the sponsor shop's confirmation page, the points archive with its Excel export, leaders' manual awards and
corrections, and the staff figures.  The rules live in ``ledger``, ``rewards``, ``earning`` and ``archive``.
"""

from __future__ import annotations

import datetime as dt
import uuid

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from linli.core.http import AuthenticatedRequest
from linli.core.money import yuan
from linli.core.paging import parse_key
from linli.core.scope import scope_for, scoped
from linli.people.models import Person
from linli.places.models import Area, AreaLevel

from . import archive, earning, ledger, rewards
from .figures import points_figures
from .forms import REQUEST_KEY, AwardForm, FiguresForm, ReverseForm
from .models import Account, Redemption, Reward, Transfer

CATALOGUE_PAGE = 20
SHOP_PAGE = 20
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Movements a leader may correct by a reversing transfer (redemptions are settled by the shop or by expiry).
CORRECTABLE = {*ledger.EARNING_SOURCES, Transfer.Source.EXPIRY}


def _me(request: AuthenticatedRequest) -> Person | None:
    return request.user.person if request.user.person_id else None


def _offer() -> QuerySet[Reward]:
    today = timezone.localdate()
    return (Reward.objects.filter(active=True, valid_from__lte=today, valid_until__gte=today)
            .select_related("sponsor"))


def _with_yuan(items: list[Reward]) -> list[Reward]:
    for item in items:
        item.value_yuan = yuan(item.value_fen)  # type: ignore[attr-defined]  # shown by the template
    return items


# ---- my points -------------------------------------------------------------------------------------------

@login_required
@require_safe
def my_points(request: AuthenticatedRequest) -> HttpResponse:
    person = _me(request)
    account = Account.objects.filter(person=person).first() if person else None
    balance = account.balance if account else 0
    lines, _next = archive.archive_page(account, request.user, size=5)
    affordable = _with_yuan(list(_offer().filter(points__lte=balance, stock__gte=1)[:5])) if balance else []
    waiting = (list(Redemption.objects.filter(person=person, status=Redemption.Status.PENDING)
                    .select_related("reward__sponsor")[:10]) if person else [])
    return render(request, "points/points.html", {
        "person": person, "account": account, "balance": balance, "lines": lines, "affordable": affordable,
        "waiting": waiting, "in_scheme": bool(person and (account or earning.in_points_scheme(person))),
    })


# ---- rewards and redeeming -------------------------------------------------------------------------------

@login_required
@require_safe
def reward_list(request: AuthenticatedRequest) -> HttpResponse:
    """The catalogue, cheapest first, a page at a time by key (``?after=<points>.<id>``)."""
    qs = _offer().order_by("points", "id")
    after = request.GET.get("after", "")
    points, _dot, last_id = after.partition(".")
    if parse_key(points) is not None and parse_key(last_id) is not None:
        qs = qs.filter(Q(points__gt=int(points)) | Q(points=int(points), id__gt=int(last_id)))
    items = _with_yuan(list(qs[:CATALOGUE_PAGE + 1]))
    more = len(items) > CATALOGUE_PAGE
    items = items[:CATALOGUE_PAGE]
    person = _me(request)
    account = Account.objects.filter(person=person).first() if person else None
    return render(request, "points/rewards.html", {
        "rewards": items, "balance": account.balance if account else 0, "after": after,
        "next_after": f"{items[-1].points}.{items[-1].pk}" if more else None,
        # One key per page view: a double tap or a resent form repeats the same request, not a new one.
        "request_key": uuid.uuid4().hex,
    })


@login_required
@require_POST
def redeem(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person = _me(request)
    reward = Reward.objects.select_related("scheme").filter(pk=pk).first()
    if person is None or reward is None:
        raise Http404
    key = request.POST.get("request_key", "")
    if not REQUEST_KEY.match(key):
        messages.error(request, _("This form is out of date; please try again."))
        return redirect("points:rewards")
    try:
        redemption = rewards.redeem(person, reward, request_key=key, user=request.user)
    except ledger.InsufficientPoints:
        account = Account.objects.filter(person=person).first()
        messages.error(request, _("Not enough points: “%(reward)s” needs %(points)d, you have %(balance)d.") % {
            "reward": reward.name, "points": reward.points, "balance": account.balance if account else 0})
        return redirect("points:rewards")
    except ledger.LedgerError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("points:rewards")
    return redirect("points:redemption", pk=redemption.pk)


def _qr_svg(request: HttpRequest, code: str) -> str:
    """An inline SVG QR code that opens the shop's confirmation page with the code filled in."""
    url = request.build_absolute_uri(reverse("points:shop") + f"?code={code}")
    return segno.make(url, error="m").svg_inline(scale=5, border=2, title=code)


@login_required
@require_safe
def redemption_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    person_id = request.user.person_id
    redemption = (Redemption.objects.select_related("reward__sponsor").filter(pk=pk, person_id=person_id).first()
                  if person_id else None)
    if redemption is None:
        raise Http404
    waiting = redemption.status == Redemption.Status.PENDING
    return render(request, "points/redeem_code.html", {
        "redemption": redemption, "waiting": waiting,
        "qr_svg": _qr_svg(request, redemption.code) if waiting else "",
        "value_yuan": yuan(redemption.reward.value_fen),
    })


# ---- sponsor shop ----------------------------------------------------------------------------------------

def _mask_name(name: str) -> str:
    return name[:1] + "*" * max(1, len(name) - 1) if name else ""


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def shop(request: AuthenticatedRequest) -> HttpResponse:
    """Sponsor staff: confirm a redemption code when handing over; the shop's waiting and collected items."""
    scope = scope_for(request.user)
    if not scope.partner_ids:
        raise Http404
    mine = Redemption.objects.filter(reward__sponsor_id__in=scope.partner_ids).select_related("reward", "person")
    code = (request.POST.get("code") if request.method == "POST" else request.GET.get("code", "")) or ""
    code = code.strip()[:20]
    error = ""
    if request.method == "POST":
        try:
            confirmed = rewards.confirm(code, request.user)
        except Http404 as exc:
            error = str(exc) or _("No waiting redemption with this code at your shop.")
        except ledger.LedgerError as exc:
            error = "；".join(exc.messages)
        else:
            return redirect(reverse("points:shop") + f"?done={confirmed.pk}")
    done = None
    if (done_id := parse_key(request.GET.get("done", ""))) is not None:
        done = mine.filter(pk=done_id, status=Redemption.Status.COMPLETED).first()
        if done is not None:
            done.person_name = _mask_name(done.person.name)  # type: ignore[attr-defined]  # for the template
    waiting = list(mine.filter(status=Redemption.Status.PENDING).order_by("expires_at", "id")[:SHOP_PAGE])
    collected_qs = mine.filter(status=Redemption.Status.COMPLETED).order_by("-id")
    after = parse_key(request.GET.get("after", ""))
    if after is not None:
        collected_qs = collected_qs.filter(id__lt=after)
    collected = list(collected_qs[:SHOP_PAGE + 1])
    more = len(collected) > SHOP_PAGE
    collected = collected[:SHOP_PAGE]
    for r in (*waiting, *collected):
        r.person_name = _mask_name(r.person.name)  # type: ignore[attr-defined]  # for the template
    status = 400 if error else 200
    return render(request, "points/shop.html", {
        "code": code, "error": error, "done": done, "waiting": waiting, "collected": collected,
        "next_after": collected[-1].pk if more else None, "after": after, "now": timezone.now(),
    }, status=status)


# ---- archive ---------------------------------------------------------------------------------------------

def _archive_person_or_404(request: AuthenticatedRequest, person_id: int) -> Person:
    """The person themself, or staff (community, street, district) whose scope covers the person."""
    scope = scope_for(request.user)
    if person_id == scope.person_id:
        person = Person.objects.select_related("area").filter(pk=person_id).first()
    elif scope.is_staff:
        person = scoped(Person.objects.select_related("area"), request.user).filter(pk=person_id).first()
        if person is not None and not scope.covers_code(person.area.code):
            person = None  # a colleague through a shop or department is not theirs to see
    else:
        person = None
    if person is None:
        raise Http404
    return person


def _can_lead(request: AuthenticatedRequest, person: Person) -> bool:
    try:
        earning.led_person_or_404(request.user, person.pk)
    except Http404:
        return False
    return True


@login_required
@require_safe
def archive_view(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    person = _archive_person_or_404(request, person_id)
    account = Account.objects.filter(person=person).first()
    before = parse_key(request.GET.get("before", ""))
    lines, next_before = archive.archive_page(account, request.user, before=before)
    leader = _can_lead(request, person)
    if leader:
        for line in lines:
            t = line.transfer
            line.correctable = (t.source in CORRECTABLE and getattr(t, "reversed_by", None) is None)
    return render(request, "points/archive.html", {
        "person": person, "account": account, "balance": account.balance if account else 0, "lines": lines,
        "before": before, "next_before": next_before, "leader": leader,
        "own": person.pk == request.user.person_id,
    })


@login_required
@require_safe
def archive_xlsx(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    person = _archive_person_or_404(request, person_id)
    account = Account.objects.filter(person=person).first()
    data = archive.archive_workbook(person, account)
    response = HttpResponse(data, content_type=XLSX)
    name = _("Points archive %(name)s %(date)s.xlsx") % {"name": person.name,
                                                          "date": f"{timezone.localdate():%Y%m%d}"}
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_POST
def reverse_transfer(request: AuthenticatedRequest, person_id: int, transfer_id: int) -> HttpResponse:
    person = earning.led_person_or_404(request.user, person_id)
    account = Account.objects.filter(person=person).first()
    original = (archive.movements(account).filter(pk=transfer_id).first() if account else None)
    if original is None:
        raise Http404
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(str(e) for errors in form.errors.values() for e in errors))
    elif original.source not in CORRECTABLE:
        messages.error(request, _("Redemptions are settled by the shop's confirmation or by expiry, "
                                  "not corrected here."))
    elif Transfer.objects.filter(reverses=original).exists():
        messages.error(request, _("This movement has already been corrected."))
    else:
        try:
            ledger.reverse(original, reason=form.cleaned_data["reason"].strip(), user=request.user)
        except ledger.InsufficientPoints:
            messages.error(request, _("These points have already been spent; the movement cannot be reversed."))
        except ledger.LedgerError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, _("The movement was corrected by a reversing entry."))
    return redirect("points:archive", person_id=person.pk)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def award(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """A leader awards points by hand, with a reason, within the scheme's daily cap."""
    person = earning.led_person_or_404(request.user, person_id)
    scheme = earning.scheme_for_area(person.area)
    if request.method == "POST":
        form = AwardForm(request.POST)
        if form.is_valid():
            try:
                earning.award_by_hand(request.user, person, form.cleaned_data["amount"],
                                      reason=form.cleaned_data["reason"],
                                      request_key=form.cleaned_data["request_key"])
            except ledger.LedgerError as exc:
                form.add_error(None, "；".join(exc.messages))
            else:
                messages.success(request, _("%(n)d points awarded to %(name)s.") % {
                    "n": form.cleaned_data["amount"], "name": person.name})
                return redirect("points:archive", person_id=person.pk)
        status = 400
    else:
        form = AwardForm(initial={"request_key": uuid.uuid4().hex})
        status = 200
    return render(request, "points/points_award.html",
                  {"person": person, "scheme": scheme, "form": form}, status=status)


# ---- figures ---------------------------------------------------------------------------------------------

@login_required
@require_safe
def figures(request: AuthenticatedRequest) -> HttpResponse:
    """The scheme's figures for one of the viewer's units and a range of days (default: this year)."""
    scope = scope_for(request.user)
    if not scope.is_staff:
        raise Http404
    areas = Area.objects.filter(level__in=(AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.COMMUNITY))
    if not scope.everything:
        areas = areas.filter(Area.scope_q(scope))
    units = [(a.code, a.name) for a in areas.order_by("code").only("code", "name")[:500]]
    form = FiguresForm(request.GET, units)
    code, first, last = form.choice()
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(first, dt.time(), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    f = points_figures(code, start, end)
    sponsors = rewards.sponsor_figures(code, start, end)
    for row in sponsors:
        row["value_yuan"] = yuan(row["value_offered_fen"])
    return render(request, "points/figures.html", {
        "f": f, "value_yuan": yuan(f.value_offered_fen), "sponsors": sponsors, "form": form,
        "unit_name": dict(units).get(code, ""), "first": first, "last": last,
        "collected_points": sum(row["points"] for row in sponsors),
    }, status=400 if form.errors else 200)
