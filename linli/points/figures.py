"""The points scheme's figures for a unit and a period ("18 sponsors, 10,000+ yuan, 400+ points, 22 gifts").

One definition each, used by the figures page (``/points/figures/``), the dashboard's volunteers-and-points
part (``reports.figures``) and the demo's read-back, so a total reads the same wherever it is shown:

- the unit's schemes are the schemes hosted in the unit or under it (``None``: every scheme);
- *issued*, *redeemed* and *expired* are the period's transfers of those schemes into persons from the
  issuance account (less any back), into the redemption sink (less refunds: waiting redemptions count,
  refunded ones do not) and into the expiry sink; ``redeemed_by_sponsor`` splits the same transfers by shop;
- members and outstanding points are the points accounts of the people living in the unit, now.

Each figure is one aggregate query over indexed columns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from linli.core.scope import Scope
from linli.places.models import PartnerKind, PartnerUnit

from .models import Account, AccountKind, Redemption, Reward, Transfer


@dataclass(frozen=True)
class Flows:
    issued: int = 0
    redeemed: int = 0
    expired: int = 0


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


def _under(area_code: str | None, field: str) -> Q:
    return Q() if area_code is None else Scope(area_codes=(area_code,)).area_q(field)


def _transfers(area_code: str | None, start: dt.datetime | None, end: dt.datetime | None) -> QuerySet[Transfer]:
    """The transfers of the unit's schemes in ``[start, end)`` (a system account of the scheme on one side)."""
    qs = Transfer.objects.filter(_under(area_code, "debit__scheme__area__code")
                                 | _under(area_code, "credit__scheme__area__code"))
    if start is not None:
        qs = qs.filter(at__gte=start)
    if end is not None:
        qs = qs.filter(at__lt=end)
    return qs


def flows(area_code: str | None = None, start: dt.datetime | None = None, end: dt.datetime | None = None) -> Flows:
    """Points issued, redeemed and expired by the unit's schemes in ``[start, end)``, in one aggregate query."""
    sums = {}
    for kind in (AccountKind.ISSUANCE, AccountKind.REDEMPTION, AccountKind.EXPIRY):
        for side in ("debit", "credit"):
            sums[f"{kind}_{side}"] = Coalesce(Sum("amount", filter=Q(**{f"{side}__kind": kind})), 0)
    f = _transfers(area_code, start, end).aggregate(**sums)
    return Flows(issued=f["issuance_debit"] - f["issuance_credit"],
                 redeemed=f["redemption_credit"] - f["redemption_debit"],
                 expired=f["expiry_credit"] - f["expiry_debit"])


def redeemed_by_sponsor(area_code: str | None = None, start: dt.datetime | None = None,
                        end: dt.datetime | None = None) -> dict[int | None, int]:
    """``flows().redeemed`` split by sponsor shop (the same transfers): shop id → points."""
    rows = _transfers(area_code, start, end).filter(
        Q(credit__kind=AccountKind.REDEMPTION) | Q(debit__kind=AccountKind.REDEMPTION)).annotate(
        shop=Coalesce("redemption__reward__sponsor_id", "refunded_redemption__reward__sponsor_id")).values(
        "shop").annotate(paid=Coalesce(Sum("amount", filter=Q(credit__kind=AccountKind.REDEMPTION)), 0),
                         back=Coalesce(Sum("amount", filter=Q(debit__kind=AccountKind.REDEMPTION)), 0))
    return {row["shop"]: row["paid"] - row["back"] for row in rows}


def points_figures(area_code: str | None = None, start: dt.datetime | None = None,
                   end: dt.datetime | None = None) -> PointsFigures:
    """Every headline figure of the unit (``None``: the whole installation) and the period."""
    f = flows(area_code, start, end)
    collected = Redemption.objects.filter(_under(area_code, "reward__scheme__area__code"),
                                          status=Redemption.Status.COMPLETED)
    if start is not None:
        collected = collected.filter(completed_at__gte=start)
    if end is not None:
        collected = collected.filter(completed_at__lt=end)
    people = Account.objects.filter(_under(area_code, "person__area__code"), kind=AccountKind.PERSON).aggregate(
        outstanding=Coalesce(Sum("balance"), 0), members=Count("id"))
    rewards = Reward.objects.filter(_under(area_code, "scheme__area__code"))
    return PointsFigures(
        issued=f.issued, redeemed=f.redeemed, expired=f.expired,
        outstanding=people["outstanding"],
        members=people["members"],
        sponsors=PartnerUnit.objects.filter(kind=PartnerKind.SPONSOR_SHOP,
                                            rewards__in=rewards).distinct().count(),
        value_offered_fen=rewards.aggregate(n=Coalesce(Sum(F("stock_offered") * F("value_fen")), 0))["n"],
        redemptions_collected=collected.count(),
        redemptions_waiting=Redemption.objects.filter(_under(area_code, "reward__scheme__area__code"),
                                                      status=Redemption.Status.PENDING).count(),
    )
