"""Fee schedule, payments, exemptions, arrears, statement, corrections and spending approval."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from linli.funds import services
from linli.funds.models import Entry, EntryKind, FeeRate, PaidMonth, SpendingClaim
from linli.funds.money import MoneyError, parse_yuan, yuan
from linli.funds.services import FundError

from .conftest import START


def pay(estate, access, household, first=START, months=1, receipt=None, user=None, on=dt.date(2024, 6, 1)):
    user = user or estate.staff
    pay.n = getattr(pay, "n", 0) + 1
    return services.record_payment(estate.fund, household=household, first_month=first, months=months,
                                   method="cash", receipt_no=receipt or f"R{pay.n:05d}", by=user,
                                   access=access(user, estate.fund), paid_on=on)


def test_money_in_fen():
    assert parse_yuan("10") == 1000 and parse_yuan("10.5") == 1050 and parse_yuan("0.05") == 5
    for bad in ("-1", "1.005", "abc", "", "1e3"):
        with pytest.raises(MoneyError):
            parse_yuan(bad)
    assert yuan(123456) == "1,234.56" and yuan(-5) == "-0.05"


def test_payment_for_several_months_is_one_entry(estate, access):
    entry = pay(estate, access, estate.h1[0], months=3)
    assert entry.amount_fen == 3000 and entry.kind == EntryKind.FEE
    assert [m.month for m in entry.months.order_by("month")] == [START, dt.date(2024, 2, 1), dt.date(2024, 3, 1)]
    assert services.balance(estate.fund) == 3000


@pytest.mark.parametrize("kwargs, message", [
    ({"months": 0}, "1 到 24"), ({"months": 25}, "1 到 24"),
    ({"first": dt.date(2023, 12, 1)}, "2024-01"),
    ({"receipt": "   "}, "收据编号"),
    ({"on": dt.date(2999, 1, 1)}, "未来"),
])
def test_bad_payments_change_nothing(estate, access, kwargs, message):
    with pytest.raises(FundError) as exc:
        pay(estate, access, estate.h1[0], **kwargs)
    assert message in exc.value.messages[0]
    assert Entry.objects.count() == 0 and PaidMonth.objects.count() == 0


def test_a_month_is_paid_once_and_receipts_are_unique(estate, access):
    pay(estate, access, estate.h1[0], months=2, receipt="A1")
    with pytest.raises(FundError, match="已缴"):
        pay(estate, access, estate.h1[0], first=dt.date(2024, 2, 1))
    with pytest.raises(FundError, match="A1"):
        pay(estate, access, estate.h1[1], receipt="A1")
    assert Entry.objects.count() == 1


def test_guardian_collects_only_in_their_building(estate, access):
    pay(estate, access, estate.h1[0], user=estate.guardian)
    with pytest.raises(FundError, match="不负责"):
        pay(estate, access, estate.h2[0], user=estate.guardian)


def test_fee_changes_are_new_rows_from_this_month_on(estate, access):
    with pytest.raises(FundError, match="本月起"):
        services.set_rate(estate.fund, amount_fen=1200, starts_on=dt.date(2024, 3, 1), by=estate.staff,
                          today=dt.date(2024, 6, 15))
    services.set_rate(estate.fund, amount_fen=1200, starts_on=dt.date(2024, 7, 1), by=estate.staff,
                      today=dt.date(2024, 6, 15))
    rates = services.rates_of(estate.fund)
    assert services.rate_on(rates, dt.date(2024, 6, 1)) == 1000
    assert services.rate_on(rates, dt.date(2024, 7, 1)) == 1200
    assert services.rate_on(rates, dt.date(2023, 12, 1)) == 0
    entry = pay(estate, access, estate.h1[0], first=dt.date(2024, 6, 1), months=2)
    assert entry.amount_fen == 1000 + 1200
    row = rates[0]
    row.amount_fen = 1
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()
    assert FeeRate.objects.get(pk=row.pk).amount_fen == 1000
    for bad in (-1, 1_000_001):
        with pytest.raises(FundError):
            services.set_rate(estate.fund, amount_fen=bad, starts_on=dt.date(2024, 8, 1), by=estate.staff,
                              today=dt.date(2024, 6, 15))


def test_arrears_per_household_and_building(estate, access):
    """Six months (Jan–Jun 2024) due at 10 yuan; today is in July.  Building 1: one home paid all six,
    one paid three, one exempt from March on, one paid nothing.  Building 2: nothing paid."""
    today = dt.date(2024, 7, 10)
    h = estate.h1
    pay(estate, access, h[0], months=6)
    pay(estate, access, h[1], months=3)
    services.grant_exemption(estate.fund, household=h[2], first_month=dt.date(2024, 3, 1), last_month=None,
                             reason="低保户", by=estate.staff)
    rows = services.building_collection(estate.fund, estate.b1, 2024, today)
    arrears = {r.household.door: (r.owed_months, r.arrears_fen) for r in rows}
    assert arrears == {"101": (0, 0), "102": (3, 3000), "103": (2, 2000), "104": (6, 6000)}
    assert [s for _m, s in rows[2].cells][:7] == ["owed", "owed", "exempt", "exempt", "exempt", "exempt", "exempt"]
    assert rows[1].cells[6] == (dt.date(2024, 7, 1), "due")
    by_building = {b.building.name: b for b in services.arrears_by_building(estate.fund, dt.date(2024, 6, 1))}
    assert (by_building["1栋"].due_months, by_building["1栋"].paid_months, by_building["1栋"].arrears_fen) == (
        6 + 6 + 2 + 6, 9, 11_000)
    assert by_building["2栋"].arrears_fen == 4 * 6 * 1000


def test_exemption_rules(estate, access):
    pay(estate, access, estate.h1[0], months=2)
    with pytest.raises(FundError, match="已缴"):
        services.grant_exemption(estate.fund, household=estate.h1[0], first_month=dt.date(2024, 2, 1),
                                 last_month=None, reason="困难", by=estate.staff)
    with pytest.raises(FundError, match="原因"):
        services.grant_exemption(estate.fund, household=estate.h1[1], first_month=START, last_month=None,
                                 reason="  ", by=estate.staff)
    ex = services.grant_exemption(estate.fund, household=estate.h1[1], first_month=START,
                                  last_month=dt.date(2024, 3, 1), reason="困难", by=estate.staff)
    with pytest.raises(FundError, match="减免"):
        pay(estate, access, estate.h1[1], first=dt.date(2024, 3, 1))
    with pytest.raises(FundError, match="已有减免"):
        services.grant_exemption(estate.fund, household=estate.h1[1], first_month=dt.date(2024, 2, 1),
                                 last_month=None, reason="重复", by=estate.staff)
    services.cancel_exemption(ex, reason="家庭情况好转", by=estate.staff)
    pay(estate, access, estate.h1[1], first=dt.date(2024, 3, 1))
    with pytest.raises(FundError, match="撤销"):
        services.cancel_exemption(ex, reason="再次", by=estate.staff)
    other_home = services.households_of(estate.other_fund).first()
    assert other_home is None  # grid H1 has no homes in this fixture; a foreign household is refused below
    with pytest.raises(FundError, match="不属于"):
        from linli.places.models import Building, BuildingUnit, Household

        b = Building.objects.create(grid=estate.tree.h1, name="9栋")
        foreign = Household.objects.create(unit=BuildingUnit.objects.create(building=b, number="1"), door="1")
        services.grant_exemption(estate.fund, household=foreign, first_month=START, last_month=None, reason="x",
                                 by=estate.staff)


def _claim(estate, amount=50_000, item="wages", by=None):
    return services.propose_spending(estate.fund, item=item, amount_fen=amount, spent_on=dt.date(2024, 2, 28),
                                     payee="保洁员张某", description="2月保洁工资", decision_ref="2月4日逢四说事",
                                     by=by or estate.staff)


def test_spending_needs_the_chairs_approval_and_money(estate, access):
    for h in estate.h1 + estate.h2:
        pay(estate, access, h, months=6, on=dt.date(2024, 1, 15))  # 8 × 60 yuan = 480 yuan
    claim = _claim(estate, 50_000)
    with pytest.raises(FundError, match="理事长"):
        services.decide_claim(claim, approve=True, by=estate.staff, access=access(estate.staff, estate.fund))
    with pytest.raises(FundError, match="余额不足"):
        services.decide_claim(claim, approve=True, by=estate.chair, access=access(estate.chair, estate.fund))
    assert SpendingClaim.objects.get(pk=claim.pk).status == "pending"
    own = _claim(estate, 100, by=estate.chair)
    with pytest.raises(FundError, match="提出"):
        services.decide_claim(own, approve=True, by=estate.chair, access=access(estate.chair, estate.fund))
    ok = _claim(estate, 40_000)
    ok = services.decide_claim(ok, approve=True, by=estate.chair, access=access(estate.chair, estate.fund),
                               on=dt.date(2024, 2, 28))
    assert ok.status == "approved" and ok.entry.amount_fen == -40_000 and ok.entry.approved_by == estate.chair
    assert services.balance(estate.fund) == 8000
    with pytest.raises(FundError, match="已处理"):
        services.decide_claim(ok, approve=False, note="x", by=estate.chair, access=access(estate.chair, estate.fund))
    with pytest.raises(FundError, match="原因"):
        services.decide_claim(claim, approve=False, by=estate.chair, access=access(estate.chair, estate.fund))


def test_statement_sums(estate, access):
    """January: 3 homes pay (one for 3 months); February: one pays two months, cleaners' wages 30 yuan and a
    repair entered as 12.50 yuan, reversed and entered again as 10 yuan; one home exempt."""
    pay(estate, access, estate.h1[0], months=3, on=dt.date(2024, 1, 5))
    pay(estate, access, estate.h1[1], on=dt.date(2024, 1, 6))
    pay(estate, access, estate.h2[0], on=dt.date(2024, 1, 7))
    pay(estate, access, estate.h2[1], months=2, on=dt.date(2024, 2, 3))
    for amount, item in ((3000, "wages"), (1250, "repairs")):
        c = _claim(estate, amount, item)
        services.decide_claim(c, approve=True, by=estate.chair, access=access(estate.chair, estate.fund),
                              on=dt.date(2024, 2, 20))
    repair = Entry.objects.get(item="repairs")
    services.reverse_entry(repair, reason="金额填错", by=estate.staff, on=dt.date(2024, 2, 21))
    c = _claim(estate, 1000, "repairs")
    services.decide_claim(c, approve=True, by=estate.chair, access=access(estate.chair, estate.fund),
                          on=dt.date(2024, 2, 21))
    services.grant_exemption(estate.fund, household=estate.h2[3], first_month=START, last_month=None,
                             reason="独居老人", by=estate.staff)
    jan = services.statement(estate.fund, START)
    assert (jan.opening_fen, jan.fee_fen, jan.spending, jan.closing_fen) == (0, 5000, [], 5000)
    # Paid *for* January: three who paid in January and h2[1], who paid January and February in February.
    assert (jan.households, jan.exempt, jan.due, jan.paid) == (8, 1, 7, 4)
    feb = services.statement(estate.fund, dt.date(2024, 2, 1))
    assert feb.opening_fen == jan.closing_fen
    assert feb.fee_fen == 2000
    assert feb.spending == [("保洁工资", 3000), ("维修", 1000)]
    assert feb.closing_fen == 5000 + 2000 - 4000 == services.balance(estate.fund)
    assert feb.paid == 2  # h1[0] (paid ahead in January) and h2[1]
    mar = services.statement(estate.fund, dt.date(2024, 3, 1))
    assert (mar.opening_fen, mar.fee_fen, mar.closing_fen, mar.paid) == (3000, 0, 3000, 1)


def test_reversal_makes_the_months_due_again_and_cannot_repeat(estate, access):
    entry = pay(estate, access, estate.h1[0], months=2)
    correction = services.reverse_entry(entry, reason="收错户了", by=estate.staff)
    assert correction.amount_fen == -2000 and correction.reverses == entry and correction.kind == EntryKind.FEE
    assert services.balance(estate.fund) == 0
    assert Entry.objects.get(pk=entry.pk).amount_fen == 2000  # the original stays
    with pytest.raises(FundError, match="已更正"):
        services.reverse_entry(entry, reason="again", by=estate.staff)
    with pytest.raises(FundError, match="不能再"):
        services.reverse_entry(correction, reason="again", by=estate.staff)
    with pytest.raises(FundError, match="原因"):
        services.reverse_entry(pay(estate, access, estate.h1[1]), reason="", by=estate.staff)
    again = pay(estate, access, estate.h1[0], months=2)  # the months are open again
    assert again.amount_fen == 2000


def test_income_already_spent_cannot_be_reversed(estate, access):
    entry = pay(estate, access, estate.h1[0], months=6)
    c = _claim(estate, 5000)
    services.decide_claim(c, approve=True, by=estate.chair, access=access(estate.chair, estate.fund))
    with pytest.raises(FundError, match="低于零"):
        services.reverse_entry(entry, reason="收错", by=estate.staff)
    assert services.balance(estate.fund) == 1000


def test_entries_are_append_only(estate, access):
    entry = pay(estate, access, estate.h1[0])
    entry.amount_fen = 1
    with pytest.raises(ValidationError):
        entry.save()
    with pytest.raises(ValidationError):
        entry.delete()
    assert Entry.objects.get(pk=entry.pk).amount_fen == 1000
