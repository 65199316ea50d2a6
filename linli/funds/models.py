"""The self-management fund (自治管理服务费) of an estate or grid.

- ``Fund``: one per estate (a grid or a community), with its purpose and the first month fees are due.
- ``FeeRate``: fen per household per month from a month on; a change is a new row, never an edit.
- ``Exemption``: a household excused for a span of months, with the reason and who approved it; it is
  withdrawn by an ``ExemptionCancellation`` row, never edited or deleted.
- ``Entry``: the ledger, append-only.  ``amount_fen`` is signed (income +, spending −); a correction is a
  reversal entry (``reverses``) with the opposite amount and a reason.  The balance is the sum of entries.
- ``PaidMonth``: which household-months a fee entry paid; a month counts as paid while its entry is not
  reversed.
- ``SpendingClaim``: a proposed spending with its receipt photo; the council chair's approval writes the
  spending entry.  The claim's status is workflow, the money is only in the ledger.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.places.models import Area, Building, Household

MAX_FEN = 100_000_000  # one million yuan: far above any single entry of an estate fund


class AppendOnly(models.Model):
    """Rows that are written once: saving an existing row or deleting one raises an error."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValidationError(_("Ledger rows cannot be changed; record a correction instead."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("Ledger rows cannot be deleted; record a correction instead."))


class Fund(models.Model):
    name = models.CharField(_("name"), max_length=100)
    area = models.ForeignKey(Area, models.PROTECT, related_name="funds", verbose_name=_("estate or grid"),
                             help_text=_("Every household under this area owes the fee."))
    purpose = models.CharField(_("purpose"), max_length=200, blank=True)
    starts_on = models.DateField(_("first month due"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("self-management fund")
        verbose_name_plural = _("self-management funds")
        ordering = ["area__code", "id"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_on and self.starts_on.day != 1:
            raise ValidationError({"starts_on": _("A fund starts on the first day of a month.")})

    @classmethod
    def scope_q(cls, scope) -> Q:
        return scope.area_q("area__code")


class FeeRate(AppendOnly):
    fund = models.ForeignKey(Fund, models.PROTECT, related_name="rates", verbose_name=_("fund"))
    amount_fen = models.PositiveIntegerField(_("fen per household per month"),
                                             validators=[MaxValueValidator(1_000_000)])
    starts_on = models.DateField(_("from month"))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee rates")
        ordering = ["fund", "starts_on", "id"]
        indexes = [models.Index(fields=["fund", "starts_on"], name="feerate_fund_start")]

    def __str__(self) -> str:
        return f"{self.fund}: {self.amount_fen} / {self.starts_on:%Y-%m}"


class Exemption(AppendOnly):
    fund = models.ForeignKey(Fund, models.PROTECT, related_name="exemptions", verbose_name=_("fund"))
    household = models.ForeignKey(Household, models.PROTECT, related_name="fee_exemptions",
                                  verbose_name=_("household"))
    first_month = models.DateField(_("from month"))
    last_month = models.DateField(_("until month"), null=True, blank=True, help_text=_("Empty: until withdrawn."))
    reason = models.CharField(_("reason"), max_length=200)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("approved by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("exemption")
        verbose_name_plural = _("exemptions")
        ordering = ["fund", "-id"]
        constraints = [models.CheckConstraint(
            condition=Q(last_month__isnull=True) | Q(last_month__gte=models.F("first_month")),
            name="exemption_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.household}: {self.reason}"


class ExemptionCancellation(AppendOnly):
    exemption = models.OneToOneField(Exemption, models.PROTECT, related_name="cancellation",
                                     verbose_name=_("exemption"))
    reason = models.CharField(_("reason"), max_length=200)
    cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                     verbose_name=_("withdrawn by"))
    cancelled_at = models.DateTimeField(_("withdrawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("withdrawn exemption")
        verbose_name_plural = _("withdrawn exemptions")

    def __str__(self) -> str:
        return f"{self.exemption}: {self.reason}"


class EntryKind(models.TextChoices):
    FEE = "fee", _("Fee")
    OTHER_INCOME = "other_income", _("Other income")
    SPENDING = "spending", _("Spending")


class SpendingItem(models.TextChoices):
    WAGES = "wages", _("Cleaners' wages")
    REPAIRS = "repairs", _("Repairs")
    SUPPLIES = "supplies", _("Cleaning supplies")
    OTHER = "other", _("Other spending")


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    TRANSFER = "transfer", _("Transfer")


class Entry(AppendOnly):
    fund = models.ForeignKey(Fund, models.PROTECT, related_name="entries", verbose_name=_("fund"))
    kind = models.CharField(_("kind"), max_length=15, choices=EntryKind.choices)
    amount_fen = models.BigIntegerField(_("amount (fen)"))
    occurred_on = models.DateField(_("date"))
    household = models.ForeignKey(Household, models.PROTECT, null=True, blank=True, related_name="fee_entries",
                                  verbose_name=_("household"))
    method = models.CharField(_("paid by"), max_length=10, choices=PaymentMethod.choices, blank=True)
    receipt_no = models.CharField(_("receipt number"), max_length=30, blank=True)
    item = models.CharField(_("item"), max_length=10, choices=SpendingItem.choices, blank=True)
    payee = models.CharField(_("paid to"), max_length=100, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    decision_ref = models.CharField(_("council decision"), max_length=100, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                    related_name="+", verbose_name=_("approved by"))
    reverses = models.OneToOneField("self", models.PROTECT, null=True, blank=True, related_name="reversal",
                                    verbose_name=_("reverses"))
    reason = models.CharField(_("reason for the correction"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount_fen=0), name="entry_amount_not_zero"),
            models.CheckConstraint(condition=Q(reverses__isnull=True) | ~Q(reason=""), name="reversal_has_reason"),
            models.UniqueConstraint(fields=["fund", "receipt_no"], condition=~Q(receipt_no=""),
                                    name="entry_receipt_unique_in_fund"),
        ]
        indexes = [models.Index(fields=["fund", "occurred_on"], name="entry_fund_date"),
                   models.Index(fields=["fund", "kind", "occurred_on"], name="entry_fund_kind_date")]

    def __str__(self) -> str:
        return f"{self.fund} #{self.pk}: {self.amount_fen}"

    @property
    def amount_yuan(self) -> str:
        from .money import yuan

        return yuan(self.amount_fen)


class PaidMonth(AppendOnly):
    entry = models.ForeignKey(Entry, models.PROTECT, related_name="months", verbose_name=_("payment"))
    household = models.ForeignKey(Household, models.PROTECT, related_name="paid_months", verbose_name=_("household"))
    building = models.ForeignKey(Building, models.PROTECT, related_name="+", verbose_name=_("building"),
                                 editable=False)  # denormalised for the per-building sums
    month = models.DateField(_("month"))
    amount_fen = models.PositiveIntegerField(_("amount (fen)"))

    class Meta:
        verbose_name = _("paid month")
        verbose_name_plural = _("paid months")
        ordering = ["household", "month"]
        indexes = [models.Index(fields=["household", "month"], name="paidmonth_household_month"),
                   models.Index(fields=["building", "month"], name="paidmonth_building_month")]

    def __str__(self) -> str:
        return f"{self.household} {self.month:%Y-%m}"


def receipt_path(instance, filename: str) -> str:
    return f"funds/receipts/{instance.receipt_uuid}.jpg"


class SpendingClaim(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")

    fund = models.ForeignKey(Fund, models.PROTECT, related_name="claims", verbose_name=_("fund"))
    item = models.CharField(_("item"), max_length=10, choices=SpendingItem.choices)
    amount_fen = models.PositiveIntegerField(_("amount (fen)"), validators=[MinValueValidator(1),
                                                                             MaxValueValidator(MAX_FEN)])
    spent_on = models.DateField(_("date"))
    payee = models.CharField(_("paid to"), max_length=100)
    description = models.CharField(_("description"), max_length=200)
    decision_ref = models.CharField(_("council decision"), max_length=100, blank=True,
                                    help_text=_("The council meeting or decision that agreed this spending."))
    receipt = models.ImageField(_("receipt photo"), upload_to=receipt_path, blank=True)
    receipt_uuid = models.UUIDField(null=True, blank=True, editable=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+",
                                    verbose_name=_("proposed by"))
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True,
                                   related_name="+", verbose_name=_("decided by"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)
    entry = models.OneToOneField(Entry, models.PROTECT, null=True, blank=True, related_name="claim",
                                 verbose_name=_("ledger entry"))

    class Meta:
        verbose_name = _("spending claim")
        verbose_name_plural = _("spending claims")
        ordering = ["-id"]
        indexes = [models.Index(fields=["fund", "status", "id"], name="claim_fund_status")]

    def __str__(self) -> str:
        return f"{self.fund}: {self.get_item_display()} {self.amount_fen}"
