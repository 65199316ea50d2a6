"""Forms of the care pages: they check types and sizes; the rules are in ``services``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.cases.forms import CategoryField
from linli.core.forms import AsciiFloatField, AsciiIntegerField, SaneDateField, SaneDateTimeField
from linli.places.models import Department, PartnerUnit
from linli.volunteering.models import Activity

from .models import MAX_FEN, Alert, CareCategory, Errand, Outreach, Risk, Visit

TEXT = {"max_length": _("Keep it under %(limit_value)d characters.")}


def set_choices(form: forms.BaseForm, name: str, choices: Iterable[tuple[object, object]]) -> None:
    """Fill a choice field's options at run time (``form.fields`` is typed as plain ``Field``)."""
    cast(forms.ChoiceField, form.fields[name]).choices = list(choices)


def set_queryset(form: forms.BaseForm, name: str, queryset: QuerySet) -> None:
    cast(forms.ModelChoiceField, form.fields[name]).queryset = queryset


def case_category() -> CategoryField:
    """The category of a case filed from care, its choices named with their parent in one query."""
    field = CategoryField(required=False)
    field.queryset = cast(QuerySet, field.queryset).select_related("parent")
    return field


class YuanField(forms.CharField):
    """An amount in yuan with at most two decimals, cleaned to integer fen."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        value = super().clean(value)
        if value in ("", None):
            return 0
        try:
            amount = Decimal(value.replace(",", "").replace("，", ""))
        except InvalidOperation:
            raise forms.ValidationError(_("Enter an amount in yuan, e.g. 25.50.")) from None
        exponent = amount.as_tuple().exponent
        if not amount.is_finite() or amount < 0 or (isinstance(exponent, int) and exponent < -2):
            raise forms.ValidationError(_("Enter an amount in yuan, e.g. 25.50."))
        fen = int((amount * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        if fen > MAX_FEN:
            raise forms.ValidationError(_("The amount may be at most 100,000 yuan."))
        return fen


class PersonPickForm(forms.Form):
    """A person by their id (from a search) or by their exact mobile number."""

    person = AsciiIntegerField(label=_("Person number"), required=False, min_value=1, max_value=2**62)
    mobile = forms.RegexField(label=_("or mobile number"), required=False, regex=r"^1[3-9]\d{9}$",
                              error_messages={"invalid": _("Enter an 11-digit mobile number.")})

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not self.errors and not data.get("person") and not data.get("mobile"):
            raise forms.ValidationError(_("Choose the person: their number or their mobile number."))
        return data


class RecipientForm(forms.Form):
    categories = forms.MultipleChoiceField(label=_("Care categories"), choices=CareCategory.choices,
                                           widget=forms.CheckboxSelectMultiple)
    risk = forms.ChoiceField(label=_("Risk level"), choices=Risk.choices)
    risk_reason = forms.CharField(label=_("Reason for the risk level"), max_length=200, error_messages=TEXT)
    family_doctor = forms.CharField(label=_("Family doctor"), max_length=50, required=False, error_messages=TEXT)
    doctor_institution = forms.CharField(label=_("Family doctor's clinic"), max_length=100, required=False,
                                         error_messages=TEXT)
    doctor_phone = forms.CharField(label=_("Family doctor's phone"), max_length=20, required=False,
                                   error_messages=TEXT)


class RecipientEditForm(RecipientForm):
    active = forms.BooleanField(label=_("On the care list"), required=False, initial=True)


class RegisterForm(PersonPickForm, RecipientForm):
    pass


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50, error_messages=TEXT)
    relation = forms.CharField(label=_("Relation"), max_length=20, error_messages=TEXT)
    phone = forms.CharField(label=_("Phone"), max_length=20, error_messages=TEXT)


class PairForm(forms.Form):
    carer = AsciiIntegerField(label=_("Carer (person number)"), required=False, min_value=1, max_value=2**62)
    carer_mobile = forms.RegexField(label=_("or the carer's mobile number"), required=False, regex=r"^1[3-9]\d{9}$",
                                    error_messages={"invalid": _("Enter an 11-digit mobile number.")})
    team = forms.TypedChoiceField(label=_("Team"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "team", [("", _("(none)")), *((t.pk, t.name) for t in teams)])


class RevealForm(forms.Form):
    reason = forms.CharField(label=_("Why do you need to see the health notes?"), max_length=200,
                             error_messages=TEXT)


class HealthNoteForm(forms.Form):
    text = forms.CharField(label=_("Health note"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
                           error_messages=TEXT)


LEVELS = Visit.Level.choices


class VisitForm(forms.Form):
    """The phone form: a few taps, the times pre-filled, the place from the phone."""

    mode = forms.ChoiceField(label=_("How"), choices=Visit.Mode.choices, widget=forms.RadioSelect,
                             initial=Visit.Mode.IN_PERSON)
    started_at = SaneDateTimeField(label=_("Started at"),
                                     widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    minutes = AsciiIntegerField(label=_("Minutes"), min_value=1, max_value=720, initial=20)
    health = forms.ChoiceField(label=_("Health"), choices=LEVELS, widget=forms.RadioSelect, initial="good")
    home_safety = forms.ChoiceField(label=_("Home safety"), choices=LEVELS, widget=forms.RadioSelect,
                                    initial="good")
    mood = forms.ChoiceField(label=_("Mood"), choices=LEVELS, widget=forms.RadioSelect, initial="good")
    findings = forms.CharField(label=_("What was found"), max_length=500, required=False, error_messages=TEXT,
                               widget=forms.Textarea(attrs={"rows": 2}))
    needs = forms.CharField(label=_("Needs"), max_length=300, required=False, error_messages=TEXT)
    follow_up = forms.CharField(label=_("Follow-up"), max_length=300, required=False, error_messages=TEXT)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Visit.Outcome.choices, initial="ok")
    lat = AsciiFloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = AsciiFloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["started_at"] = (timezone.localtime() - dt.timedelta(minutes=20)).strftime("%Y-%m-%dT%H:%M")


class NeedForm(forms.Form):
    kind = forms.ChoiceField(label=_("Turn the need into"), choices=[
        ("errand", _("an errand")), ("case", _("a case")), ("wish", _("a micro-wish"))])
    text = forms.CharField(label=_("What is needed"), max_length=300, required=False, error_messages=TEXT)
    errand_kind = forms.ChoiceField(label=_("Errand"), choices=Errand.Kind.choices, required=False)
    category = case_category()


class AlertForm(forms.Form):
    kind = forms.ChoiceField(label=_("Alert"), choices=Alert.Kind.choices)
    area = forms.TypedChoiceField(label=_("Area"), coerce=int)
    note = forms.CharField(label=_("Note"), max_length=200, required=False, error_messages=TEXT)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "area", [(a.pk, a.name) for a in areas])


class ErrandForm(PersonPickForm):
    kind = forms.ChoiceField(label=_("Errand"), choices=Errand.Kind.choices)
    description = forms.CharField(label=_("Details"), max_length=300, error_messages=TEXT)
    advance = YuanField(label=_("Money handed to the agent (yuan)"), required=False)


class DispatchForm(forms.Form):
    agent = forms.TypedChoiceField(label=_("Agent"), coerce=int)

    def __init__(self, *args, agents=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "agent", [(a.pk, a.name) for a in agents])


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=300, error_messages=TEXT)
    spent = YuanField(label=_("Spent (yuan)"), required=False)
    change = YuanField(label=_("Change returned (yuan)"), required=False)
    receipt = forms.ImageField(label=_("Receipt photo"), required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200, error_messages=TEXT)


class CallForm(forms.Form):
    area = forms.TypedChoiceField(label=_("Hotline of"), coerce=int)
    person = AsciiIntegerField(label=_("For whom (person number)"), min_value=1, max_value=2**62)
    caller_name = forms.CharField(label=_("Caller"), max_length=50, error_messages=TEXT)
    callback_phone = forms.CharField(label=_("Callback number"), max_length=20, required=False, error_messages=TEXT)
    request_type = forms.ChoiceField(label=_("Request"), choices=[
        ("errand", _("Errand")), ("six_helps", _("Six-helps booking")), ("problem", _("Problem report (a case)")),
        ("other", _("Other"))])
    notes = forms.CharField(label=_("Notes"), max_length=500, error_messages=TEXT,
                            widget=forms.Textarea(attrs={"rows": 2}))
    errand_kind = forms.ChoiceField(label=_("Errand"), choices=Errand.Kind.choices, required=False)
    category = case_category()
    service = forms.TypedChoiceField(label=_("Service"), coerce=int, required=False, empty_value=None)
    date = SaneDateField(label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, areas=(), services=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "area", [(a.pk, a.name) for a in areas])
        set_choices(self, "service", [("", "—"), *((s.pk, f"{s.get_kind_display()} · {s.name}") for s in services)])


class SlotForm(forms.Form):
    area = forms.TypedChoiceField(label=_("Hotline of"), coerce=int)
    weekday = forms.TypedChoiceField(label=_("Weekday"), coerce=int, choices=[
        (0, _("Monday")), (1, _("Tuesday")), (2, _("Wednesday")), (3, _("Thursday")), (4, _("Friday")),
        (5, _("Saturday")), (6, _("Sunday"))])
    starts = forms.TimeField(label=_("Duty starts"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Duty ends"), widget=forms.TimeInput(attrs={"type": "time"}))
    person = AsciiIntegerField(label=_("On duty (person number)"), min_value=1, max_value=2**62)

    def __init__(self, *args, areas=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "area", [(a.pk, a.name) for a in areas])


class SwapForm(forms.Form):
    slot = AsciiIntegerField(min_value=1, max_value=2**62, widget=forms.HiddenInput)
    date = SaneDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    replacement = AsciiIntegerField(label=_("Taken by (person number)"), min_value=1, max_value=2**62)
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False, error_messages=TEXT)


class BookForm(forms.Form):
    service = forms.TypedChoiceField(label=_("Service"), coerce=int)
    date = SaneDateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False, error_messages=TEXT)

    def __init__(self, *args, services=(), **kwargs):
        super().__init__(*args, **kwargs)
        set_choices(self, "service", [(s.pk, f"{s.get_kind_display()} · {s.name}") for s in services])


class DeliverForm(forms.Form):
    delivered_by = forms.CharField(label=_("Delivered by"), max_length=50, error_messages=TEXT)
    minutes = AsciiIntegerField(label=_("Minutes"), min_value=1, max_value=720)
    note = forms.CharField(label=_("Note"), max_length=200, required=False, error_messages=TEXT)


class MonthForm(forms.Form):
    month = forms.RegexField(regex=r"^\d{4}-(0[1-9]|1[0-2])$", required=False,
                             error_messages={"invalid": _("Choose a month as YYYY-MM.")})

    def month_date(self) -> dt.date:
        value = self.cleaned_data.get("month") if self.is_valid() else None
        if value:
            year, month = map(int, value.split("-"))
            if 2000 <= year <= 2100:
                return dt.date(year, month, 1)
        return timezone.localdate().replace(day=1)


class ActivityChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Activity) -> str:
        return f"{timezone.localtime(obj.starts_at):%Y-%m-%d} {obj.title}"


class OutreachForm(forms.Form):
    """Record a volunteering activity as a 微孝 free clinic, home-visit day or class, and who ran it."""

    activity = ActivityChoiceField(label=_("Volunteer activity"), queryset=Activity.objects.none())
    kind = forms.ChoiceField(label=_("Outreach"), choices=Outreach.Kind.choices)
    partners: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Partner units"), queryset=PartnerUnit.objects.none(), required=False)
    departments: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label=_("Departments"), queryset=Department.objects.none(), required=False)

    def __init__(self, *args: Any, activities: QuerySet[Activity], partners: QuerySet[PartnerUnit],
                 departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_queryset(self, "activity", activities)
        set_queryset(self, "partners", partners)
        set_queryset(self, "departments", departments)
