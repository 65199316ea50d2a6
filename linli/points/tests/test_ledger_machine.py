"""Random sequences of earns, redemptions, confirmations, expiries, reversals and retried requests;
after every step: all balances sum to zero, no account but issuance is below zero, every cached
balance equals its movements, and stock is never below zero nor more than was offered."""

import contextlib
import datetime as dt

import pytest
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test

from linli.places.models import PartnerUnit
from linli.points import ledger, rewards
from linli.points.models import Account, AccountKind, Redemption, Reward, Scheme, Transfer

KEYS = [f"k{i}" for i in range(6)]  # a small pool, so requests get retried


@pytest.mark.django_db
def test_ledger_invariants_hold_under_random_operations(tree, make_person, make_user):
    scheme = Scheme.objects.create(code="machine", name="测试积分", area=tree.street_a,
                                   expiry=Scheme.Expiry.END_OF_NEXT_YEAR)
    shop = PartnerUnit.objects.create(kind="sponsor_shop", name="店", area=tree.comm_a1)
    staff = make_user("staff", "sponsor_staff", partner=shop, home=tree.comm_a1)
    people = [make_person(tree.g1) for _ in range(3)]
    today = dt.date.today()
    catalogue = [Reward.objects.create(sponsor=shop, scheme=scheme, name=f"礼品{i}", points=p, stock=s, value_fen=100,
                                       valid_from=today - dt.timedelta(days=1),
                                       valid_until=today + dt.timedelta(days=9))
                 for i, (p, s) in enumerate([(5, 2), (12, 3), (30, 1)])]
    class Ledger(RuleBasedStateMachine):
        """Each example runs in a transaction rolled back at its end, so every example starts alike."""

        def __init__(self):
            super().__init__()
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
            for i, person in enumerate(people):  # a starting balance, so that spending happens early
                ledger.earn(scheme, person, 40, key=f"start{i}", source="service")

        def teardown(self):
            transaction.set_rollback(True)
            self.atomic.__exit__(None, None, None)

        def key(self, name: str) -> str:
            return name

        @rule(who=st.sampled_from(range(3)), amount=st.integers(1, 40), key=st.sampled_from(KEYS))
        def earn(self, who, amount, key):
            with contextlib.suppress(ledger.IdempotencyConflict):  # same key, other amount: refused
                ledger.earn(scheme, people[who], amount, key=self.key("earn" + key), source="service")

        @rule(who=st.sampled_from(range(3)), item=st.sampled_from(range(3)), key=st.sampled_from(KEYS))
        def redeem(self, who, item, key):
            with contextlib.suppress(ledger.InsufficientPoints, rewards.SoldOut):
                rewards.redeem(people[who], Reward.objects.get(pk=catalogue[item].pk),
                               request_key=self.key("redeem" + key))

        @precondition(lambda self: Redemption.objects.filter(status="pending").exists())
        @rule(data=st.data())
        def confirm(self, data):
            waiting = list(Redemption.objects.filter(status="pending").values_list("code", flat=True))
            rewards.confirm(data.draw(st.sampled_from(waiting)), staff)

        @rule()
        def time_passes_and_unclaimed_redemptions_expire(self):
            rewards.expire_redemptions(now=timezone.now() + dt.timedelta(days=60))

        @precondition(lambda self: Transfer.objects.exclude(source__in=["reversal", "refund"]).exists())
        @rule(data=st.data())
        def reverse_a_transfer(self, data):
            candidates = list(Transfer.objects.exclude(source__in=["reversal", "refund", "redemption"])
                              .values_list("pk", flat=True)[:50])
            if not candidates:
                return
            original = Transfer.objects.get(pk=data.draw(st.sampled_from(candidates)))
            with contextlib.suppress(ledger.InsufficientPoints):  # already spent: a correction cannot overdraw
                ledger.reverse(original, reason="更正")

        @rule(years=st.integers(2, 3))
        def points_expire(self, years):
            ledger.expire_points(scheme, today=today.replace(year=today.year + years))

        @invariant()
        def books_balance(self):
            assert Account.objects.aggregate(s=Sum("balance"))["s"] in (0, None)
            assert not Account.objects.exclude(kind=AccountKind.ISSUANCE).filter(balance__lt=0).exists()
            for account in Account.objects.all():
                assert account.balance == ledger.balance_from_movements(account)

        @invariant()
        def stock_is_accounted_for(self):
            for reward in Reward.objects.all():
                held = reward.redemptions.exclude(status="expired").count()
                assert reward.stock >= 0 and reward.stock + held == reward.stock_offered

    run_state_machine_as_test(Ledger, settings=settings(
        max_examples=40, stateful_step_count=25, deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]))
