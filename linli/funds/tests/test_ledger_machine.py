"""Random sequences of payments, spending approvals, corrections and exemptions: after every step the
balance equals the sum of the entries and an independent tally, never goes below zero, each month's
statement closes where the next one opens, and no household-month is paid twice."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Count, Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from linli.funds import services
from linli.funds.models import Entry, PaidMonth

MONTHS = [dt.date(2024, m, 1) for m in range(1, 7)]
DAYS = [dt.date(2024, m, d) for m in range(1, 7) for d in (3, 17)]


@pytest.mark.django_db
def test_fund_invariants_hold_under_random_operations(estate, access):
    homes = estate.h1 + estate.h2
    staff_access = access(estate.staff, estate.fund)
    chair_access = access(estate.chair, estate.fund)

    class Fund(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            self.expected = 0
            self.receipts = 0

        def teardown(self):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        @rule(home=st.sampled_from(range(8)), first=st.sampled_from(MONTHS), n=st.integers(1, 4),
              day=st.sampled_from(DAYS))
        def pay(self, home, first, n, day):
            self.receipts += 1
            with contextlib.suppress(services.FundError):
                entry = services.record_payment(estate.fund, household=homes[home], first_month=first, months=n,
                                                method="cash", receipt_no=f"H{self.receipts}", by=estate.staff,
                                                access=staff_access, paid_on=day)
                self.expected += entry.amount_fen

        @rule(amount=st.integers(1, 6000), day=st.sampled_from(DAYS), item=st.sampled_from(["wages", "repairs"]))
        def spend(self, amount, day, item):
            claim = services.propose_spending(estate.fund, item=item, amount_fen=amount, spent_on=day, payee="保洁员",
                                              description="工资", by=estate.staff)
            with contextlib.suppress(services.FundError):
                claim = services.decide_claim(claim, approve=True, by=estate.chair, access=chair_access, on=day)
                self.expected -= amount

        @rule(pick=st.integers(0, 10_000), day=st.sampled_from(DAYS))
        def correct(self, pick, day):
            ids = list(Entry.objects.filter(fund=estate.fund).values_list("pk", flat=True))
            if not ids:
                return
            entry = Entry.objects.get(pk=ids[pick % len(ids)])
            with contextlib.suppress(services.FundError):
                services.reverse_entry(entry, reason="更正", by=estate.staff, on=day)
                self.expected -= entry.amount_fen

        @rule(home=st.sampled_from(range(8)), first=st.sampled_from(MONTHS))
        def exempt(self, home, first):
            with contextlib.suppress(services.FundError):
                services.grant_exemption(estate.fund, household=homes[home], first_month=first,
                                         last_month=None, reason="困难", by=estate.staff)

        @invariant()
        def balance_is_the_sum_of_entries(self):
            total = Entry.objects.filter(fund=estate.fund).aggregate(t=Sum("amount_fen"))["t"] or 0
            assert services.balance(estate.fund) == total == self.expected
            assert total >= 0

        @invariant()
        def statements_chain(self):
            previous = None
            for month in MONTHS:
                st_ = services.statement(estate.fund, month)
                assert st_.closing_fen == st_.opening_fen + st_.income_fen - st_.spending_fen
                assert st_.closing_fen == services.balance(estate.fund, before=services.add_months(month, 1))
                if previous is not None:
                    assert st_.opening_fen == previous.closing_fen
                assert st_.paid <= st_.households
                previous = st_

        @invariant()
        def no_month_paid_twice(self):
            dup = (PaidMonth.objects.filter(entry__fund=estate.fund, entry__reversal__isnull=True)
                   .values("household_id", "month").annotate(n=Count("id")).filter(n__gt=1))
            assert not dup.exists()

    run_state_machine_as_test(Fund, settings=settings(max_examples=15, stateful_step_count=20, deadline=None,
                                                      suppress_health_check=list(HealthCheck)))
