"""Forms of the people pages.  Choices of units are limited to the user's scope; the rules
themselves live in ``services`` and are checked again there."""

from __future__ import annotations

import datetime as dt
from typing import cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from linli.core.forms import SaneDateField
from linli.core.identifiers import (
    birth_date_from_id,
    normalise_id_number,
    normalise_mobile,
    validate_id_number,
    validate_mobile,
)
from linli.core.scope import Scope, scoped
from linli.places.models import Area, Building, Department, PartnerUnit, code_range

from . import excel, services
from .models import ContributionEntry, Gender, PartyStage, Person, RoleAssignment


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class BirthDateField(SaneDateField):
    """A birth date from 1900 on (year 1 or 9999 is a form error)."""

    def __init__(self, **kwargs):
        super().__init__(first_year=1900, **kwargs)


def _scoped_areas(user) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(queryset=scoped(Area.objects.order_by("code"), user), label=_("Area"))


def _in_scope(qs, scope: Scope, code_field: str):
    return qs if scope.everything else qs.filter(scope.area_q(code_field))


class PersonForm(forms.ModelForm):
    """Basic information.  The ID-card and mobile numbers are never pre-filled (that would unmask
    them without a log): leave them empty to keep what is on file, type a new one to replace it."""

    class Meta:
        model = Person
        fields = ["name", "gender", "birth_date", "id_number", "mobile", "area", "note"]
        field_classes = {"birth_date": BirthDateField}
        widgets = {"birth_date": DateInput(), "note": forms.Textarea(attrs={"rows": 3})}
        labels = {"name": _("Full name")}  # "name" alone is "名称" in the places catalogue
        error_messages = {
            "id_number": {"unique": _("Another person on file already has this ID-card number.")},
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"] = _scoped_areas(user)
        self.fields["area"].initial = self.instance.area_id
        cast(forms.CharField, self.fields["id_number"]).max_length = 20
        self.fields["id_number"].widget.attrs.update(maxlength=20, autocomplete="off")
        cast(forms.CharField, self.fields["mobile"]).max_length = 20
        self.fields["mobile"].widget.attrs.update(maxlength=20, autocomplete="off", inputmode="tel")
        self.initial["id_number"] = ""
        self.initial["mobile"] = ""
        if self.instance.pk:
            keep = _("Leave empty to keep %(current)s.")
            if self.instance.id_number:
                self.fields["id_number"].help_text = keep % {"current": self.instance.masked_id_number}
            if self.instance.mobile:
                self.fields["mobile"].help_text = keep % {"current": self.instance.masked_mobile}
        self._current = (self.instance.id_number, self.instance.mobile)

    def clean_id_number(self) -> str | None:
        value = normalise_id_number(self.cleaned_data.get("id_number") or "")
        if value:
            validate_id_number(value)
        return value or self._current[0]

    def clean_mobile(self) -> str:
        value = normalise_mobile(self.cleaned_data.get("mobile") or "")
        if value:
            validate_mobile(value)
        return value or (self._current[1] or "")

    def clean(self):
        data = super().clean() or {}
        id_number = data.get("id_number")
        if id_number and "id_number" not in self.errors:
            try:
                from_id = birth_date_from_id(id_number)
            except ValueError:
                from_id = None
            if from_id and not data.get("birth_date"):
                data["birth_date"] = from_id
            elif from_id and data.get("birth_date") != from_id:
                self.add_error("birth_date", _("The birth date does not match the ID-card number (%(date)s).")
                               % {"date": from_id.isoformat()})
            if not data.get("gender") and id_number[16].isdigit():
                data["gender"] = Gender.MALE if int(id_number[16]) % 2 else Gender.FEMALE
        return data


class ContributionForm(forms.ModelForm):
    class Meta:
        model = ContributionEntry
        fields = ["date", "what", "place", "area"]
        field_classes = {"date": SaneDateField}
        widgets = {"date": DateInput()}

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("auto_id", "id_contribution_%s")  # unique ids beside the role form
        super().__init__(*args, **kwargs)
        self.fields["area"] = _scoped_areas(user)
        self.fields["area"].required = False
        self.fields["area"].label = _("Where")

    def clean_date(self) -> dt.date:
        date = self.cleaned_data["date"]
        if date > dt.date.today():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return date


class RoleForm(forms.ModelForm):
    """A new term of a role; only the unit the role is held in is filled in."""

    class Meta:
        model = RoleAssignment
        fields = ["role", "area", "building", "department", "partner", "starts_on", "ends_on", "note"]
        field_classes = {"starts_on": SaneDateField, "ends_on": SaneDateField}
        widgets = {"starts_on": DateInput(), "ends_on": DateInput()}

    def __init__(self, *args, user, scope: Scope, person: Person, **kwargs):
        kwargs.setdefault("auto_id", "id_role_%s")
        super().__init__(*args, **kwargs)
        self.fields["area"] = _scoped_areas(user)
        self.fields["area"].required = False
        self.fields["area"].help_text = _("Grid roles: the grid; community/street staff: the community/street.")
        # Buildings of the person's own area (a building head lives there), within the scope.
        low, high = code_range(person.area.code)
        buildings = Building.objects.select_related("grid").filter(grid__code__gte=low, grid__code__lt=high)
        cast(forms.ModelChoiceField, self.fields["building"]).queryset = _in_scope(buildings, scope, "grid__code")
        self.fields["building"].help_text = _("Building roles: buildings in the person's area.")
        cast(forms.ModelChoiceField, self.fields["department"]).queryset = _in_scope(
            Department.objects.all(), scope, "area__code")
        self.fields["department"].help_text = _("Department handlers only.")
        cast(forms.ModelChoiceField, self.fields["partner"]).queryset = _in_scope(
            PartnerUnit.objects.all(), scope, "area__code")
        self.fields["partner"].help_text = _("Sponsor-shop staff only: the shop.")
        self.fields["ends_on"].help_text = _("Leave empty for an open term.")

    def clean(self):
        data = super().clean() or {}
        role = data.get("role")
        if role:
            try:
                services.check_role_unit(role, area=data.get("area"), building=data.get("building"),
                                         department=data.get("department"), partner=data.get("partner"))
            except forms.ValidationError as exc:
                self.add_error(None, exc)
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The term cannot end before it starts."))
        return data

    def _post_clean(self):
        # The person is set by the service; skip the model's own validation of a half-built instance.
        pass


class EndRoleForm(forms.Form):
    ends_on = SaneDateField(label=_("Term ends"), widget=DateInput())


class PartyStageForm(forms.Form):
    """The next step of the party pipeline and the date it was reached."""

    stage = forms.ChoiceField(label=_("Next stage"), choices=PartyStage.choices)
    on = SaneDateField(label=_("Reached on"), widget=DateInput(), first_year=1921,  # the party's founding
                       error_messages={"required": _("Please give the date."),
                                       "invalid": _("Enter the date as YYYY-MM-DD.")})

    def __init__(self, *args, next_stage: str | None = None, **kwargs):
        kwargs.setdefault("auto_id", "id_party_%s")
        super().__init__(*args, **kwargs)
        if next_stage is not None:
            cast(forms.ChoiceField, self.fields["stage"]).choices = [(next_stage, PartyStage(next_stage).label)]


class UnmaskForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for viewing the full number"), min_length=services.REASON_MIN,
        max_length=services.REASON_MAX, strip=True,
        help_text=_("Required; the view is written to the access log with your name and the time."),
        error_messages={
            "required": _("Please give the reason (at least 2 characters)."),
            "min_length": _("Please give the reason (at least 2 characters)."),
            "max_length": _("The reason may have at most 200 characters."),
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class UploadForm(forms.Form):
    """The people workbook to import: an .xlsx no larger than ``excel.MAX_FILE_BYTES``."""

    file = forms.FileField(label=_("Excel file (.xlsx)"),
                           widget=forms.ClearableFileInput(attrs={"accept": ".xlsx," + XLSX}))

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Please choose an Excel file ending in .xlsx."))
        if (upload.size or 0) > excel.MAX_FILE_BYTES:
            raise forms.ValidationError(_("The file is larger than %(mb)d MB; please split it into smaller files.")
                                        % {"mb": excel.MAX_FILE_BYTES // (1024 * 1024)})
        return upload
