"""Sponsors' rewards: redeem (points out, stock down, one transaction), confirm by code, expire and refund."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.scope import Scope, scope_for
from linli.core.text import ascii_digits
from linli.people.models import Person
from linli.places.models import PartnerKind, PartnerUnit

from .figures import redeemed_by_sponsor
from .ledger import LedgerError, person_account, system_account, transfer
from .models import AccountKind, Redemption, Reward, Transfer

if TYPE_CHECKING:
    from linli.core.models import User, UserLike


class SoldOut(LedgerError):
    pass


def _new_code() -> str:
    return f"{secrets.randbelow(1_000_000):06d}"


@transaction.atomic
def redeem(person: Person, reward: Reward, *, request_key: str, user: User | None = None,
           now: dt.datetime | None = None
           ) -> Redemption:
    """Spend the person's points on one item of ``reward``; never oversold, never overdrawn.

    ``request_key`` identifies the person's request: a retry with the same key returns the same redemption.
    """
    now = now or timezone.now()
    key = f"redeem:{person.pk}:{request_key}"[:100]
    if done := Redemption.objects.filter(transfer__key=key).select_related("reward").first():
        return done
    today = timezone.localdate(now)
    if not reward.active or not reward.valid_from <= today <= reward.valid_until:
        raise LedgerError(_("This reward is not on offer now."))
    if not Reward.objects.filter(pk=reward.pk, stock__gte=1).update(stock=F("stock") - 1):
        raise SoldOut(_("Sorry, this reward is out of stock."))
    payment = transfer(person_account(person), system_account(reward.scheme, AccountKind.REDEMPTION), reward.points,
                       key=key, source=Transfer.Source.REDEMPTION, source_ref=str(reward.pk),
                       reason=reward.name, user=user)
    expires = now + dt.timedelta(days=reward.claim_days)
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return Redemption.objects.create(reward=reward, person=person, code=_new_code(), transfer=payment,
                                                 expires_at=expires)
        except IntegrityError:
            continue  # a waiting redemption already uses that code: draw another
    raise LedgerError(_("Could not issue a redemption code; please try again."))


def sponsor_redemptions(user: UserLike) -> QuerySet[Redemption]:
    """The redemptions the user may confirm: those of the sponsor shops they staff."""
    scope = scope_for(user)
    if scope.everything:
        return Redemption.objects.all()
    return Redemption.objects.filter(reward__sponsor_id__in=scope.partner_ids)


@transaction.atomic
def confirm(code: str, user: User, now: dt.datetime | None = None) -> Redemption:
    """The sponsor's staff hand over the item: the code completes the redemption (once)."""
    now = now or timezone.now()
    try:
        code = ascii_digits(code or "").strip()  # a full-width code typed on a phone is the same code
    except ValueError:
        code = ""
    if not (len(code) == 6 and code.isascii() and code.isdigit()):
        raise LedgerError(_("A redemption code has 6 digits."))
    redemption = (sponsor_redemptions(user).select_for_update(of=("self",)).select_related("reward", "person")
                  .filter(code=code, status=Redemption.Status.PENDING).first())
    if redemption is None:
        raise Http404(_("No waiting redemption with this code at your shop."))
    if redemption.expires_at < now:
        raise LedgerError(_("This code expired on %(date)s; the points have been or will be refunded.") % {
            "date": f"{timezone.localtime(redemption.expires_at):%Y-%m-%d}"})
    redemption.status = Redemption.Status.COMPLETED
    redemption.completed_at = now
    redemption.confirmed_by = user
    redemption.save(update_fields=["status", "completed_at", "confirmed_by"])
    return redemption


def expire_redemptions(now: dt.datetime | None = None) -> int:
    """Refund unclaimed redemptions past their date (reversing transfer, stock restored)."""
    now = now or timezone.now()
    count = 0
    for pk in Redemption.objects.filter(status=Redemption.Status.PENDING, expires_at__lt=now).values_list(
            "pk", flat=True)[:1000]:
        with transaction.atomic():
            redemption = (Redemption.objects.select_for_update(of=("self",)).select_related("transfer", "reward")
                          .filter(pk=pk, status=Redemption.Status.PENDING).first())
            if redemption is None:
                continue
            payment = redemption.transfer
            redemption.refund = transfer(payment.credit, payment.debit, payment.amount, key=f"refund:{redemption.pk}",
                                         source=Transfer.Source.REFUND, source_ref=str(redemption.pk),
                                         reason=_("Not collected in time"))
            redemption.status = Redemption.Status.EXPIRED
            redemption.save(update_fields=["refund", "status"])
            Reward.objects.filter(pk=redemption.reward_id).update(stock=F("stock") + 1)
            count += 1
    return count


def sponsor_figures(area_code: str | None = None, start: dt.datetime | None = None,
                    end: dt.datetime | None = None) -> list[dict[str, Any]]:
    """Per sponsor shop with rewards in the unit's schemes: rewards, declared value offered (fen), redemptions
    collected in the period and the points redeemed there (``figures.redeemed_by_sponsor``: the rows add up to
    the headline ``redeemed``)."""
    in_unit = Scope(area_codes=(area_code,)).area_q("scheme__area__code") if area_code else Q()
    offered: dict[int, Mapping[str, Any]] = {row["sponsor_id"]: row for row in Reward.objects.filter(in_unit).values(
        "sponsor_id").annotate(rewards=Count("id"),
                               value_offered_fen=Coalesce(Sum(F("stock_offered") * F("value_fen")), 0))}
    done = Redemption.objects.filter(status=Redemption.Status.COMPLETED, reward__in=Reward.objects.filter(in_unit))
    if start is not None:
        done = done.filter(completed_at__gte=start)
    if end is not None:
        done = done.filter(completed_at__lt=end)
    collected = dict(done.values_list("reward__sponsor_id").annotate(n=Count("id")))
    points = redeemed_by_sponsor(area_code, start, end)
    rows: list[dict[str, Any]] = []
    shops = PartnerUnit.objects.filter(kind=PartnerKind.SPONSOR_SHOP).filter(
        Q(pk__in=offered.keys()) | Q(pk__in=[k for k in points if k is not None])).order_by("name")
    for sponsor in shops:
        o = offered.get(sponsor.pk, {})
        rows.append({"sponsor": sponsor, "rewards": o.get("rewards", 0),
                     "value_offered_fen": o.get("value_offered_fen", 0),
                     "collected": collected.get(sponsor.pk, 0), "points": points.get(sponsor.pk, 0)})
    return rows


def restock(reward: Reward, items: int) -> None:
    """A sponsor adds items to a reward (counted in what it has offered in all)."""
    if isinstance(items, bool) or not isinstance(items, int) or items <= 0:
        raise LedgerError(_("Add a whole positive number of items."))
    Reward.objects.filter(pk=reward.pk).update(stock=F("stock") + items, stock_offered=F("stock_offered") + items)
