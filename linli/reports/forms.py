"""The period chooser of the dashboard and the month of the monthly report; bad input falls back to this
month with a clear error and never raises."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.forms import SaneDateField

from .periods import EARLIEST, KINDS, MAX_DAYS, Period, month_period, period_of


class PeriodForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=list(KINDS.items()), required=False,
                               error_messages={"invalid_choice": _("Choose one of the periods offered.")})
    start = SaneDateField(label=_("From"), required=False,
                            error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")})
    last = SaneDateField(label=_("To"), required=False,
                           error_messages={"invalid": _("Enter a date as YYYY-MM-DD.")})

    def __init__(self, data=None, today: dt.date | None = None) -> None:
        data = data.copy() if data is not None else {}
        # the URL speaks from/to; "from" cannot be a field name in Python
        if "from" in data and "start" not in data:
            data["start"] = data.get("from")
        if "to" in data and "last" not in data:
            data["last"] = data.get("to")
        super().__init__(data)
        self.today = today or timezone.localdate()

    def clean(self):
        data = super().clean() or {}
        if data.get("period") != "custom":
            return data
        start, last = data.get("start"), data.get("last")
        if self.errors:
            return data
        if not start or not last:
            raise forms.ValidationError(_("A custom period needs both a first and a last day."))
        if start > last:
            raise forms.ValidationError(_("The first day must not come after the last day."))
        if start < EARLIEST or last > self.today + dt.timedelta(days=366):
            raise forms.ValidationError(_("Choose days between 2000 and next year."))
        if (last - start).days + 1 > MAX_DAYS:
            raise forms.ValidationError(_("A custom period spans at most three years."))
        return data

    def get_period(self) -> Period:
        if not self.is_valid():
            return period_of("this_month", self.today)
        d = self.cleaned_data
        return period_of(d.get("period") or "this_month", self.today, d.get("start"), d.get("last"))


class MonthForm(forms.Form):
    month = forms.RegexField(label=_("Month"), regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                             error_messages={"invalid": _("Choose a month as YYYY-MM.")})

    def get_period(self) -> Period:
        value = self.cleaned_data.get("month") if self.is_valid() else None
        if value:
            year, month = map(int, value.split("-"))
            if 2000 <= year <= 2100:
                return month_period(dt.date(year, month, 1))
        today = timezone.localdate()
        return month_period(today)
