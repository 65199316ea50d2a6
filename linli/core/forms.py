from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .auth import seconds_locked
from .text import ascii_digits

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


def _ascii(value: Any) -> Any:
    """Full-width digits become ASCII; digits of another script are a form error (see ``core.text.ascii_digits``)."""
    if not isinstance(value, str):
        return value
    try:
        return ascii_digits(value)
    except ValueError:
        raise ValidationError(_("Type numbers with the digits 0–9."), code="digits") from None


class AsciiDigitsMixin:
    """For a number field: ``１０`` is read as 10, ``١٠`` is refused (Django's own fields take both as 10)."""

    def to_python(self, value: Any) -> Any:
        return super().to_python(_ascii(value))  # type: ignore[misc]


class AsciiIntegerField(AsciiDigitsMixin, forms.IntegerField):
    pass


class AsciiFloatField(AsciiDigitsMixin, forms.FloatField):
    pass


class AsciiDecimalField(AsciiDigitsMixin, forms.DecimalField):
    pass


class _SaneYearsMixin:
    """A date or time whose year lies between ``first_year`` and ``last_year`` (default 2000–2100), typed with
    ASCII digits: year 1 or 9999 is refused with a message, never a 500 (converting such a time to the local
    zone overflows) nor stored."""

    def __init__(self, *args: Any, first_year: int = EARLIEST_YEAR, last_year: int = LATEST_YEAR,
                 **kwargs: Any) -> None:
        self.first_year, self.last_year = first_year, last_year
        super().__init__(*args, **kwargs)

    out_of_range: Any = ""

    def to_python(self, value: Any) -> Any:
        message = self.out_of_range % {"first": self.first_year, "last": self.last_year}
        try:
            result = super().to_python(_ascii(value))  # type: ignore[misc]
        except OverflowError:
            raise ValidationError(message, code="out_of_range") from None
        if result is not None and not self.first_year <= result.year <= self.last_year:
            raise ValidationError(message, code="out_of_range")
        return result


class SaneDateTimeField(_SaneYearsMixin, forms.DateTimeField):
    """A date and time between 2000 and 2100 (see ``_SaneYearsMixin``)."""

    out_of_range = _("Give a time between %(first)d and %(last)d.")


class SaneDateField(_SaneYearsMixin, forms.DateField):
    """A date between 2000 and 2100, or between ``first_year`` and ``last_year`` (see ``_SaneYearsMixin``)."""

    out_of_range = _("Give a date between %(first)d and %(last)d.")
