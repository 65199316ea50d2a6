"""Business rules of the self-management fund.  Views, the demo and the tests call these functions.

Rules kept here:
- money is integer fen; the balance is the sum of the ledger entries and never goes below zero;
- entries are never changed or deleted: a mistake is corrected by ``reverse_entry`` with a reason;
- a fee rate applies from a month on and is changed by a new row, never backdated before this month;
- a household-month is paid at most once (while its payment is not reversed) and never while exempt;
- spending enters the ledger only when the council chair approves a claim (not the claim's proposer);
- arrears are the months from the fund's first month up to the last completed month that are due
  (a rate above zero, no exemption) and not paid, at that month's rate.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.codes import code_range
from linli.core.text import ascii_digits
from linli.places.models import Building, Household

from .access import FundAccess
from .models import (
    MAX_FEN,
    Entry,
    EntryKind,
    Exemption,
    ExemptionCancellation,
    FeeRate,
    Fund,
    PaidMonth,
    PaymentMethod,
    SpendingClaim,
    SpendingItem,
)

MAX_MONTHS_AT_ONCE = 24
MAX_RATE_FEN = 1_000_000


class FundError(ValidationError):
    """A rule of the fund refused the action; the message is for the user and nothing was written."""


# --- Months ------------------------------------------------------------------------------------------

def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def add_months(month: dt.date, n: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + n
    return dt.date(index // 12, index % 12 + 1, 1)


def months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every first-of-month from ``first`` to ``last`` inclusive (empty when last < first)."""
    out, m = [], month_start(first)
    while m <= last:
        out.append(m)
        m = add_months(m, 1)
    return out


def parse_month(text: str | None) -> dt.date:
    """``"2025-03"`` → 2025-03-01, or ``FundError``."""
    try:
        year, month = (int(p) for p in ascii_digits(text or "").strip().split("-"))  # ٢٠٢٥ is refused
        if not 2000 <= year <= 2100:
            raise ValueError
        return dt.date(year, month, 1)
    except ValueError:
        raise FundError(_("Give a month as YYYY-MM, for example 2025-03.")) from None


def last_completed_month(today: dt.date | None = None) -> dt.date:
    return add_months(month_start(today or timezone.localdate()), -1)


# --- Households, rates, exemptions ------------------------------------------------------------------

def households_of(fund: Fund) -> QuerySet:
    low, high = code_range(fund.area.code)
    return Household.objects.filter(grid__code__gte=low, grid__code__lt=high)


def buildings_of(fund: Fund) -> QuerySet:
    low, high = code_range(fund.area.code)
    return Building.objects.filter(grid__code__gte=low, grid__code__lt=high)


def rates_of(fund: Fund) -> list[FeeRate]:
    return list(FeeRate.objects.filter(fund=fund).order_by("starts_on", "id"))


def rate_on(rates: list[FeeRate], month: dt.date) -> int:
    """The fen per household of ``month``: the latest row starting on or before it (0 before any row)."""
    amount = 0
    for r in rates:
        if r.starts_on <= month:
            amount = r.amount_fen
    return amount


def set_rate(fund: Fund, *, amount_fen: int, starts_on: dt.date, by, note: str = "",
             today: dt.date | None = None) -> FeeRate:
    this_month = month_start(today or timezone.localdate())
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or not 0 <= amount_fen <= MAX_RATE_FEN:
        raise FundError(_("The fee must be between 0 and 10,000 yuan per household per month."))
    if starts_on.day != 1:
        raise FundError(_("A fee applies from the first day of a month."))
    if starts_on < fund.starts_on:
        raise FundError(_("The fund's first month is %(month)s; a fee cannot start before it.")
                        % {"month": f"{fund.starts_on:%Y-%m}"})
    if FeeRate.objects.filter(fund=fund).exists() and starts_on < this_month:
        raise FundError(_("A fee change applies from this month on; past months keep the fee they had."))
    return FeeRate.objects.create(fund=fund, amount_fen=amount_fen, starts_on=starts_on, note=note.strip()[:200],
                                  recorded_by=by)


def active_exemptions(fund: Fund, household_ids=None) -> list[Exemption]:
    qs = Exemption.objects.filter(fund=fund, cancellation__isnull=True).select_related("household__unit")
    if household_ids is not None:
        qs = qs.filter(household_id__in=household_ids)
    return list(qs)


def _covers(ex: Exemption, month: dt.date) -> bool:
    return ex.first_month <= month and (ex.last_month is None or month <= ex.last_month)


def _check_household(fund: Fund, household: Household) -> None:
    if not households_of(fund).filter(pk=household.pk).exists():
        raise FundError(_("This household does not belong to the fund's estate."))


def _text(value: str, label: str, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise FundError(_("%(label)s is required.") % {"label": label})
    if len(value) > limit:
        raise FundError(_("%(label)s is too long (at most %(n)d characters).") % {"label": label, "n": limit})
    return value


def grant_exemption(fund: Fund, *, household: Household, first_month: dt.date, last_month: dt.date | None,
                    reason: str, by) -> Exemption:
    reason = _text(reason, _("The reason"))
    _check_household(fund, household)
    if first_month.day != 1 or (last_month and last_month.day != 1):
        raise FundError(_("An exemption runs over whole months."))
    if first_month < fund.starts_on:
        raise FundError(_("The fund's first month is %(month)s; an exemption cannot start before it.")
                        % {"month": f"{fund.starts_on:%Y-%m}"})
    if last_month and last_month < first_month:
        raise FundError(_("The exemption cannot end before it starts."))
    with transaction.atomic():
        Fund.objects.select_for_update().filter(pk=fund.pk).first()
        for ex in active_exemptions(fund, [household.pk]):
            if (ex.last_month is None or ex.last_month >= first_month) and (last_month is None
                                                                            or ex.first_month <= last_month):
                raise FundError(_("The household is already exempt for part of these months."))
        paid = _active_paid(fund).filter(household=household, month__gte=first_month)
        if last_month:
            paid = paid.filter(month__lte=last_month)
        if paid.exists():
            raise FundError(_("Some of these months are paid already; correct the payment first."))
        return Exemption.objects.create(fund=fund, household=household, first_month=first_month,
                                        last_month=last_month, reason=reason, approved_by=by)


def cancel_exemption(exemption: Exemption, *, reason: str, by) -> ExemptionCancellation:
    reason = _text(reason, _("The reason"))
    with transaction.atomic():
        if ExemptionCancellation.objects.filter(exemption=exemption).exists():
            raise FundError(_("This exemption was withdrawn already."))
        return ExemptionCancellation.objects.create(exemption=exemption, reason=reason, cancelled_by=by)


# --- The ledger --------------------------------------------------------------------------------------

def _active_paid(fund: Fund) -> QuerySet:
    return PaidMonth.objects.filter(entry__fund=fund, entry__reversal__isnull=True)


def balance(fund: Fund, before: dt.date | None = None) -> int:
    qs = Entry.objects.filter(fund=fund)
    if before is not None:
        qs = qs.filter(occurred_on__lt=before)
    return qs.aggregate(total=Sum("amount_fen"))["total"] or 0


def _lock(fund: Fund) -> None:
    Fund.objects.select_for_update().filter(pk=fund.pk).first()


def record_payment(fund: Fund, *, household: Household, first_month: dt.date, months: int, method: str,
                   receipt_no: str, by, access: FundAccess, paid_on: dt.date | None = None) -> Entry:
    """A collector records a household's fee for ``months`` months from ``first_month``: one entry."""
    today = timezone.localdate()
    paid_on = paid_on or today
    receipt_no = _text(receipt_no, _("The receipt number"), 30)
    if not access.may_collect_in(household.unit.building_id):
        raise FundError(_("You do not collect fees in this building."))
    if not isinstance(months, int) or not 1 <= months <= MAX_MONTHS_AT_ONCE:
        raise FundError(_("Pay for 1 to %(n)d months at once.") % {"n": MAX_MONTHS_AT_ONCE})
    if method not in PaymentMethod.values:
        raise FundError(_("Choose cash or transfer."))
    if first_month.day != 1 or first_month < fund.starts_on:
        raise FundError(_("The fund's first month is %(month)s.") % {"month": f"{fund.starts_on:%Y-%m}"})
    if paid_on > today:
        raise FundError(_("The payment date cannot be in the future."))
    _check_household(fund, household)
    wanted = [add_months(first_month, i) for i in range(months)]
    with transaction.atomic():
        _lock(fund)
        if Entry.objects.filter(fund=fund, receipt_no=receipt_no).exists():
            raise FundError(_("Receipt number %(no)s is used already.") % {"no": receipt_no})
        paid = set(_active_paid(fund).filter(household=household, month__in=wanted).values_list("month", flat=True))
        if paid:
            raise FundError(_("Already paid: %(months)s.") % {"months": "、".join(f"{m:%Y-%m}" for m in sorted(paid))})
        exempt = [m for m in wanted for ex in active_exemptions(fund, [household.pk]) if _covers(ex, m)]
        if exempt:
            raise FundError(_("The household is exempt in %(months)s.")
                            % {"months": "、".join(f"{m:%Y-%m}" for m in exempt)})
        rates = rates_of(fund)
        amounts = [rate_on(rates, m) for m in wanted]
        if any(a <= 0 for a in amounts):
            raise FundError(_("No fee is set for some of these months."))
        try:
            entry = Entry.objects.create(fund=fund, kind=EntryKind.FEE, amount_fen=sum(amounts), occurred_on=paid_on,
                                         household=household, method=method, receipt_no=receipt_no, recorded_by=by)
        except IntegrityError:
            raise FundError(_("Receipt number %(no)s is used already.") % {"no": receipt_no}) from None
        PaidMonth.objects.bulk_create([
            PaidMonth(entry=entry, household=household, building_id=household.unit.building_id, month=m, amount_fen=a)
            for m, a in zip(wanted, amounts, strict=True)])
        return entry


def record_other_income(fund: Fund, *, amount_fen: int, description: str, by, on: dt.date | None = None) -> Entry:
    description = _text(description, _("The description"))
    if not isinstance(amount_fen, int) or not 0 < amount_fen <= MAX_FEN:
        raise FundError(_("The amount must be between 0.01 and 1,000,000 yuan."))
    return Entry.objects.create(fund=fund, kind=EntryKind.OTHER_INCOME, amount_fen=amount_fen,
                                occurred_on=on or timezone.localdate(), description=description, recorded_by=by)


def reverse_entry(entry: Entry, *, reason: str, by, on: dt.date | None = None) -> Entry:
    """Correct an entry by its opposite, with a reason; the original stays in the ledger."""
    reason = _text(reason, _("The reason"))
    with transaction.atomic():
        _lock(entry.fund)
        entry = Entry.objects.select_related("fund").get(pk=entry.pk)
        if entry.reverses_id is not None:
            raise FundError(_("A correction cannot be corrected again; record a new entry instead."))
        if Entry.objects.filter(reverses=entry).exists():
            raise FundError(_("This entry was corrected already."))
        if balance(entry.fund) - entry.amount_fen < 0:
            raise FundError(_("The balance would fall below zero; this income has been spent already."))
        return Entry.objects.create(
            fund=entry.fund, kind=entry.kind, amount_fen=-entry.amount_fen, occurred_on=on or timezone.localdate(),
            household=entry.household, method=entry.method, item=entry.item, payee=entry.payee,
            description=entry.description, reverses=entry, reason=reason, recorded_by=by)


# --- Spending ------------------------------------------------------------------------------------------

def propose_spending(fund: Fund, *, item: str, amount_fen: int, spent_on: dt.date, payee: str, description: str,
                     decision_ref: str = "", receipt=None, by) -> SpendingClaim:
    if item not in SpendingItem.values:
        raise FundError(_("Choose what the money was spent on."))
    if not isinstance(amount_fen, int) or not 0 < amount_fen <= MAX_FEN:
        raise FundError(_("The amount must be between 0.01 and 1,000,000 yuan."))
    if spent_on > timezone.localdate():
        raise FundError(_("The spending date cannot be in the future."))
    claim = SpendingClaim(fund=fund, item=item, amount_fen=amount_fen, spent_on=spent_on,
                          payee=_text(payee, _("The payee"), 100), description=_text(description, _("The description")),
                          decision_ref=(decision_ref or "").strip()[:100], proposed_by=by)
    if receipt is not None:
        from linli.cases.photos import PhotoError, inspect_upload

        try:
            checked = inspect_upload(receipt)
        except PhotoError as exc:
            raise FundError(exc.messages[0]) from None
        claim.receipt_uuid = uuid.uuid4()
        claim.receipt.save(f"{claim.receipt_uuid}.jpg", ContentFile(checked.data), save=False)
    claim.save()
    return claim


def decide_claim(claim: SpendingClaim, *, approve: bool, by, access: FundAccess, note: str = "",
                 on: dt.date | None = None) -> SpendingClaim:
    """The council chair approves (the spending enters the ledger) or rejects a pending claim."""
    if not access.approve:
        raise FundError(_("Only the council chair approves spending."))
    with transaction.atomic():
        _lock(claim.fund)
        claim = SpendingClaim.objects.select_related("fund").get(pk=claim.pk)
        if claim.status != SpendingClaim.Status.PENDING:
            raise FundError(_("This claim was decided already."))
        if claim.proposed_by_id == by.pk:
            raise FundError(_("A claim is approved by someone other than the person who proposed it."))
        if not approve and not (note or "").strip():
            raise FundError(_("Say why the claim is rejected."))
        claim.decided_by, claim.decided_at, claim.decision_note = by, timezone.now(), (note or "").strip()[:200]
        if approve:
            if balance(claim.fund) < claim.amount_fen:
                raise FundError(_("The balance is not enough for this spending."))
            claim.entry = Entry.objects.create(
                fund=claim.fund, kind=EntryKind.SPENDING, amount_fen=-claim.amount_fen,
                occurred_on=on or timezone.localdate(), item=claim.item, payee=claim.payee,
                description=claim.description, decision_ref=claim.decision_ref, approved_by=by, recorded_by=by)
            claim.status = SpendingClaim.Status.APPROVED
        else:
            claim.status = SpendingClaim.Status.REJECTED
        claim.save()
        return claim


# --- Statement and arrears ---------------------------------------------------------------------------

@dataclass
class Statement:
    fund: Fund
    month: dt.date
    opening_fen: int
    fee_fen: int
    other_income_fen: int
    spending: list[tuple[str, int]]  # (item label, fen), net of corrections
    closing_fen: int
    rate_fen: int
    households: int
    exempt: int
    due: int
    paid: int

    @property
    def income_fen(self) -> int:
        return self.fee_fen + self.other_income_fen

    @property
    def spending_fen(self) -> int:
        return sum(f for _label, f in self.spending)


def statement(fund: Fund, month: dt.date) -> Statement:
    """The public monthly statement: balances, income, spending by item, households paid of those due."""
    month = month_start(month)
    following = add_months(month, 1)
    opening = balance(fund, before=month)
    sums = (Entry.objects.filter(fund=fund, occurred_on__gte=month, occurred_on__lt=following)
            .values("kind", "item").annotate(total=Sum("amount_fen")))
    fee = other = 0
    by_item: dict[str, int] = defaultdict(int)
    for row in sums:
        if row["kind"] == EntryKind.FEE:
            fee += row["total"]
        elif row["kind"] == EntryKind.OTHER_INCOME:
            other += row["total"]
        else:
            by_item[row["item"]] += -row["total"]
    spending = [(str(label), by_item[value]) for value, label in SpendingItem.choices if by_item.get(value)]
    households = households_of(fund).count()
    exempt = (Exemption.objects.filter(fund=fund, cancellation__isnull=True, first_month__lte=month)
              .filter(Q(last_month__isnull=True) | Q(last_month__gte=month))
              .values("household_id").distinct().count())
    rate = rate_on(rates_of(fund), month)
    paid = _active_paid(fund).filter(month=month).values("household_id").distinct().count()
    closing = opening + fee + other - sum(by_item.values())
    return Statement(fund, month, opening, fee, other, spending, closing, rate, households, exempt,
                     households - exempt if rate > 0 and month >= fund.starts_on else 0, paid)


@dataclass
class BuildingArrears:
    building: Building
    households: int
    due_months: int = 0
    paid_months: int = 0
    arrears_fen: int = 0

    @property
    def unpaid_months(self) -> int:
        return self.due_months - self.paid_months


def arrears_by_building(fund: Fund, until: dt.date | None = None,
                        building_ids: frozenset[int] | None = None) -> list[BuildingArrears]:
    """Per building: household-months due and paid from the fund's first month to ``until``, and the arrears.

    Five aggregate queries whatever the number of households or months."""
    until = until or last_completed_month()
    months = months_between(fund.starts_on, until)
    building_qs = buildings_of(fund).order_by("name", "id")
    if building_ids is not None:
        building_qs = building_qs.filter(pk__in=building_ids)
    buildings = list(building_qs)
    ids = [b.pk for b in buildings]
    counts = dict(households_of(fund).filter(unit__building_id__in=ids).values_list("unit__building_id")
                  .annotate(n=Count("id")))
    rates = rates_of(fund)
    exempt: dict[tuple[int, dt.date], int] = defaultdict(int)
    for ex in active_exemptions(fund):
        for m in months:
            if _covers(ex, m):
                exempt[(ex.household.unit.building_id, m)] += 1
    paid: dict[tuple[int, dt.date], int] = {}
    if months:
        rows = (_active_paid(fund).filter(building_id__in=ids, month__gte=months[0], month__lte=months[-1])
                .values_list("building_id", "month").annotate(n=Count("id")))
        paid = {(b, m): n for b, m, n in rows}
    result = []
    for b in buildings:
        row = BuildingArrears(b, counts.get(b.pk, 0))
        for m in months:
            rate = rate_on(rates, m)
            if rate <= 0:
                continue
            due = row.households - exempt.get((b.pk, m), 0)
            got = paid.get((b.pk, m), 0)
            row.due_months += due
            row.paid_months += got
            row.arrears_fen += rate * max(0, due - got)
        result.append(row)
    return result


@dataclass
class HouseholdRow:
    household: Household
    cells: list[tuple[dt.date, str]] = field(default_factory=list)  # (month, paid|exempt|due|owed|none)
    arrears_fen: int = 0
    owed_months: int = 0


def building_collection(fund: Fund, building: Building, year: int, today: dt.date | None = None) -> list[HouseholdRow]:
    """Each household of a building with the twelve months of ``year`` and its arrears up to last month."""
    today = today or timezone.localdate()
    until = last_completed_month(today)
    homes = list(households_of(fund).filter(unit__building=building).select_related("unit__building")
                 .order_by("unit__number", "door"))
    ids = [h.pk for h in homes]
    paid = set(_active_paid(fund).filter(household_id__in=ids).values_list("household_id", "month"))
    exemptions = defaultdict(list)
    for ex in active_exemptions(fund, ids):
        exemptions[ex.household_id].append(ex)
    rates = rates_of(fund)
    year_months = [dt.date(year, m, 1) for m in range(1, 13)]
    history = months_between(fund.starts_on, until)
    rows = []
    for h in homes:
        row = HouseholdRow(h)

        def state(m: dt.date, h=h) -> str:
            if m < fund.starts_on or rate_on(rates, m) <= 0:
                return "none"
            if (h.pk, m) in paid:
                return "paid"
            if any(_covers(ex, m) for ex in exemptions[h.pk]):
                return "exempt"
            return "owed" if m <= until else "due"

        row.cells = [(m, state(m)) for m in year_months]
        for m in history:
            if state(m) == "owed":
                row.owed_months += 1
                row.arrears_fen += rate_on(rates, m)
        rows.append(row)
    return rows


def entries_of(fund: Fund) -> QuerySet:
    return (Entry.objects.filter(fund=fund)
            .select_related("household__unit__building", "recorded_by", "reverses", "reversal"))
