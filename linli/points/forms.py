"""Forms of the points pages: correcting a movement and awarding points by hand."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy

from linli.core.forms import AsciiIntegerField

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
