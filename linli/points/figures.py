"""The points scheme's figures, each one aggregate query ("18 sponsors, 10,000+ yuan, 400+ points, 22 gifts")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce

from linli.places.models import PartnerKind, PartnerUnit

from .models import Account, AccountKind, Redemption, Reward, Transfer


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
    """Points into and out of each kind of system account, in one aggregate query."""
    sums = {}
    for kind in (AccountKind.ISSUANCE, AccountKind.REDEMPTION, AccountKind.EXPIRY):
        for side in ("debit", "credit"):
            sums[f"{kind}_{side}"] = Coalesce(Sum("amount", filter=Q(**{f"{side}__kind": kind})), 0)
    return Transfer.objects.aggregate(**sums)


def points_figures() -> PointsFigures:
    flows = _flows()
    redemptions = Redemption.objects.aggregate(
        collected=Count("id", filter=Q(status=Redemption.Status.COMPLETED)),
        waiting=Count("id", filter=Q(status=Redemption.Status.PENDING)))
    people = Account.objects.filter(kind=AccountKind.PERSON).aggregate(
        outstanding=Coalesce(Sum("balance"), 0), members=Count("id"))
    return PointsFigures(
        issued=flows["issuance_debit"] - flows["issuance_credit"],
        redeemed=flows["redemption_credit"] - flows["redemption_debit"],
        expired=flows["expiry_credit"] - flows["expiry_debit"],
        outstanding=people["outstanding"],
        members=people["members"],
        sponsors=PartnerUnit.objects.filter(kind=PartnerKind.SPONSOR_SHOP, rewards__isnull=False).distinct().count(),
        value_offered_fen=Reward.objects.aggregate(n=Coalesce(Sum(F("stock_offered") * F("value_fen")), 0))["n"],
        redemptions_collected=redemptions["collected"],
        redemptions_waiting=redemptions["waiting"],
    )
