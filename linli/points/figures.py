"""The points scheme's figures, each one aggregate query ("18 sponsors, 10,000+ yuan, 400+ points, 22 gifts")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from linli.places.models import PartnerKind, PartnerUnit

from .models import Account, AccountKind, Redemption, Reward


@dataclass(frozen=True)
class PointsFigures:
    issued: int
    redeemed: int
    expired: int
    outstanding: int
    members: int
    sponsors: int
    value_offered_fen: int
    redemptions_collected: int
    redemptions_waiting: int


def _flows() -> dict[str, int]:
    """Points into minus points out of each kind of system account: their cached balances, in one query.

    The ledger keeps every account's balance equal to its movements (``ledger.balance_from_movements``) in
    the transaction of each transfer, so this is the sum over the transfers without reading them (a scan of
    2 million transfers at district scale); the issuance account's balance is what was issued, negated."""
    rows = dict(Account.objects.filter(kind__in=[AccountKind.ISSUANCE, AccountKind.REDEMPTION, AccountKind.EXPIRY])
                .values("kind").annotate(n=Sum("balance")).values_list("kind", "n").order_by())
    return {kind: rows.get(kind) or 0 for kind in (AccountKind.ISSUANCE, AccountKind.REDEMPTION, AccountKind.EXPIRY)}


def points_figures() -> PointsFigures:
    flows = _flows()
    redemptions = Redemption.objects.aggregate(
        collected=Count("id", filter=Q(status=Redemption.Status.COMPLETED)),
        waiting=Count("id", filter=Q(status=Redemption.Status.PENDING)))
    people = Account.objects.filter(kind=AccountKind.PERSON).aggregate(
        outstanding=Coalesce(Sum("balance"), 0), members=Count("id"))
    return PointsFigures(
        issued=-flows[AccountKind.ISSUANCE],
        redeemed=flows[AccountKind.REDEMPTION],
        expired=flows[AccountKind.EXPIRY],
        outstanding=people["outstanding"],
        members=people["members"],
        sponsors=PartnerUnit.objects.filter(kind=PartnerKind.SPONSOR_SHOP, rewards__isnull=False).distinct().count(),
        value_offered_fen=Reward.objects.aggregate(n=Coalesce(Sum(F("stock_offered") * F("value_fen")), 0))["n"],
        redemptions_collected=redemptions["collected"],
        redemptions_waiting=redemptions["waiting"],
    )
