"""Forms of the points pages: correcting a movement and awarding points by hand."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy

from linli.core.forms import AsciiIntegerField, SaneDateField

REQUEST_KEY = re.compile(r"^[0-9a-f]{32}$")


class ReverseForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason for the correction"), max_length=200,
                             error_messages={"required": gettext_lazy("A correction needs a reason."),
                                             "max_length": gettext_lazy("Please keep the reason under 200 "
                                                                        "characters.")})


class AwardForm(forms.Form):
    amount = AsciiIntegerField(label=gettext_lazy("Points"), min_value=1, max_value=100_000,
                                error_messages={"required": gettext_lazy("Enter the points to award."),
                                                "invalid": gettext_lazy("Points are a whole number."),
                                                "min_value": gettext_lazy("Award at least 1 point."),
                                                "max_value": gettext_lazy("That is too many points.")})
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200,
                             error_messages={"required": gettext_lazy("A manual award needs a reason."),
                                             "max_length": gettext_lazy("Please keep the reason under 200 "
                                                                        "characters.")})
    request_key = forms.RegexField(regex=REQUEST_KEY, widget=forms.HiddenInput,
                                   error_messages={"invalid": gettext_lazy("This form is out of date; "
                                                                           "please try again."),
                                                   "required": gettext_lazy("This form is out of date; "
                                                                            "please try again.")})


EARLIEST = dt.date(2000, 1, 1)


class FiguresForm(forms.Form):
    """The unit (one of the viewer's areas or one under them) and the days of the figures page."""

    unit = forms.ChoiceField(label=gettext_lazy("Unit"), required=False,
                             error_messages={"invalid_choice": gettext_lazy("Choose a unit from the list.")})
    start = SaneDateField(label=gettext_lazy("From"), required=False,
                          error_messages={"invalid": gettext_lazy("Enter a date as YYYY-MM-DD.")})
    last = SaneDateField(label=gettext_lazy("To"), required=False,
                         error_messages={"invalid": gettext_lazy("Enter a date as YYYY-MM-DD.")})

    def __init__(self, data: Any, units: list[tuple[str, str]], today: dt.date | None = None) -> None:
        data = data.copy()
        for url_name, field in (("from", "start"), ("to", "last")):  # the URL speaks from/to
            if url_name in data and field not in data:
                data[field] = data.get(url_name)
        super().__init__(data)
        self.today = today or timezone.localdate()
        self.fields["unit"].choices = units  # type: ignore[attr-defined]  # a ChoiceField
        self.default_unit = units[0][0] if units else ""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start = data.get("start") or self.today.replace(month=1, day=1)
        last = data.get("last") or self.today
        if not self.errors:
            if start > last:
                raise forms.ValidationError(gettext_lazy("The first day must not come after the last day."))
            if start < EARLIEST or last > self.today + dt.timedelta(days=366):
                raise forms.ValidationError(gettext_lazy("Choose days between 2000 and next year."))
        data.update(unit=data.get("unit") or self.default_unit, start=start, last=last)
        return data

    def choice(self) -> tuple[str, dt.date, dt.date]:
        """The unit's code and the first and last day: the form's if valid, else this year of the first unit."""
        if self.is_valid():
            d = self.cleaned_data
            return d["unit"], d["start"], d["last"]
        return self.default_unit, self.today.replace(month=1, day=1), self.today
