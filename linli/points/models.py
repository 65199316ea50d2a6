"""Volunteering: the points ledger, sponsors' rewards and redemptions (teams, activities, wishes beside).

The points ledger is double-entry: every movement is a ``Transfer`` of a positive integer amount
from one ``Account`` to another, immutable; a mistake is undone by a reversing transfer.  An
account's ``balance`` is a cache of the sum of its movements, kept in the same transaction and
checked against the sum in tests.  Person, sink and expiry accounts can never go below zero (a
database constraint); each scheme's issuance account is where points come from, so its balance is
minus the points issued, and all balances always sum to zero.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.people.models import Person
from linli.places.models import Area, PartnerUnit


class Scheme(models.Model):
    """A points scheme (e.g. 先锋骑士积分制度) and its earning rules."""

    class Expiry(models.TextChoices):
        NEVER = "never", _("Points never expire")
        END_OF_NEXT_YEAR = "end_of_next_year", _("Points expire at the end of the following year")

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="point_schemes", verbose_name=_("host unit"))
    points_per_hour = models.PositiveIntegerField(_("points per confirmed service hour"), default=10)
    points_per_verified_case = models.PositiveIntegerField(_("points per verified case reported"), default=5)
    points_per_meeting = models.PositiveIntegerField(_("points per meeting attended"), default=3)
    points_per_wish = models.PositiveIntegerField(_("points per micro-wish fulfilled"), default=10)
    manual_daily_cap = models.PositiveIntegerField(_("manual award cap per person per day"), default=50)
    expiry = models.CharField(_("expiry"), max_length=20, choices=Expiry.choices, default=Expiry.NEVER)
    rules = models.TextField(_("rules (shown to members)"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("points scheme")
        verbose_name_plural = _("points schemes")

    def __str__(self) -> str:
        return self.name


class AccountKind(models.TextChoices):
    PERSON = "person", _("Person")
    ISSUANCE = "issuance", _("Issuance")
    REDEMPTION = "redemption", _("Redemption sink")
    EXPIRY = "expiry", _("Expiry")


class Account(models.Model):
    kind = models.CharField(_("kind"), max_length=12, choices=AccountKind.choices)
    person = models.OneToOneField(Person, models.PROTECT, null=True, blank=True, related_name="points_account",
                                  verbose_name=_("person"))
    scheme = models.ForeignKey(Scheme, models.PROTECT, null=True, blank=True, related_name="accounts",
                               verbose_name=_("scheme"))
    balance = models.BigIntegerField(_("balance"), default=0)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(condition=Q(kind="issuance") | Q(balance__gte=0), name="account_not_overdrawn"),
            models.CheckConstraint(condition=~Q(kind="person") | Q(person__isnull=False),
                                   name="person_account_has_person"),
            models.UniqueConstraint(fields=["kind", "scheme"], condition=~Q(kind="person"),
                                    name="one_system_account_per_scheme"),
        ]

    def __str__(self) -> str:
        if self.person_id:
            return str(self.person)
        return f"{self.scheme} · {self.get_kind_display()}"


class Transfer(models.Model):
    """One immutable movement of points from ``debit`` (loses) to ``credit`` (gains)."""

    class Source(models.TextChoices):
        SERVICE = "service", _("Volunteer service")
        CASE = "case", _("Verified case report")
        MEETING = "meeting", _("Meeting attended")
        WISH = "wish", _("Micro-wish fulfilled")
        MANUAL = "manual", _("Manual award")
        REDEMPTION = "redemption", _("Reward redeemed")
        REFUND = "refund", _("Unclaimed redemption refunded")
        EXPIRY = "expiry", _("Points expired")
        REVERSAL = "reversal", _("Correction")

    debit = models.ForeignKey(Account, models.PROTECT, related_name="debits", verbose_name=_("from"))
    credit = models.ForeignKey(Account, models.PROTECT, related_name="credits", verbose_name=_("to"))
    amount = models.PositiveBigIntegerField(_("points"))
    key = models.CharField(_("idempotency key"), max_length=100, unique=True)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    source_ref = models.CharField(_("source reference"), max_length=50, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="reversed_by",
                                    verbose_name=_("reverses"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("recorded by"))
    at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("points transfer")
        verbose_name_plural = _("points transfers")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="transfer_between_two_accounts"),
        ]
        indexes = [
            models.Index(fields=["debit", "id"], name="transfer_debit"),
            models.Index(fields=["credit", "id"], name="transfer_credit"),
            models.Index(fields=["source", "at"], name="transfer_source_at"),
        ]

    def __str__(self) -> str:
        return f"{self.debit} → {self.credit}: {self.amount}"


class Reward(models.Model):
    """Goods or a service a sponsor offers for points."""

    class Kind(models.TextChoices):
        GOODS = "goods", _("Goods")
        SERVICE = "service", _("Service")

    sponsor = models.ForeignKey(PartnerUnit, models.PROTECT, related_name="rewards", verbose_name=_("sponsor"))
    scheme = models.ForeignKey(Scheme, models.PROTECT, related_name="rewards", verbose_name=_("scheme"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.GOODS)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    points = models.PositiveIntegerField(_("points price"))
    stock = models.PositiveIntegerField(_("stock"))
    stock_offered = models.PositiveIntegerField(_("stock offered in all"), default=0, editable=False)
    value_fen = models.PositiveIntegerField(_("declared value per item (fen)"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    collect_at = models.CharField(_("where to collect"), max_length=200, blank=True)
    claim_days = models.PositiveSmallIntegerField(_("days to collect"), default=14)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("reward")
        verbose_name_plural = _("rewards")
        ordering = ["points", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(points__gt=0), name="reward_price_positive"),
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")), name="reward_valid_period"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding and not self.stock_offered:
            self.stock_offered = self.stock
        super().save(*args, **kwargs)


class Redemption(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting to be collected")
        COMPLETED = "completed", _("Collected")
        EXPIRED = "expired", _("Expired and refunded")

    reward = models.ForeignKey(Reward, models.PROTECT, related_name="redemptions", verbose_name=_("reward"))
    person = models.ForeignKey(Person, models.PROTECT, related_name="redemptions", verbose_name=_("person"))
    code = models.CharField(_("redemption code"), max_length=6)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    transfer = models.OneToOneField(Transfer, models.PROTECT, related_name="redemption", verbose_name=_("payment"))
    refund = models.OneToOneField(Transfer, models.PROTECT, null=True, blank=True, related_name="refunded_redemption",
                                  verbose_name=_("refund"))
    created_at = models.DateTimeField(_("redeemed at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("collect by"))
    completed_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("confirmed by"))

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-id"]
        constraints = [
            # A code identifies one waiting redemption at a time.
            models.UniqueConstraint(fields=["code"], condition=Q(status="pending"), name="pending_code_unique"),
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="redemption_status_expiry")]

    def __str__(self) -> str:
        return f"{self.person} · {self.reward}"
