"""Forms of the fund pages.  Amounts are typed in yuan and kept in fen; months are typed as YYYY-MM."""

from __future__ import annotations

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.forms import AsciiIntegerField, SaneDateField
from linli.core.text import ascii_digits

from .models import PaymentMethod, SpendingItem
from .money import MoneyError, parse_yuan
from .services import FundError, parse_month


class YuanField(forms.CharField):
    def __init__(self, *args, allow_zero: bool = False, **kwargs):
        kwargs.setdefault("max_length", 14)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
        self.allow_zero = allow_zero
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            fen = parse_yuan(value)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from None
        if fen == 0 and not self.allow_zero:
            raise forms.ValidationError(_("The amount must be more than zero."))
        return fen


class MonthField(forms.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 7)
        kwargs.setdefault("widget", forms.TextInput(attrs={"type": "month", "placeholder": "2025-03"}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            return parse_month(value)
        except FundError as exc:
            raise forms.ValidationError(exc.messages[0]) from None


class PaymentForm(forms.Form):
    household = forms.TypedChoiceField(label=_("Household"), coerce=int)
    first_month = MonthField(label=_("First month paid"))
    months = AsciiIntegerField(label=_("Number of months"), min_value=1, max_value=24, initial=1)
    method = forms.ChoiceField(label=_("Paid by"), choices=PaymentMethod.choices, initial=PaymentMethod.CASH)
    receipt_no = forms.CharField(label=_("Receipt number"), max_length=30)
    paid_on = SaneDateField(label=_("Date paid"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["household"]).choices = [("", "—")] + [(h.pk, str(h)) for h in households]

    def clean_receipt_no(self) -> str:
        """``ＸＨ－０００１`` is the receipt ``XH-0001`` (NFKC), so a full-width twin cannot pass the unique check."""
        try:
            return ascii_digits(self.cleaned_data["receipt_no"]).strip()
        except ValueError:
            raise forms.ValidationError(_("Type the receipt number with the digits 0–9.")) from None


class RateForm(forms.Form):
    amount = YuanField(label=_("Yuan per household per month"), allow_zero=True)
    starts_on = MonthField(label=_("From month"))
    note = forms.CharField(label=_("Note (e.g. the meeting that agreed it)"), max_length=200, required=False)


class ExemptionForm(forms.Form):
    household = forms.TypedChoiceField(label=_("Household"), coerce=int)
    first_month = MonthField(label=_("From month"))
    last_month = MonthField(label=_("Until month (empty: until withdrawn)"), required=False)
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, households=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["household"]).choices = [("", "—")] + [(h.pk, str(h)) for h in households]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ClaimForm(forms.Form):
    item = forms.ChoiceField(label=_("Item"), choices=SpendingItem.choices)
    amount = YuanField(label=_("Amount (yuan)"))
    spent_on = SaneDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    payee = forms.CharField(label=_("Paid to"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=200)
    decision_ref = forms.CharField(label=_("Council decision"), max_length=100, required=False)
    receipt = forms.FileField(label=_("Receipt photo"), required=False,
                              widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
