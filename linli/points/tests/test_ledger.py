import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from linli.points import ledger
from linli.points.ledger import IdempotencyConflict, InsufficientPoints, LedgerError
from linli.points.models import Account, AccountKind, Scheme, Transfer


def balances_match_movements():
    for account in Account.objects.all():
        assert account.balance == ledger.balance_from_movements(account), account
    assert sum(Account.objects.values_list("balance", flat=True)) == 0


def test_earning_moves_points_from_issuance_to_the_person(ns):
    ledger.earn(ns.scheme, ns.rider, 30, key="k1", source="service")
    assert ledger.person_account(ns.rider).balance == 30
    assert ledger.system_account(ns.scheme, AccountKind.ISSUANCE).balance == -30
    balances_match_movements()


def test_same_key_twice_records_one_transfer(ns):
    first = ledger.earn(ns.scheme, ns.rider, 30, key="k1", source="service")
    again = ledger.earn(ns.scheme, ns.rider, 30, key="k1", source="service")
    assert first.pk == again.pk and Transfer.objects.count() == 1
    assert ledger.person_account(ns.rider).balance == 30


def test_same_key_with_another_amount_is_refused(ns):
    ledger.earn(ns.scheme, ns.rider, 30, key="k1", source="service")
    with pytest.raises(IdempotencyConflict):
        ledger.earn(ns.scheme, ns.rider, 31, key="k1", source="service")
    assert ledger.person_account(ns.rider).balance == 30


@pytest.mark.parametrize("amount", [0, -5, 2.5, "10", True, None])
def test_amount_must_be_a_positive_whole_number(ns, amount):
    with pytest.raises(LedgerError):
        ledger.earn(ns.scheme, ns.rider, amount, key="bad", source="service")
    assert Transfer.objects.count() == 0


def test_a_person_cannot_overdraw(ns):
    ledger.earn(ns.scheme, ns.rider, 10, key="k1", source="service")
    sink = ledger.system_account(ns.scheme, AccountKind.REDEMPTION)
    with pytest.raises(InsufficientPoints):
        ledger.transfer(ledger.person_account(ns.rider), sink, 11, key="spend", source="redemption")
    assert ledger.person_account(ns.rider).balance == 10 and not Transfer.objects.filter(key="spend").exists()


def test_the_database_refuses_a_negative_person_balance(ns):
    account = ledger.person_account(ns.rider)
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=-1)


def test_a_mistake_is_corrected_by_a_reversing_transfer(ns):
    original = ledger.earn(ns.scheme, ns.rider, 30, key="k1", source="manual")
    fix = ledger.reverse(original, reason="录错了")
    assert (fix.debit_id, fix.credit_id, fix.amount, fix.reverses_id) == (
        original.credit_id, original.debit_id, 30, original.pk)
    assert ledger.person_account(ns.rider).balance == 0 and Transfer.objects.count() == 2
    with pytest.raises(LedgerError):
        ledger.reverse(fix, reason="再改")
    assert ledger.reverse(original, reason="again").pk == fix.pk  # same key: the same correction
    balances_match_movements()


def test_reversal_needs_a_reason(ns):
    original = ledger.earn(ns.scheme, ns.rider, 30, key="k1", source="manual")
    with pytest.raises(LedgerError):
        ledger.reverse(original, reason=" ")


def test_manual_awards_respect_the_daily_cap(ns, make_user, tree):
    leader = make_user("leader", "community_staff", tree.comm_a1)
    ledger.manual_award(ns.scheme, ns.rider, 40, reason="帮忙维持秩序", user=leader, key="m1")
    with pytest.raises(LedgerError, match="50"):
        ledger.manual_award(ns.scheme, ns.rider, 11, reason="再奖励", user=leader, key="m2")
    ledger.manual_award(ns.scheme, ns.rider, 10, reason="再奖励", user=leader, key="m3")
    with pytest.raises(LedgerError):
        ledger.manual_award(ns.scheme, ns.rider, 5, reason="", user=leader, key="m4")
    assert ledger.person_account(ns.rider).balance == 50


def test_points_of_a_year_expire_at_the_end_of_the_next_year_first_in_first_out(ns):
    ns.scheme.expiry = Scheme.Expiry.END_OF_NEXT_YEAR
    ns.scheme.save()
    old = ledger.earn(ns.scheme, ns.rider, 50, key="2024", source="service")
    Transfer.objects.filter(pk=old.pk).update(at=timezone.make_aware(dt.datetime(2024, 6, 1)))
    sink = ledger.system_account(ns.scheme, AccountKind.REDEMPTION)
    spent = ledger.transfer(ledger.person_account(ns.rider), sink, 20, key="spend", source="redemption")
    Transfer.objects.filter(pk=spent.pk).update(at=timezone.make_aware(dt.datetime(2025, 3, 1)))
    new = ledger.earn(ns.scheme, ns.rider, 40, key="2025", source="service")
    Transfer.objects.filter(pk=new.pk).update(at=timezone.make_aware(dt.datetime(2025, 9, 1)))
    assert ledger.expire_points(ns.scheme, today=dt.date(2025, 12, 31)) == 0  # 2024's points live through 2025
    assert ledger.expire_points(ns.scheme, today=dt.date(2026, 1, 1)) == 30  # 50 earned in 2024, 20 used
    assert ledger.expire_points(ns.scheme, today=dt.date(2026, 6, 1)) == 0  # nothing twice
    assert ledger.person_account(ns.rider).balance == 40
    balances_match_movements()


def test_schemes_without_expiry_expire_nothing(ns):
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    assert ledger.expire_points(ns.scheme, today=dt.date(2040, 1, 1)) == 0
