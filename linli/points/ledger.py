"""The points ledger: every movement of points goes through ``transfer``.

- A transfer moves a positive integer amount from one account to another and is never edited;
  ``reverse`` undoes one with an opposite transfer.
- Each transfer has an idempotency key: the same key again returns the first transfer; the same
  key with a different amount or other accounts is refused.
- No account but an issuance account goes below zero: the debit is a conditional UPDATE
  (``balance >= amount``) in the same transaction as the transfer row, so concurrent spends on
  SQLite (IMMEDIATE transactions) and PostgreSQL (row locks) can never overdraw; a database
  CHECK constraint backs it up.  Accounts are updated in primary-key order to avoid deadlocks.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.people.models import Person

from .models import Account, AccountKind, Scheme, Transfer

if TYPE_CHECKING:
    from linli.core.models import User


class LedgerError(ValidationError):
    """A refused movement, with a message for the user."""


class InsufficientPoints(LedgerError):
    pass


class IdempotencyConflict(LedgerError):
    pass


def person_account(person: Person) -> Account:
    account, _created = Account.objects.get_or_create(person=person, defaults={"kind": AccountKind.PERSON})
    return account


def system_account(scheme: Scheme, kind: str) -> Account:
    if kind == AccountKind.PERSON:
        raise ValueError("a person account is not a system account")
    try:
        with transaction.atomic():
            account, _created = Account.objects.get_or_create(scheme=scheme, kind=kind)
    except IntegrityError:  # created concurrently
        account = Account.objects.get(scheme=scheme, kind=kind)
    return account


def _check_amount(amount: object) -> int:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise LedgerError(_("Points move in whole positive numbers."))
    return amount


def _same(existing: Transfer, debit: Account, credit: Account, amount: int) -> Transfer:
    if (existing.debit_id, existing.credit_id, existing.amount) != (debit.pk, credit.pk, amount):
        raise IdempotencyConflict(_("This request was already recorded with a different amount."))
    return existing


@transaction.atomic
def transfer(debit: Account, credit: Account, amount: int, *, key: str, source: str, source_ref: str = "",
             reason: str = "", user: User | None = None, reverses: Transfer | None = None) -> Transfer:
    """Move ``amount`` points from ``debit`` to ``credit`` once per ``key``."""
    amount = _check_amount(amount)
    if debit.pk == credit.pk:
        raise LedgerError(_("Points cannot move to the same account."))
    if not key or len(key) > 100:
        raise LedgerError(_("Every movement needs an idempotency key of at most 100 characters."))
    if existing := Transfer.objects.filter(key=key).first():
        return _same(existing, debit, credit, amount)
    try:
        with transaction.atomic():
            record = Transfer.objects.create(debit=debit, credit=credit, amount=amount, key=key, source=source,
                                             source_ref=source_ref, reason=reason[:200], created_by=user,
                                             reverses=reverses)
    except IntegrityError:
        if existing := Transfer.objects.filter(key=key).first():  # the same request, recorded concurrently
            return _same(existing, debit, credit, amount)
        raise LedgerError(_("This movement has already been corrected.")) from None
    for account in sorted((debit, credit), key=lambda a: a.pk):
        if account is credit:
            Account.objects.filter(pk=credit.pk).update(balance=F("balance") + amount)
        elif debit.kind == AccountKind.ISSUANCE:
            Account.objects.filter(pk=debit.pk).update(balance=F("balance") - amount)
        elif not Account.objects.filter(pk=debit.pk, balance__gte=amount).update(balance=F("balance") - amount):
            raise InsufficientPoints(_("Not enough points: %(n)d needed.") % {"n": amount})
    return record


def reverse(original: Transfer, *, reason: str, user: User | None = None) -> Transfer:
    """Correct a mistake with an opposite transfer (each transfer can be reversed once)."""
    if not (reason or "").strip():
        raise LedgerError(_("A correction needs a reason."))
    if original.source == Transfer.Source.REVERSAL:
        raise LedgerError(_("A correction cannot itself be corrected; record a new movement instead."))
    return transfer(original.credit, original.debit, original.amount, key=f"reverse:{original.pk}",
                    source=Transfer.Source.REVERSAL, source_ref=str(original.pk), reason=reason, user=user,
                    reverses=original)


def earn(scheme: Scheme, person: Person, amount: int, *, key: str, source: str, source_ref: str = "",
         reason: str = "", user: User | None = None) -> Transfer:
    """Points issued by a scheme to a person."""
    return transfer(system_account(scheme, AccountKind.ISSUANCE), person_account(person), amount, key=key,
                    source=source, source_ref=source_ref, reason=reason, user=user)


@transaction.atomic
def manual_award(scheme: Scheme, person: Person, amount: int, *, reason: str, user: User | None, key: str) -> Transfer:
    """A leader's award, with a reason, within the scheme's daily cap per person."""
    if not (reason or "").strip():
        raise LedgerError(_("A manual award needs a reason."))
    amount = _check_amount(amount)
    account = person_account(person)
    Account.objects.select_for_update().filter(pk=account.pk).first()  # serialise awards to one person
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    today = Transfer.objects.filter(credit=account, source=Transfer.Source.MANUAL, at__gte=start).exclude(
        key=key).aggregate(n=Coalesce(Sum("amount"), 0))["n"]
    if today + amount > scheme.manual_daily_cap:
        raise LedgerError(_("At most %(cap)d points a day can be awarded by hand to one person (%(left)d left).")
                          % {"cap": scheme.manual_daily_cap, "left": max(0, scheme.manual_daily_cap - today)})
    return earn(scheme, person, amount, key=key, source=Transfer.Source.MANUAL, reason=reason, user=user)


def balance_from_movements(account: Account) -> int:
    """The balance as the sum of the account's movements (what the cached balance must equal)."""
    credits: int = Transfer.objects.filter(credit=account).aggregate(n=Coalesce(Sum("amount"), 0))["n"]
    debits: int = Transfer.objects.filter(debit=account).aggregate(n=Coalesce(Sum("amount"), 0))["n"]
    return credits - debits


EARNING_SOURCES = (Transfer.Source.SERVICE, Transfer.Source.CASE, Transfer.Source.MEETING, Transfer.Source.WISH,
                   Transfer.Source.MANUAL)


def expire_points(scheme: Scheme, today: dt.date | None = None) -> int:
    """Expire, first in first out, the points earned in a year that ended more than a year ago.

    Points earned in year Y and not used by the end of Y+1 leave by an expiry transfer.  "Used" is the
    net outflow of the account (all debits less refunds and corrections credited back).  Returns the
    number of points expired.  Running it twice does nothing more (keys per account and year).
    """
    if scheme.expiry != Scheme.Expiry.END_OF_NEXT_YEAR:
        return 0
    today = today or timezone.localdate()
    year = today.year - 2  # points of this year (and earlier) have expired by now
    cutoff = timezone.make_aware(dt.datetime(year + 1, 1, 1))
    sink = system_account(scheme, AccountKind.EXPIRY)
    issuance = system_account(scheme, AccountKind.ISSUANCE)
    total = 0
    earned = (Transfer.objects.filter(debit=issuance, at__lt=cutoff, source__in=EARNING_SOURCES)
              .values("credit_id").annotate(n=Sum("amount")))
    for row in earned:
        account = Account.objects.get(pk=row["credit_id"])
        out = Transfer.objects.filter(debit=account).aggregate(n=Coalesce(Sum("amount"), 0))["n"]
        back = Transfer.objects.filter(credit=account).filter(
            Q(source=Transfer.Source.REFUND) | Q(source=Transfer.Source.REVERSAL)).aggregate(
            n=Coalesce(Sum("amount"), 0))["n"]
        key = f"expire:{scheme.pk}:{account.pk}:{year}"
        if Transfer.objects.filter(key=key).exists():
            continue  # this year's points were settled on an earlier run
        amount = min(row["n"] - (out - back), account.balance)
        if amount > 0:
            transfer(account, sink, amount, key=key,
                     source=Transfer.Source.EXPIRY, source_ref=str(year),
                     reason=_("Points earned in %(year)d and not used by the end of %(next)d") % {
                         "year": year, "next": year + 1})
            total += amount
    return total
