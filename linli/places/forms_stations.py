"""Forms of the station finder and the coverage page: every parameter checked, errors in the user's language."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from linli.core.forms import AsciiFloatField, SaneDateTimeField

from .models_stations import Amenity
from .stations import MAX_KMH, MIN_KMH


def _amenity_choices() -> list[tuple[str, str | Promise]]:
    return [("", _("Any service"))] + list(Amenity.objects.filter(active=True).values_list("code", "name"))


class StationSearchForm(forms.Form):
    amenity = forms.ChoiceField(label=_("Service needed"), required=False)
    community = forms.CharField(label=_("Or choose a community"), required=False, max_length=15)
    lat = AsciiFloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90,
                           widget=forms.HiddenInput)
    lng = AsciiFloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180,
                           widget=forms.HiddenInput)
    all = forms.BooleanField(label=_("Also show stations that are closed now"), required=False)

    def __init__(self, *args, communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["amenity"]).choices = _amenity_choices()
        self.fields["community"].widget = forms.Select(choices=[("", _("— my position —"))] + [
            (c.code, f"{c.parent.name if c.parent_id else ''}{c.name}") for c in communities])
        self.community_codes = {c.code for c in communities}

    def clean_community(self) -> str:
        code = self.cleaned_data.get("community") or ""
        if code and code not in self.community_codes:
            raise forms.ValidationError(_("Choose a community from the list."))
        return code

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise forms.ValidationError(_("A position needs both latitude and longitude."))
        return data


class CoverageForm(forms.Form):
    MODES = [("walk", _("Walking")), ("ride", _("Riding"))]
    amenity = forms.ChoiceField(label=_("Service"), required=False)
    mode = forms.ChoiceField(label=_("On foot or riding"), choices=MODES, required=False)
    kmh = AsciiFloatField(label=_("Speed (km/h)"), required=False, min_value=MIN_KMH, max_value=MAX_KMH)
    at = SaneDateTimeField(label=_("Stations open at"), required=False,
                             widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
                             input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                             help_text=_("Empty: now."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["amenity"]).choices = _amenity_choices()
