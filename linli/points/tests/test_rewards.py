import datetime as dt

import pytest
from django.http import Http404
from django.utils import timezone

from linli.points import ledger, rewards
from linli.points.figures import points_figures
from linli.points.models import Redemption, Reward


@pytest.fixture
def staff(ns, make_user):
    return make_user("shop-staff", "sponsor_staff", partner=ns.shop, home=ns.shop.area)


def test_redeeming_takes_points_and_stock_and_gives_a_code(ns):
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    redemption = rewards.redeem(ns.rider, ns.reward, request_key="r1")
    ns.reward.refresh_from_db()
    assert ns.reward.stock == 9 and ledger.person_account(ns.rider).balance == 30
    assert len(redemption.code) == 6 and redemption.code.isdigit() and redemption.status == "pending"


def test_a_retried_redeem_is_one_redemption(ns):
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    a = rewards.redeem(ns.rider, ns.reward, request_key="r1")
    b = rewards.redeem(ns.rider, ns.reward, request_key="r1")
    assert a.pk == b.pk and Redemption.objects.count() == 1


def test_not_enough_points_changes_nothing(ns):
    ledger.earn(ns.scheme, ns.rider, 19, key="k", source="service")
    with pytest.raises(ledger.InsufficientPoints):
        rewards.redeem(ns.rider, ns.reward, request_key="r1")
    ns.reward.refresh_from_db()
    assert ns.reward.stock == 10 and ledger.person_account(ns.rider).balance == 19


def test_sold_out_changes_nothing(ns):
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    Reward.objects.filter(pk=ns.reward.pk).update(stock=0)
    with pytest.raises(rewards.SoldOut):
        rewards.redeem(ns.rider, ns.reward, request_key="r1")
    assert ledger.person_account(ns.rider).balance == 50


def test_reward_outside_its_validity_cannot_be_redeemed(ns):
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    Reward.objects.filter(pk=ns.reward.pk).update(valid_until=dt.date.today() - dt.timedelta(days=1))
    ns.reward.refresh_from_db()
    with pytest.raises(ledger.LedgerError):
        rewards.redeem(ns.rider, ns.reward, request_key="r1")


def test_shop_staff_confirm_the_code_once(ns, staff):
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    redemption = rewards.redeem(ns.rider, ns.reward, request_key="r1")
    done = rewards.confirm(redemption.code, staff)
    assert done.status == "completed" and done.confirmed_by == staff
    with pytest.raises(Http404):
        rewards.confirm(redemption.code, staff)


def test_staff_of_another_shop_cannot_confirm(ns, make_user, tree):
    from linli.places.models import PartnerUnit

    other = PartnerUnit.objects.create(kind="sponsor_shop", name="别家", area=tree.comm_b1)
    stranger = make_user("other-staff", "sponsor_staff", partner=other, home=tree.comm_b1)
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    redemption = rewards.redeem(ns.rider, ns.reward, request_key="r1")
    with pytest.raises(Http404):
        rewards.confirm(redemption.code, stranger)


@pytest.mark.parametrize("code", ["", "12345", "abcdef", "1234567", "<script>"])
def test_malformed_code_is_refused(ns, staff, code):
    with pytest.raises(ledger.LedgerError):
        rewards.confirm(code, staff)


def test_unclaimed_redemption_expires_with_refund_and_stock_back(ns, staff):
    ledger.earn(ns.scheme, ns.rider, 50, key="k", source="service")
    redemption = rewards.redeem(ns.rider, ns.reward, request_key="r1")
    later = timezone.now() + dt.timedelta(days=ns.reward.claim_days + 1)
    with pytest.raises(ledger.LedgerError):
        rewards.confirm(redemption.code, staff, now=later)
    assert rewards.expire_redemptions(now=later) == 1
    assert rewards.expire_redemptions(now=later) == 0
    redemption.refresh_from_db()
    ns.reward.refresh_from_db()
    assert redemption.status == "expired" and redemption.refund.amount == 20
    assert ns.reward.stock == 10 and ledger.person_account(ns.rider).balance == 50


def test_figures_are_one_query_each(ns, staff):
    ledger.earn(ns.scheme, ns.rider, 100, key="k", source="service")
    r1 = rewards.redeem(ns.rider, ns.reward, request_key="r1")
    rewards.redeem(ns.rider, ns.reward, request_key="r2")
    rewards.confirm(r1.code, staff)
    f = points_figures()
    assert (f.issued, f.redeemed, f.outstanding) == (100, 40, 60)
    assert (f.sponsors, f.value_offered_fen, f.redemptions_collected, f.redemptions_waiting) == (1, 18000, 1, 1)
    row = next(r for r in rewards.sponsor_figures() if r["sponsor"] == ns.shop)
    # the shop's points are the headline's: the collected and the waiting redemption
    assert (row["collected"], row["points"], row["value_offered_fen"]) == (1, 40, 18000)


def test_restock_counts_in_what_was_offered(ns):
    rewards.restock(ns.reward, 5)
    ns.reward.refresh_from_db()
    assert (ns.reward.stock, ns.reward.stock_offered) == (15, 15)
    with pytest.raises(ledger.LedgerError):
        rewards.restock(ns.reward, 0)
