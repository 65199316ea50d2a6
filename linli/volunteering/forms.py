"""Forms of the volunteering pages (teams, activities, check-in, records, certificates, wishes, honours, pledges)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.core.forms import AsciiDecimalField, AsciiFloatField, AsciiIntegerField, SaneDateField, SaneDateTimeField
from linli.places.models import Area, ServiceStation

from .models import Activity, Honour, Pledge, Team

MAX_ACTIVITY_HOURS = 24


def hours_field(label, required: bool = True) -> AsciiDecimalField:
    return AsciiDecimalField(label=label, required=required, min_value=Decimal(0), max_value=Decimal(24),
                              max_digits=4, decimal_places=2,
                              widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}))


def to_minutes(hours: Decimal | None) -> int | None:
    """Hours (in quarter hours) to whole minutes; anything else is refused."""
    if hours is None:
        return None
    quarters = hours * 4
    if quarters != quarters.to_integral_value():
        raise ValidationError(_("Enter hours in quarter hours (e.g. 1.25, 1.5, 1.75)."))
    return int(quarters) * 15


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ActivityForm(forms.ModelForm):
    class Meta:
        model = Activity
        fields = ["title", "kind", "description", "area", "team", "station", "place", "lat", "lng", "starts_at",
                  "ends_at",
                  "capacity", "participants"]
        field_classes = {"starts_at": SaneDateTimeField, "ends_at": SaneDateTimeField, "lat": AsciiFloatField,
                         "lng": AsciiFloatField, "capacity": AsciiIntegerField, "participants": AsciiIntegerField}
        widgets = {
            "starts_at": LocalDateTimeInput(), "ends_at": LocalDateTimeInput(),
            "lat": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "lng": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, areas, teams, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas
        cast(forms.ModelChoiceField, self.fields["team"]).queryset = teams
        self.fields["team"].required = False
        self.fields["station"].required = False
        cast(forms.ModelChoiceField, self.fields["station"]).queryset = (
            ServiceStation.objects.filter(active=True).order_by("name"))
        self.fields["participants"].required = False
        for name in ("starts_at", "ends_at"):
            cast(forms.DateTimeField, self.fields[name]).input_formats = [
                "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]

    def clean_participants(self) -> int:
        return self.cleaned_data.get("participants") or 0

    def clean(self):
        data = super().clean() or {}
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends:
            if ends <= starts:
                self.add_error("ends_at", _("The activity must end after it starts."))
            elif ends - starts > dt.timedelta(hours=MAX_ACTIVITY_HOURS):
                self.add_error("ends_at", _("An activity lasts at most 24 hours; make one for each day."))
        if (data.get("lat") is None) != (data.get("lng") is None):
            self.add_error("lng", _("Give both latitude and longitude, or neither."))
        return data


class CheckinForm(forms.Form):
    code = forms.RegexField(label=_("6-digit code"), regex=r"^\d{6}$", max_length=6,
                            error_messages={"invalid": _("The code has 6 digits.")},
                            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code",
                                                          "pattern": "[0-9]{6}", "maxlength": "6"}))
    lat = AsciiFloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = AsciiFloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def clean(self):
        data = super().clean() or {}
        if (data.get("lat") is None) != (data.get("lng") is None):
            raise ValidationError(_("The phone's position is incomplete; try again."))
        return data


class ConfirmHoursForm(forms.Form):
    hours = hours_field(_("Hours"), required=False)
    reason = forms.CharField(label=_("Reason for a change"), max_length=200, required=False)

    def clean_hours(self):
        return to_minutes(self.cleaned_data.get("hours"))


class CorrectionRequestForm(forms.Form):
    hours = hours_field(_("Correct hours"))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def clean_hours(self):
        return to_minutes(self.cleaned_data.get("hours"))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=[("accept", _("Accept")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class PersonLookupMixin(forms.Form):
    """Choose a person by their mobile number (the way staff know people on the phone)."""

    mobile = forms.RegexField(label=_("Mobile number"), regex=r"^1\d{10}$", required=False,
                              error_messages={"invalid": _("Enter an 11-digit mobile number.")},
                              widget=forms.TextInput(attrs={"inputmode": "numeric", "maxlength": "11"}))
    person = AsciiIntegerField(required=False, min_value=1, widget=forms.HiddenInput)


class CertificateForm(PersonLookupMixin):
    area = forms.ModelChoiceField(label=_("Issuing unit"), queryset=Area.objects.none())
    issuer_name = forms.CharField(label=_("Issuing organisation"), max_length=100, required=False)
    date_from = SaneDateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    date_to = SaneDateField(label=pgettext_lazy("end of a period", "To"),
                              widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["area"]).queryset = areas


class WishForm(PersonLookupMixin):
    title = forms.CharField(label=_("Wish (a few words, no names)"), max_length=60)
    description = forms.CharField(label=_("Details"), max_length=1000, required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
    by_phone = forms.BooleanField(label=_("Taken by phone"), required=False)


class FulfilForm(forms.Form):
    photo = forms.FileField(label=_("Photo"), widget=forms.ClearableFileInput(attrs={"accept": "image/*"}))
    note = forms.CharField(label=_("What was done"), max_length=200, required=False)


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class HonourForm(PersonLookupMixin):
    title = forms.CharField(label=_("Honour"), max_length=100)
    level = forms.ChoiceField(label=_("Level"), choices=Honour.Level.choices)
    awarded_on = SaneDateField(label=_("Awarded on"), first_year=1950, widget=forms.DateInput(attrs={"type": "date"}))
    awarded_by = forms.CharField(label=_("Awarded by"), max_length=100, required=False)
    citation = forms.CharField(label=_("Citation"), max_length=1000, required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))


class PledgeForm(PersonLookupMixin):
    text = forms.CharField(label=_("Pledge"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))
    pledged_on = SaneDateField(label=_("Pledged on"), initial=timezone.localdate,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    due_on = SaneDateField(label=_("To be done by"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class FollowUpForm(forms.Form):
    date = SaneDateField(label=_("Date"), initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("What happened"), max_length=300)
    status = forms.ChoiceField(label=_("Status after"), choices=[
        c for c in Pledge.Status.choices if c[0] != Pledge.Status.PLEDGED])


def team_queryset():
    return Team.objects.filter(active=True)
