from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .auth import seconds_locked

if TYPE_CHECKING:
    _LoginFormBase = AuthenticationForm
else:
    _LoginFormBase = object


class ThrottledLoginMixin(_LoginFormBase):
    """Tell a user who has failed too often to wait, instead of checking the password again."""

    def _raise_if_locked(self) -> None:
        seconds = seconds_locked(self.cleaned_data.get("username") or "", self.request)
        if seconds:
            minutes = math.ceil(seconds / 60)
            raise ValidationError(
                ngettext(
                    "Too many failed sign-in attempts. Please wait %(minutes)d minute and try again.",
                    "Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.",
                    minutes,
                ) % {"minutes": minutes},
                code="throttled",
            )

    def clean(self) -> dict[str, Any]:
        self._raise_if_locked()
        try:
            return super().clean()
        except ValidationError:
            self._raise_if_locked()  # this failure was the last one allowed
            raise


class LoginForm(ThrottledLoginMixin, AuthenticationForm):
    username = forms.CharField(label=_("Username or mobile number"), max_length=150,
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username",
                                                             "autocapitalize": "none"}))
    error_messages = {
        "invalid_login": _("Wrong username, mobile number or password."),
        "inactive": _("This account is disabled."),
    }


class AdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The admin's sign-in form with the same brake on guessing."""


EARLIEST_YEAR, LATEST_YEAR = 2000, 2100  # a time outside these is a typing error (year 1, 0202, 9999 …)


class SaneDateTimeField(forms.DateTimeField):
    """A date and time between 2000 and 2100: year 1 or 9999 is refused with a message, never a 500
    (converting such a time to the local zone overflows)."""

    def to_python(self, value: Any) -> dt.datetime | None:
        message = _("Give a time between %(first)d and %(last)d.") % {"first": EARLIEST_YEAR, "last": LATEST_YEAR}
        try:
            result = super().to_python(value)
        except OverflowError:
            raise ValidationError(message, code="out_of_range") from None
        if result is not None and not EARLIEST_YEAR <= result.year <= LATEST_YEAR:
            raise ValidationError(message, code="out_of_range")
        return result
