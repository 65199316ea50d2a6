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


def _flow(kind: str, direction: str) -> int:
    """Points that went into (``credit``) or out of (``debit``) the system accounts of one kind."""
    return Transfer.objects.filter(**{f"{direction}__kind": kind}).aggregate(n=Coalesce(Sum("amount"), 0))["n"]


def points_figures() -> PointsFigures:
    redemptions = Redemption.objects.aggregate(
        collected=Count("id", filter=Q(status=Redemption.Status.COMPLETED)),
        waiting=Count("id", filter=Q(status=Redemption.Status.PENDING)))
    people = Account.objects.filter(kind=AccountKind.PERSON).aggregate(
        outstanding=Coalesce(Sum("balance"), 0), members=Count("id"))
    return PointsFigures(
        issued=_flow(AccountKind.ISSUANCE, "debit") - _flow(AccountKind.ISSUANCE, "credit"),
        redeemed=_flow(AccountKind.REDEMPTION, "credit") - _flow(AccountKind.REDEMPTION, "debit"),
        expired=_flow(AccountKind.EXPIRY, "credit") - _flow(AccountKind.EXPIRY, "debit"),
        outstanding=people["outstanding"],
        members=people["members"],
        sponsors=PartnerUnit.objects.filter(kind=PartnerKind.SPONSOR_SHOP, rewards__isnull=False).distinct().count(),
        value_offered_fen=Reward.objects.aggregate(n=Coalesce(Sum(F("stock_offered") * F("value_fen")), 0))["n"],
        redemptions_collected=redemptions["collected"],
        redemptions_waiting=redemptions["waiting"],
    )
