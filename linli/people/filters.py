"""The people list's search and filters: one form that both validates the query string and says
which rows match.  ``services.filter_people`` applies it; the list page also shows its errors.

Search syntax of ``q`` (spaces ignored):

- ``13812341234``: a full mobile number (exact); ``+86`` and dashes are dropped;
- ``50011319900101123X``: a full 18-character ID-card number (exact);
- ``138****1234``: a masked mobile (prefix and last four), ``5001**********123X`` a masked ID;
- ``1234`` or ``123X``: the last four characters of an ID-card or mobile number (indexed);
- anything else: part of the name.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.identifiers import normalise_id_number, normalise_mobile
from linli.places.models import Area, code_range

from .models import RESERVE_STAGES, Occupation, PartyStage, Role, RoleAssignment

# Age bands of the filter: key → (youngest, oldest) in whole years, None for open-ended.
AGE_BANDS: dict[str, tuple[int | None, int | None]] = {
    "0-17": (None, 17),
    "18-35": (18, 35),
    "36-59": (36, 59),
    "60-79": (60, 79),
    "80+": (80, None),
}
AGE_BAND_CHOICES = [
    ("0-17", _("Under 18")),
    ("18-35", _("18–35")),
    ("36-59", _("36–59")),
    ("60-79", _("60–79")),
    ("80+", _("80 and over")),
]
RESERVE_VIEW = "reserve"

_MOBILE_RE = re.compile(r"^1[3-9][0-9]{9}$")
_ID_RE = re.compile(r"^[0-9]{17}[0-9X]$")
_MASKED_MOBILE_RE = re.compile(r"^(1[0-9]{2})\*{1,8}([0-9]{4})$")
_MASKED_ID_RE = re.compile(r"^([0-9]{1,6})\*{4,14}([0-9]{3}[0-9X])$")
_SUFFIX_RE = re.compile(r"^[0-9]{3}[0-9X]$")
_AREA_CODE_RE = re.compile(r"^[0-9]{6}([0-9]{3}){0,3}$")


def years_before(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def age_band_q(band: str, today: dt.date | None = None) -> Q:
    """People whose age (in whole years, today) lies in the band: a range of birth dates."""
    youngest, oldest = AGE_BANDS[band]
    today = today or timezone.localdate()
    q = Q(birth_date__isnull=False)
    if youngest is not None:  # age >= youngest  ⇔  born on or before today − youngest years
        q &= Q(birth_date__lte=years_before(today, youngest))
    if oldest is not None:  # age <= oldest  ⇔  born after today − (oldest + 1) years
        q &= Q(birth_date__gt=years_before(today, oldest + 1))
    return q


def search_q(text: str) -> Q:
    """What a search box entry matches (see the module docstring)."""
    term = re.sub(r"\s", "", text).replace("＊", "*")
    if not term:
        return Q()
    mobile = normalise_mobile(term)
    if _MOBILE_RE.match(mobile):
        return Q(mobile_suffix=mobile[-4:], mobile=mobile)
    upper = normalise_id_number(term)
    if _ID_RE.match(upper):
        return Q(id_suffix=upper[-4:], id_number=upper)
    if m := _MASKED_MOBILE_RE.match(term):
        return Q(mobile_suffix=m[2], mobile__startswith=m[1])
    if m := _MASKED_ID_RE.match(upper):
        return Q(id_suffix=m[2], id_number__startswith=m[1])
    if _SUFFIX_RE.match(upper):
        return Q(id_suffix=upper) | Q(mobile_suffix=upper)
    return Q(name__icontains=text.strip())


class PeopleFilterForm(forms.Form):
    """The list's query string.  ``areas``: the codes a user may pick (their scope); without it any
    well-formed code is accepted (the queryset is already scoped)."""

    q = forms.CharField(label=_("Search"), max_length=50, required=False,
                        help_text=_("Name, last 4 digits of ID or mobile, full number, or 138****1234"))
    area = forms.CharField(label=_("Area"), max_length=15, required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("Any role")), *Role.choices])
    occupation = forms.ChoiceField(label=_("Occupation"), required=False,
                                   choices=[("", _("Any occupation")), *Occupation.choices])
    age = forms.ChoiceField(label=_("Age"), required=False, choices=[("", _("Any age")), *AGE_BAND_CHOICES])
    party = forms.ChoiceField(label=_("Party status"), required=False,
                              choices=[("", _("Any party status")), *PartyStage.choices])
    view = forms.ChoiceField(label=_("View"), required=False,
                             choices=[("", _("Everyone")), (RESERVE_VIEW, _("Reserve pool"))])
    after = forms.IntegerField(required=False, min_value=0, max_value=2**62, widget=forms.HiddenInput)

    error_messages = {
        "area_format": _("An area code has 6, 9, 12 or 15 digits."),
        "area_scope": _("Choose an area within your scope."),
    }

    def __init__(self, data=None, *, areas: Iterable[Area] | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.areas = list(areas) if areas is not None else None
        if self.areas is not None:
            choices: list[tuple[str, Any]] = [("", _("All areas in my scope"))]
            choices += [(a.code, "\u3000" * _depth(a.code) + a.name) for a in self.areas]
            self.fields["area"].widget = forms.Select(choices=choices)
        self.fields["after"].error_messages["invalid"] = _("The page marker must be a whole number.")

    def clean_area(self) -> str:
        code = self.cleaned_data["area"].strip()
        if not code:
            return ""
        if not _AREA_CODE_RE.match(code):
            raise forms.ValidationError(self.error_messages["area_format"], code="area_format")
        if self.areas is not None and code not in {a.code for a in self.areas}:
            raise forms.ValidationError(self.error_messages["area_scope"], code="area_scope")
        return code

    def apply(self, qs: QuerySet) -> QuerySet:
        """``qs`` narrowed by the valid filters (call after ``is_valid()``); ``after`` is not applied."""
        data = self.cleaned_data
        if data.get("q"):
            qs = qs.filter(search_q(data["q"]))
        if data.get("area"):
            low, high = code_range(data["area"])
            qs = qs.filter(area__code__gte=low, area__code__lt=high)
        if data.get("role"):
            qs = qs.filter(pk__in=RoleAssignment.objects.current().filter(role=data["role"]).values("person_id"))
        if data.get("occupation"):
            qs = qs.filter(worker__occupation=data["occupation"])
        if data.get("age"):
            qs = qs.filter(age_band_q(data["age"]))
        if data.get("party"):
            qs = qs.filter(party__stage=data["party"])
        if data.get("view") == RESERVE_VIEW:
            qs = qs.filter(party__stage__in=RESERVE_STAGES)
        return qs

    def active_params(self) -> dict[str, str]:
        """The valid, non-empty filters (without ``after``), to build links that keep them."""
        if not self.is_valid():
            return {}
        return {k: str(v) for k, v in self.cleaned_data.items() if v not in ("", None) and k != "after"}


def _depth(code: str) -> int:
    return max(0, (len(code) - 6) // 3)
